"""The teacher page: a form for the class id and teacher key, the released periods, the
school-day calculator and questions for a lesson; one page that also prints on one A4.

Server-rendered texts in nl or en; static/teacher.js fetches the report with the key and
fills the table. The key is typed once per browser tab: the script keeps it in the tab's
sessionStorage (gone when the tab closes), never in the URL or in lasting storage.
"""

from __future__ import annotations

import html
import json

from ..core.i18n import Catalog
from ..model.factors import FactorTable
from ..model.formatting import COUNT_TEXTS
from .report import unit_figures

TEXT = Catalog("teacher_page")

PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/teacher.css"></head>
<body>
<main id="teacher" data-lang="{lang}" data-texts="{texts}" data-unit="{unit}">
<p class="lang screen-only"><a href="?lang={other}">{other_lang}</a></p>
<h1>{title}</h1>
<p class="intro">{intro}</p>
<form id="report-form" class="screen-only">
<label>{class_id} <input name="class_id" required autocomplete="off"></label>
<label>{teacher_key} <input name="teacher_key" type="password" required autocomplete="off">
</label>
<button type="submit">{show}</button>
<p class="note">{key_kept}</p>
</form>
<p id="message" role="status"></p>
<section id="report" hidden>
<div class="report-head"><h2 id="class-name"></h2>
<p class="screen-only"><button type="button" id="print">{print}</button>
<button type="button" id="other-class">{other_class}</button></p></div>
<p id="next-release"></p>
<table id="periods"><thead><tr><th>{period}</th><th>{students}</th>
<th>{energy}</th><th>{co2}</th><th>{water}</th></tr></thead>
<tbody></tbody></table>
<p class="note">{bars}</p>
<figure id="chart" hidden><div class="chart-rows"></div><figcaption>{chart}</figcaption></figure>
<p id="compare"></p>
<p class="note">{scope}</p>
<section id="joining" class="screen-only">
<h3>{joining_title}</h3>
<p id="joining-state"></p>
<form id="seats-form">
<label>{seats} <input name="seats" type="number" min="5" max="1000" required></label>
<button type="submit">{seats_save}</button>
<button type="button" id="toggle-joining"></button>
<button type="button" id="reset" class="danger">{reset}</button>
</form>
<p id="new-code" role="status"></p>
<img id="new-qr" alt="{qr_alt}" width="240" height="240" hidden>
<p class="note">{seats_hint}</p>
</section>
</section>
<section id="calculator">
<h2>{calc_title}</h2>
<p class="note">{calc_intro}</p>
<form id="calc">
<label>{calc_students} <input name="students" type="number" min="1" max="1000" value="25"></label>
<label>{calc_prompts} <input name="prompts" type="number" min="0" max="1000" value="10"></label>
<label>{calc_images} <input name="images" type="number" min="0" max="1000" value="5"></label>
<label>{calc_teacher} <input name="teacher" type="number" min="0" max="1000" value="10"></label>
<label>{calc_days} <input name="days" type="number" min="1" max="400" value="1"></label>
</form>
<p id="calc-result" aria-live="polite"></p>
</section>
<section id="discuss">
<h2>{discuss_title}</h2>
<ol>{questions}</ol>
</section>
</main>
<script type="module" src="/static/teacher.js"></script>
</body></html>
"""

# Texts the script fills in itself ({date}, {energy}...), unformatted.
SCRIPT_TEXTS = ("not_enough", "too_uncertain", "earlier_method", "none", "compare",
                "next_release", "key_wrong", "class_unknown", "unreachable", "equivalents",
                "calc_result", "joining_open", "joining_closed", "close_joining", "open_joining",
                "reset_confirm", "new_code")
QUESTIONS = ("discuss_1", "discuss_2", "discuss_3", "discuss_4", "discuss_5")


def render_teacher_page(lang: str, table: FactorTable) -> str:
    texts = {key: TEXT.template(key, lang) for key in SCRIPT_TEXTS}
    # '1 schooldag', '5 schooldagen': the script fills in {n}.
    texts |= {key: COUNT_TEXTS.template(key, lang) for key in ("school_days", "school_days_one")}
    values = {key: html.escape(TEXT(key, lang, k=5)) for key in TEXT.messages
              if key not in SCRIPT_TEXTS}
    questions = "".join(f"<li>{values[key]}</li>" for key in QUESTIONS)
    return PAGE.format(lang=lang, other="en" if lang == "nl" else "nl",
                       texts=html.escape(json.dumps(texts)),
                       unit=html.escape(json.dumps(unit_figures(table))),
                       questions=questions, **values)
