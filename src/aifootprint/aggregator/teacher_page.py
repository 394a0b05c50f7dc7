"""The teacher page: a form for the class id and teacher key, and the released periods.

Server-rendered texts in nl or en; static/teacher.js fetches the report with the key
(it never leaves the page: not in the URL, not stored) and fills the table.
"""

from __future__ import annotations

import html
import json

from ..core.i18n import Catalog
from ..model.formatting import COUNT_TEXTS

TEXT = Catalog("teacher_page")

PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/teacher.css"></head>
<body>
<main id="teacher" data-lang="{lang}" data-texts="{texts}">
<p class="lang"><a href="?lang={other}">{other_lang}</a></p>
<h1>{title}</h1>
<p>{intro}</p>
<form id="report-form">
<label>{class_id} <input name="class_id" required autocomplete="off"></label>
<label>{teacher_key} <input name="teacher_key" type="password" required autocomplete="off">
</label>
<button type="submit">{show}</button>
</form>
<p id="message" role="status"></p>
<section id="report" hidden>
<h2 id="class-name"></h2>
<table><thead><tr><th>{period}</th><th>{students}</th>
<th>{energy}</th><th>{co2}</th><th>{water}</th></tr></thead><tbody></tbody></table>
<p>{bars}</p>
<p id="compare"></p>
<p>{scope}</p>
</section>
</main>
<script type="module" src="/static/teacher.js"></script>
</body></html>
"""

SCRIPT_TEXTS = ("not_enough", "too_uncertain", "earlier_method", "none", "compare")


def render_teacher_page(lang: str) -> str:
    texts = {key: TEXT(key, lang) if key != "compare" else TEXT.template(key, lang)
             for key in SCRIPT_TEXTS}
    # '1 schooldag', '5 schooldagen': the script fills in {n}.
    texts |= {key: COUNT_TEXTS.template(key, lang) for key in ("school_days", "school_days_one")}
    values = {key: html.escape(TEXT(key, lang, k=5)) for key in TEXT.messages
              if key != "compare"}
    return PAGE.format(lang=lang, other="en" if lang == "nl" else "nl",
                       texts=html.escape(json.dumps(texts)), **values)
