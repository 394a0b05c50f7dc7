"""The /pair page: hands the daemon's URL and token to the extension's content script.

The extension's pair script reads data-url and data-token from <main id="pairing">,
checks them, and sets data-state to "paired" or "failed"; CSS shows the matching text.
Other web pages cannot read it: the Origin rule refuses their requests, the browser's
same-origin policy hides the response, and the headers forbid framing.
"""

from __future__ import annotations

from html import escape

from ...core.i18n import Catalog

TEXT = Catalog("pair")

STATES = ("waiting", "paired", "failed")
# The commands the texts name, shown as code (the CLI names them in quotes).
COMMANDS = {"token_command": "<code>aifootprint token</code>",
            "run_command": "<code>aifootprint run</code>"}

PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b2b1f; }}
.state {{ display: none; padding: 1rem; border-radius: .5rem; background: #eef5ee; }}
{state_css}
</style>
</head>
<body>
<main id="pairing" data-url="{url}" data-token="{token}" data-state="waiting">
<h1>{title}</h1>
{state_texts}
<p>{privacy}</p>
</main>
</body>
</html>
"""


def render_pair_page(url: str, token: str, lang: str) -> str:
    state_css = "\n".join(
        f'#pairing[data-state="{state}"] .state-{state} {{ display: block; }}'
        for state in STATES
    )
    state_texts = "\n".join(
        f'<p class="state state-{state}" data-text="{state}">'
        f'{escape(TEXT.template(state, lang)).format(**COMMANDS)}</p>'
        for state in STATES
    )
    return PAGE.format(
        lang=lang, title=escape(TEXT("title", lang)), url=escape(url), token=escape(token),
        state_css=state_css, state_texts=state_texts, privacy=escape(TEXT("privacy", lang)),
    )
