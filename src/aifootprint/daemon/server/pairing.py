"""The /pair page: hands the daemon's URL and the extension's token to the extension's
content script, but only in a browser that holds the dashboard's session (the user opened
it through their own login link); any other visitor gets how to pair instead.

The extension's pair script reads data-url and data-token from <main id="pairing">,
checks them, and sets data-state to "paired" or "failed"; CSS shows the matching text.
Other web pages cannot read it: the Origin rule refuses their requests, the browser's
same-origin policy hides the response, and the headers forbid framing.
"""

from __future__ import annotations

from html import escape

from ...core.i18n import Catalog
from .pages import page, text_with_commands

TEXT = Catalog("pair")

STATES = ("waiting", "paired", "failed")


def render_pair_page(url: str, token: str | None, lang: str) -> str:
    """The pairing page with `token`, or (None) the page saying how to pair."""
    title = TEXT("title", lang)
    if token is None:  # not main#pairing: the extension's script leaves this page alone
        return page(lang, title, f'<main id="pair-how">\n<h1>{escape(title)}</h1>\n'
                                 f'<p>{text_with_commands(TEXT.template("login", lang))}</p>\n'
                                 f'<p>{escape(TEXT("privacy", lang))}</p>\n</main>')
    state_css = "\n".join(
        f'#pairing[data-state="{state}"] .state-{state} {{ display: block; }}'
        for state in STATES
    )
    state_texts = "\n".join(
        f'<p class="state state-{state}" data-text="{state}">'
        f'{text_with_commands(TEXT.template(state, lang))}</p>'
        for state in STATES
    )
    main = (f'<main id="pairing" data-url="{escape(url)}" data-token="{escape(token)}" '
            f'data-state="waiting">\n<h1>{escape(title)}</h1>\n{state_texts}\n'
            f'<p>{escape(TEXT("privacy", lang))}</p>\n</main>')
    return page(lang, title, main, state_css)

