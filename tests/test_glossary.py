"""One vocabulary: docs/glossary.md names one word per concept in nl and en, and the words
not to use. Every text of both catalogues (core/texts.json; extension/_locales, which the
dashboard copies) and the nl/en texts of shared_factors.json is walked in both languages:
no forbidden word, no 'tussen X – Y', no 'vraag(en)', no backticks, no figures or location
label between brackets. Then what the screens render: 1 and 2 of each kind read '1 vraag',
'2 vragen', and the CLI, tray, /pair and teacher page pass the same checks."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from aifootprint.aggregator.report import hypothetical_class, period_figures
from aifootprint.aggregator.teacher_page import render_teacher_page
from aifootprint.cli import main
from aifootprint.cli.aggregator import render_report as render_class_report
from aifootprint.cli.daemon import render_day
from aifootprint.core.i18n import Catalog, catalogue
from aifootprint.daemon.server.pairing import render_pair_page
from aifootprint.daemon.services.reports import day_summary
from aifootprint.daemon.store.events import Store
from aifootprint.desktop.tray import uses_text
from aifootprint.model.events import Event, event_row
from aifootprint.model.footprint import Counts
from aifootprint.model.formatting import COUNT_TEXTS, count_text

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
LANGS = ("nl", "en")
HEADER = ["concept", "en", "nl", "words not to use (en)", "words not to use (nl)"]
MESSAGES = {lang: json.loads((ROOT / "extension" / "_locales" / lang / "messages.json")
                             .read_text("utf-8")) for lang in LANGS}
FACTORS = json.loads((ROOT / "shared_factors.json").read_text("utf-8"))

# ---- the glossary ----------------------------------------------------------------


def glossary_rows() -> list[dict[str, str]]:
    """The rows of the glossary's table, as {column: cell}."""
    rows, header = [], None
    for line in GLOSSARY.read_text("utf-8").splitlines():
        if not line.startswith("|"):
            if header:
                break  # the table has ended
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            assert header == HEADER, f"the glossary's columns must be {HEADER}"
        elif not set("".join(cells)) <= set("-: "):
            assert len(cells) == len(HEADER), line
            rows.append(dict(zip(HEADER, cells, strict=True)))
    return rows


ROWS = glossary_rows()


def forbidden(lang: str) -> dict[str, str]:
    """{word not to use: its concept} for one language."""
    words = {}
    for row in ROWS:
        for word in row[f"words not to use ({lang})"].split(","):
            if word.strip():
                words[word.strip()] = row["concept"]
    return words


FORBIDDEN = {lang: forbidden(lang) for lang in LANGS}
PATTERNS = {lang: {word: re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
                   for word in words} for lang, words in FORBIDDEN.items()}


def glossary_sentence(concept_start: str) -> dict[str, str]:
    row = next(row for row in ROWS if row["concept"].startswith(concept_start))
    return {lang: row[lang] for lang in LANGS}


def test_glossary_has_one_row_per_concept_and_never_forbids_its_own_word():
    assert len(ROWS) >= 30
    concepts = [row["concept"] for row in ROWS]
    assert len(concepts) == len(set(concepts))
    for row in ROWS:
        for lang in LANGS:
            assert row[lang], row["concept"]
            own = [word for word, pattern in PATTERNS[lang].items()
                   if pattern.fullmatch(row[lang])]
            assert own == [], f"{row['concept']}: {row[lang]!r} is also a word not to use"


def test_the_glossary_settles_the_words_the_issue_names():
    chosen = {row["concept"]: (row["en"], row["nl"]) for row in ROWS}
    words = {pair for pair in chosen.values()}
    for pair in [("prompt", "vraag"), ("image", "afbeelding"), ("electricity", "stroom"),
                 ("water", "water"), ("range", "bandbreedte"), ("student", "leerling"),
                 ("class", "klas"), ("pair", "koppelen"), ("homework", "huiswerk"),
                 ("lesson prep", "lesvoorbereiding"), ("studying", "leren"), ("other", "anders")]:
        assert pair in words, pair
    assert {"leraar", "leraarsleutel", "energie", "beelden", "prompt"} <= set(FORBIDDEN["nl"])
    assert {"question", "energy", "token"} <= set(FORBIDDEN["en"])


# ---- the texts -------------------------------------------------------------------


def factor_texts(node, path=""):
    """Every {"nl": ..., "en": ...} in shared_factors.json: labels and scope texts."""
    if isinstance(node, dict):
        if set(node) == set(LANGS):
            yield from ((f"shared_factors.json {path}", lang, node[lang]) for lang in LANGS)
            return
        for key, value in node.items():
            yield from factor_texts(value, f"{path}.{key}" if path else key)


def all_texts() -> list[tuple[str, str, str]]:
    """(where, lang, text) for every text a user can be shown."""
    texts = [(f"texts.json {section}.{key}", lang, entry[lang])
             for section, entries in catalogue().items() for key, entry in entries.items()
             for lang in LANGS]
    texts += [(f"messages.json {key}", lang, entry["message"])
              for lang in LANGS for key, entry in MESSAGES[lang].items()]
    return texts + list(factor_texts(FACTORS))


TEXTS = all_texts()
IDS = [f"{where} [{lang}]" for where, lang, _text in TEXTS]

# What is not a word of the text: {parameters}, commands in quotes or <code>, --options
# and addresses, and the example lines of --help (indented, starting with the command).
# A command outside these is left in, and then fails below.
NOT_WORDS = re.compile(r'\{[^{}]*\}|<code>.*?</code>|"aifootprint[^"]*"|(?<!\w)--[a-z][a-z-]*'
                       r"|https?://\S+|(?m:^  +aifootprint\b.*$)")
RANGE_WITH_A_DASH = re.compile(r"\b(?:tussen|between)\s+\S+(?:\s+\S+)?\s+[–-]\s", re.IGNORECASE)
# A text that is only 'tussen' (or 'bandbreedte: tussen'), for a range with a dash after it.
DANGLING_BETWEEN = re.compile(r"\s*(?:\w+:\s*)?(?:tussen|between)\s*", re.IGNORECASE)
PLURAL_HACK = re.compile(r"\w\((?:s|en|es|'s)\)")
LABEL_IN_BRACKETS = re.compile(r"\([^()]*\{(?:profile|location)\}")
PLURALS = {"nl": ["vragen", "afbeeldingen", "video's", "tellingen", "leerlingen", "schooldagen",
                  "dagen", "periodes", "mensen", "huishoudens", "benzineauto's", "kleine glazen"],
           "en": ["prompts", "images", "videos", "counts", "students", "school days", "days",
                  "periods", "people", "households", "petrol cars", "small glasses"]}
ONE_PLURAL = {lang: re.compile(rf"(?<![\d.,])1 (?:{'|'.join(map(re.escape, words))})(?!\w)")
              for lang, words in PLURALS.items()}


def words_of(text: str) -> str:
    return NOT_WORDS.sub(" ", text)


def problems(text: str, lang: str) -> list[str]:
    """What breaks the glossary in one text (a template or a rendered screen)."""
    found = [f"{word!r} ({FORBIDDEN[lang][word]})" for word, pattern in PATTERNS[lang].items()
             if pattern.search(words_of(text))]
    if "`" in text:
        found.append("a backtick (a command goes in quotes or <code>)")
    if re.search(r"\baifootprint\b", words_of(text)):
        found.append("a command outside quotes or <code>")
    if RANGE_WITH_A_DASH.search(text):
        found.append("'tussen X – Y' (say 'tussen X en Y')")
    if PLURAL_HACK.search(text):
        found.append("a plural in brackets such as 'dag(en)' (give a singular text)")
    if ONE_PLURAL[lang].search(text):
        found.append("'1' with a plural noun")
    if "drukt" in text and " af" in text:
        found.append("'het rapport drukt ... af' (say 'rekent met')")
    return found


@pytest.mark.parametrize("where, lang, text", TEXTS, ids=IDS)
def test_every_text_uses_the_glossary_words(where, lang, text):
    assert problems(text, lang) == []
    assert not LABEL_IN_BRACKETS.search(text), "a label between brackets nests its own brackets"
    assert not DANGLING_BETWEEN.fullmatch(text), "'tussen' glued to a range with a dash"


def test_the_checks_catch_what_they_are_for():
    """The checks can fail: each old wording of the issue is caught."""
    assert problems("Vraag het de leraar", "nl") == ["'leraar' (the person who teaches the class)"]
    assert problems("Leraarsleutel", "nl")
    assert problems("tussen 11,6 Wh – 16 Wh", "nl")
    assert problems("1 vragen", "nl") and problems("over 5 schooldag(en)", "nl")
    assert problems("start it with `aifootprint run`", "en")
    assert problems("Energy per question", "en") and problems("beelden", "nl")
    assert problems("Het rapport drukt 2,1 g af", "nl")
    assert problems('start het met "aifootprint run"', "nl") == []
    assert problems("tussen 11,6 Wh en 16 Wh", "nl") == []
    assert LABEL_IN_BRACKETS.search("(profiel {profile}, locatie {location})")


def test_the_range_sentence_is_the_glossarys_in_both_catalogues():
    sentence = glossary_sentence("what a range covers")
    range_note = Catalog("cli")
    for lang in LANGS:
        assert range_note("range_note", lang) == sentence[lang]
        assert MESSAGES[lang]["rangeNote"]["message"] == sentence[lang]


@pytest.mark.parametrize("where", ["cli.between", "messages.json rangeLabel",
                                   "messages.json dashboard_range"])
def test_ranges_read_between_x_and_y(where):
    for lang, word, joint in (("nl", "tussen", "en"), ("en", "between", "and")):
        if where.startswith("cli."):
            text = Catalog("cli").template(where.split(".")[1], lang)
        else:
            text = MESSAGES[lang][where.split()[1]]["message"]
        assert re.search(rf"\b{word} {{low}} {joint} {{high}}", text), (lang, text)


# ---- what the screens render -----------------------------------------------------

ONE_AND_TWO = {"nl": {"prompts": ("1 vraag", "2 vragen"), "images": ("1 afbeelding",
                                                                     "2 afbeeldingen")},
               "en": {"prompts": ("1 prompt", "2 prompts"), "images": ("1 image", "2 images")}}


@pytest.mark.parametrize("lang", LANGS)
def test_counts_are_singular_for_one_in_python(lang):
    for kind, (one, two) in ONE_AND_TWO[lang].items():
        assert (count_text(kind, 1, lang), count_text(kind, 2, lang)) == (one, two)
    kinds = {key.removesuffix("_one") for key in COUNT_TEXTS.messages}
    for kind in kinds:
        one, two = count_text(kind, 1, lang), count_text(kind, 2, lang)
        assert one.startswith("1 ") and two.startswith("2 ") and one[2:] != two[2:], kind
        assert count_text(kind, 1440, lang).startswith("1.440 " if lang == "nl" else "1,440 ")
    for one, two in ONE_AND_TWO[lang].values():
        summary = {"prompts": 1, "images": 1}
        assert one in uses_text(summary, lang)
        assert two in uses_text({"prompts": 2, "images": 2}, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_counts_are_singular_for_one_in_the_pages(lang):
    """countText (extension/i18n.js, also the dashboard's) with each pair of keys the popup
    and the dashboard use, and every text that has a singular form."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    script = f"""
import fs from 'node:fs';
import {{ countText, render }} from './extension/i18n.js';
const m = JSON.parse(fs.readFileSync('extension/_locales/{lang}/messages.json', 'utf8'));
const counted = {{}};
for (const [one, many] of [['prompts_one', 'prompts'], ['images_one', 'images'],
                           ['dashboard_prompts_one', 'dashboard_prompts']]) {{
  counted[many] = [1, 2].map((n) => countText('{lang}', n, m[one].message, m[many].message));
}}
const sentences = {{}};
for (const key of Object.keys(m).filter((k) => m[`${{k}}_one`])) {{
  sentences[key] = [render(m[`${{key}}_one`], {{ n: '1' }}), render(m[key], {{ n: '2' }})];
}}
console.log(JSON.stringify({{ counted, sentences }}));
"""
    done = subprocess.run([node, "--input-type=module", "-e", script], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)
    shown = json.loads(done.stdout)
    counted, expected = shown["counted"], ONE_AND_TWO[lang]
    assert counted["prompts"] == counted["dashboard_prompts"] == list(expected["prompts"])
    assert counted["images"] == list(expected["images"])
    assert {"pendingEvents", "dashboard_forget_done", "eq_drinking_water_people"} <= set(
        shown["sentences"])
    for key, (one, two) in shown["sentences"].items():
        assert one != two and problems(one, lang) == [] and problems(two, lang) == [], key


def seed(home: Path, prompts: int, images: int) -> None:
    now = datetime.now(UTC)
    events = [Event(id=str(uuid.uuid4()), ts=now.isoformat(), site="chatgpt.com", kind=kind,
                    count=count) for kind, count in (("prompt", prompts), ("image", images))
              if count]
    with Store(home / "data" / "footprint.db") as store:
        store.add_events([event_row(event, now) for event in events])


def cli(home: Path, lang: str, *args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(main, [*args, "--home", str(home), "--lang", lang], input=input)
    assert result.exit_code == 0, result.output
    return result.output


def nesting(text: str) -> int:
    deepest = depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


def screen_problems(text: str, lang: str) -> list[str]:
    found = problems(text, lang)
    found += [f"brackets in brackets: {line.strip()}" for line in text.splitlines()
              if nesting(line) > 1]
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("n", [1, 2])
def test_the_cli_says_1_vraag_and_the_figures_label(tmp_path, factors, lang, n):
    home = tmp_path / "home"
    home.mkdir()
    seed(home, n, n)
    one, two = (ONE_AND_TWO[lang][kind][n - 1] for kind in ("prompts", "images"))
    today = cli(home, lang, "today")
    assert f"chatgpt.com: {one}, {two}" in today
    label = factors.profile().label(lang)
    location = factors.location().label(lang)
    assert label in today.splitlines()[0] and location in today.splitlines()[0]
    assert " report" not in today.splitlines()[0] and " NL" not in today.splitlines()[0]
    report = cli(home, lang, "report", "--from", date.today().isoformat())
    scenario = cli(home, lang, "scenario")
    assert label in scenario.splitlines()[0]
    forgotten = cli(home, lang, "forget", "--all", "--yes")
    assert count_text("counts", 2, lang) in forgotten  # a prompt and an image: two counts
    sentence = glossary_sentence("what a range covers")[lang]
    for screen in (today, report, scenario):
        assert sentence in screen
        assert screen_problems(screen, lang) == []
    assert screen_problems(forgotten, lang) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_cli_says_1_telling(tmp_path, lang):
    home = tmp_path / "home"
    home.mkdir()
    seed(home, 1, 0)
    export = tmp_path / "export.json"
    result = CliRunner().invoke(main, ["export", "--output", str(export), "--home", str(home),
                                       "--lang", lang])
    assert count_text("counts", 1, lang) in result.output + result.stderr
    imported = cli(home, lang, "import", str(export))
    asked = CliRunner().invoke(main, ["forget", "--all", "--home", str(home), "--lang", lang],
                               input="n\n").output
    forgotten = cli(home, lang, "forget", "--all", "--yes")
    for shown in (imported, asked, forgotten):
        assert screen_problems(shown, lang) == [], shown
    assert count_text("counts", 1, lang) in forgotten


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("n", [1, 2])
def test_the_tray_and_the_day_say_1_vraag(factors, lang, n):
    summary = day_summary(factors, "report", "NL", date.today(), Counts(n, n),
                          {"chatgpt.com": Counts(n, n)}, {})
    one, two = (ONE_AND_TWO[lang][kind][n - 1] for kind in ("prompts", "images"))
    assert uses_text(summary, lang) == f"{one}, {two}"
    shown = render_day(summary, lang, factors)
    assert f"{one}, {two}" in shown and screen_problems(shown, lang) == []


EXPECTED = {"students": 25, "relative_half_width": 0.24}
RELEASES = {
    "released": {"status": "released", "energy_wh": 2145.0, "half_width_wh": 494.3},
    "too_uncertain": {"status": "too_uncertain", "energy_wh": None, "half_width_wh": 4943.0},
    # Before one energy total: two noisy counts, shown as they were.
    "earlier_method": {"status": "released", "energy_wh": None, "prompts": 1, "images": 1,
                       "scale_prompts": 0.0001, "scale_images": 0.0001},
}
SAID = {"released": {"nl": "2,1 kWh (1,7 kWh – 2,6 kWh)", "en": "2.1 kWh (1.7 kWh – 2.6 kWh)"},
        "too_uncertain": {"nl": "te onzeker om te tonen (de marge zou ±4,9 kWh zijn)",
                          "en": "too uncertain to show (the margin would be ±4.9 kWh)"},
        "earlier_method": {"nl": "1 vraag (±0), 1 afbeelding (±0)",
                           "en": "1 prompt (±0), 1 image (±0)"}}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("status", list(RELEASES))
@pytest.mark.parametrize("period_kind, days", [("day", 1), ("week", 5), ("month", 20)])
def test_the_class_report_says_each_status_and_1_schooldag(factors, lang, status,
                                                           period_kind, days):
    release = {"period": "2026-11-25", "band": "5-9", "epsilon": 1.0, "test_clock": 0,
               **RELEASES[status]}
    answer = {"class": {"name": "3B", "id": "abc"},
              "periods": [period_figures(factors, "day", release)],
              "expected_precision": EXPECTED,
              "hypothetical": hypothetical_class(factors, period_kind)}
    shown = render_class_report(answer, lang)
    assert SAID[status][lang] in shown
    assert count_text("school_days", days, lang) in shown
    assert ("±24 %" in shown) and screen_problems(shown, lang) == []


def page_text(page: str) -> str:
    """What an HTML page shows: its text without tags, scripts and styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    page = re.sub(r"<code>(.*?)</code>", r'"\1"', page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("lang", LANGS)
def test_the_pair_and_teacher_pages_use_the_glossary(factors, lang):
    pair = render_pair_page("http://127.0.0.1:47474", "secret", lang)
    assert "<code>aifootprint token</code>" in pair and "<code>aifootprint run</code>" in pair
    teacher = render_teacher_page(lang, factors)
    texts = json.loads(html.unescape(re.search(r'data-texts="([^"]*)"', teacher).group(1)))
    assert {"school_days", "school_days_one"} <= set(texts)
    for page in (pair, teacher):
        assert screen_problems(page_text(page), lang) == []
    for text in texts.values():
        assert problems(text, lang) == []
