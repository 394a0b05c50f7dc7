"""The teacher page: a form for the class id and teacher key, and the released periods.

Server-rendered texts in nl or en; static/teacher.js fetches the report with the key
(it never leaves the page: not in the URL, not stored) and fills the table.
"""

from __future__ import annotations

import html
import json

from ..i18n import Catalog

TEXT = Catalog({
    "title": {"en": "Class footprint (teacher)", "nl": "Voetafdruk van de klas (leraar)"},
    "intro": {
        "en": "Anonymous totals of the students who chose to share. A period appears only "
              "after it has closed, only once, and only if at least {k} students took part; "
              "the figures carry random noise so that no single student can be seen.",
        "nl": "Anonieme totalen van de leerlingen die ervoor kozen te delen. Een periode "
              "verschijnt pas als die voorbij is, maar één keer, en alleen als minstens {k} "
              "leerlingen meededen; er zit bewust ruis in de cijfers zodat geen enkele "
              "leerling te herkennen is.",
    },
    "class_id": {"en": "Class id", "nl": "Klas-id"},
    "teacher_key": {"en": "Teacher key", "nl": "Leraarsleutel"},
    "show": {"en": "Show", "nl": "Toon"},
    "period": {"en": "Period", "nl": "Periode"},
    "students": {"en": "Students", "nl": "Leerlingen"},
    "prompts": {"en": "Prompts", "nl": "Vragen"},
    "images": {"en": "Images", "nl": "Beelden"},
    "energy": {"en": "Energy", "nl": "Energie"},
    "co2": {"en": "CO2", "nl": "CO2"},
    "water": {"en": "Water", "nl": "Water"},
    "not_enough": {"en": "not enough participants", "nl": "te weinig deelnemers"},
    "none": {"en": "No period has been released yet.", "nl": "Er is nog geen periode vrijgegeven."},
    "bars": {
        "en": "Between brackets: the range that holds the noise 95 % of the time.",
        "nl": "Tussen haakjes: het bereik waarbinnen de ruis in 95 % van de gevallen valt.",
    },
    "compare": {
        "en": "For comparison, the report's hypothetical class (25 students) over {days} "
              "school day(s): {energy}.",
        "nl": "Ter vergelijking: de hypothetische klas uit het rapport (25 leerlingen) over "
              "{days} schooldag(en): {energy}.",
    },
    "scope": {
        "en": "Only use (inference) is counted, not training, hardware or devices.",
        "nl": "Alleen gebruik (inferentie) telt mee, geen training, hardware of apparaten.",
    },
    "other_lang": {"en": "Nederlands", "nl": "English"},
})

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
<table><thead><tr><th>{period}</th><th>{students}</th><th>{prompts}</th><th>{images}</th>
<th>{energy}</th><th>{co2}</th><th>{water}</th></tr></thead><tbody></tbody></table>
<p>{bars}</p>
<p id="compare"></p>
<p>{scope}</p>
</section>
</main>
<script type="module" src="/static/teacher.js"></script>
</body></html>
"""

SCRIPT_TEXTS = ("not_enough", "none", "compare")


def render_teacher_page(lang: str) -> str:
    texts = {key: TEXT(key, lang) if key != "compare" else TEXT.messages[key][lang]
             for key in SCRIPT_TEXTS}
    values = {key: html.escape(TEXT(key, lang, k=5)) for key in TEXT.messages
              if key != "compare"}
    return PAGE.format(lang=lang, other="en" if lang == "nl" else "nl",
                       texts=html.escape(json.dumps(texts)), **values)
