"""The daemon's small HTML pages besides the dashboard: one frame (a title and the page's
own <main>) for /pair (pairing.py) and the page that says how to open the dashboard."""

from __future__ import annotations

from html import escape

from ...core.i18n import Catalog

LOGIN_TEXT = Catalog("login")

# The commands the texts name, shown as code (the CLI names them in quotes).
COMMANDS = {"token_command": "<code>aifootprint token</code>",
            "run_command": "<code>aifootprint run</code>",
            "dashboard_command": "<code>aifootprint dashboard</code>",
            "pair_command": "<code>aifootprint pair-browser</code>"}

FRAME = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="/static/icon.svg" type="image/svg+xml">
{head}<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b2b1f; }}
.state {{ display: none; padding: 1rem; border-radius: .5rem; background: #eef5ee; }}
{css}
</style>
</head>
<body>
{main}
</body>
</html>
"""


def text_with_commands(template: str) -> str:
    """A catalogue text as HTML, its {..._command} placeholders as code."""
    return escape(template).format(**COMMANDS)


def page(lang: str, title: str, main: str, css: str = "", head: str = "") -> str:
    """`main` and `head` (more of <head>) are HTML, already escaped; `title` is plain text."""
    return FRAME.format(lang=lang, title=escape(title), css=css, main=main,
                        head=f"{head}\n" if head else "")


def render_login_page(reason: str, lang: str) -> str:
    """How to open the dashboard; `reason` is "needed" (no session) or "used" (a spent or
    expired login code)."""
    title = LOGIN_TEXT("title", lang)
    return page(lang, title, f'<main id="login" data-reason="{reason}">\n'
                             f'<h1>{escape(title)}</h1>\n'
                             f'<p>{text_with_commands(LOGIN_TEXT.template(reason, lang))}</p>\n'
                             f'<p id="join-kept" hidden>{escape(LOGIN_TEXT("join_kept", lang))}'
                             '</p>\n</main>',
                head='<script type="module" src="/static/kept_join.js"></script>')


def render_opening_page(lang: str) -> str:
    """What /login answers with the session cookie: on to / by a refresh from this page
    itself, so the browser sends the SameSite=Strict cookie there even when the login link
    was opened from another site or a file (a redirect would keep that initiator, and the
    cookie would stay behind)."""
    title = LOGIN_TEXT("title", lang)
    text = escape(LOGIN_TEXT.template("opening", lang)).format(
        dashboard_link='<a href="/">/</a>')
    return page(lang, title, f'<main id="login" data-reason="opening">\n'
                             f'<h1>{escape(title)}</h1>\n<p>{text}</p>\n</main>',
                head='<meta http-equiv="refresh" content="0; url=/">')
