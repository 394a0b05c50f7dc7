"""One text catalogue for the dashboard and the extension.

extension/_locales/<lang>/messages.json holds every text either shows (Chrome's format; the
dashboard reads the copies scripts/sync_shared.py makes, test_shared_copies.py checks them).
Here: every key in nl and en with the same {name}s, valid for Chrome, every key the pages
look up exists, every text is used, and the pages write no text of their own.
"""

from __future__ import annotations

import json
import re
import runpy
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aifootprint.model.footprint import EQUIVALENT_TEXTS

SYNC = runpy.run_path(str(Path(__file__).parent.parent / "scripts" / "sync_shared.py"))
EXTENSION, STATIC = SYNC["EXTENSION"], SYNC["DASHBOARD_STATIC"]
LANGS = ("nl", "en")
MESSAGES = {lang: json.loads((EXTENSION / "_locales" / lang / "messages.json").read_text("utf-8"))
            for lang in LANGS}
KEYS = set(MESSAGES["en"])

# What shows text: the scripts look texts up with t("key"), the pages name them in
# data-i18n="key" and data-i18n-aria-label="key", the manifest in __MSG_key__.
SCRIPTS = [EXTENSION / "popup.js", EXTENSION / "options.js", EXTENSION / "managed_ui.js",
           STATIC / "dashboard.js", STATIC / "classroom.js", STATIC / "charts.js",
           STATIC / "report_figures.js"]
PAGES = [EXTENSION / "popup.html", EXTENSION / "options.html", STATIC / "index.html"]
MANIFEST = EXTENSION / "manifest.json"

CALL = re.compile(r"\bt\(")
LOOKUP = re.compile(r"""\bt\(\s*(['"])([^'"]*)\1""")
ATTRIBUTE = re.compile(r'\bdata-i18n(?:-aria-label)?="([^"]*)"')
MSG = re.compile(r"__MSG_(\w+)__")
PARAM = re.compile(r"\{(\w+)\}")
# The only lookups whose key is built at run time: the everyday comparisons of the popup and
# of the dashboard's period totals, one eq_<key> (and eq_<key>_one) for each comparison
# footprint.js can choose.
BUILT_KEYS = {name: ["t(`eq_${equivalent.key}_one`)", "t(`eq_${equivalent.key}`, "]
              for name in ("popup.js", "dashboard.js")}


def lookups(path: Path) -> set[str]:
    return {match.group(2) for match in LOOKUP.finditer(path.read_text("utf-8"))}


def referenced() -> set[str]:
    keys = set().union(*(lookups(path) for path in SCRIPTS))
    for page in PAGES:
        keys |= set(ATTRIBUTE.findall(page.read_text("utf-8")))
    return keys | set(MSG.findall(MANIFEST.read_text("utf-8")))


def equivalent_keys() -> set[str]:
    """The comparisons footprint.js chooses from, e.g. energy = ['phone_charges', ...]."""
    source = (EXTENSION / "footprint.js").read_text("utf-8")
    return set(re.findall(r"\b(?:energy|co2|water) = \['([a-z_]+)',", source))


def test_catalogue_is_nl_and_en_with_the_same_keys():
    assert sorted(path.name for path in (EXTENSION / "_locales").iterdir()) == sorted(LANGS)
    assert set(MESSAGES["nl"]) == set(MESSAGES["en"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_valid_for_chrome_and_uses_one_convention(lang):
    messages = MESSAGES[lang]
    for key, entry in messages.items():
        # Chrome: ASCII letters, digits and _ only, case-insensitive, @@ is its own.
        assert re.fullmatch(r"[A-Za-z0-9_]+", key) and not key.startswith("@@"), key
        assert set(entry) <= {"message", "description"}, key
        assert isinstance(entry["message"], str) and entry["message"].strip(), key
        # Parameters are {name}, filled by i18n.js; never Chrome's $NAME$ placeholders.
        assert "$" not in entry["message"], key
    assert len({key.lower() for key in messages}) == len(messages), "keys differing only in case"


def test_nl_and_en_take_the_same_parameters():
    differ = {key: (PARAM.findall(MESSAGES["nl"][key]["message"]),
                    PARAM.findall(MESSAGES["en"][key]["message"])) for key in KEYS}
    assert {key: pair for key, pair in differ.items() if set(pair[0]) != set(pair[1])} == {}


def test_every_key_the_pages_look_up_exists():
    assert referenced(), "no lookups found"
    assert sorted(referenced() - KEYS) == []


def test_every_lookup_names_its_key():
    """So the search above sees every key: t( is always followed by a literal key."""
    unnamed = []
    for path in SCRIPTS:
        source = path.read_text("utf-8")
        allowed = BUILT_KEYS.get(path.name, [])
        for call in CALL.finditer(source):
            at = call.start()
            if LOOKUP.match(source, at) or any(source.startswith(a, at) for a in allowed):
                continue
            line = source.count("\n", 0, at) + 1
            unnamed.append(f"{path.name}:{line}: {source[at:source.find(chr(10), at)].strip()}")
    assert unnamed == []


def test_every_text_is_used():
    eq = {key for key in KEYS if key.startswith("eq_")}
    assert sorted(KEYS - eq - referenced()) == []
    assert {key.removesuffix("_one") for key in eq} == {f"eq_{key}" for key in equivalent_keys()}


@pytest.mark.parametrize("lang", LANGS)
def test_comparisons_read_the_same_in_the_popup_and_the_daemon(lang):
    """The dashboard shows the daemon's comparisons (footprint.py), the popup the catalogue's."""
    catalogue = {key[3:]: entry["message"] for key, entry in MESSAGES[lang].items()
                 if key.startswith("eq_")}
    assert catalogue == {key: texts[lang] for key, texts in EQUIVALENT_TEXTS.messages.items()}


class PageText(HTMLParser):
    """The words a page shows before its script fills it: text and text attributes."""

    SHOWN_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.title = ""
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("meta", "link", "input", "br", "img"):
            self.stack.append(tag)
        for name, value in attrs:
            # An example address in a URL field is not a word to translate.
            if (name in self.SHOWN_ATTRIBUTES and value and re.search(r"[^\W\d_]", value)
                    and not re.match(r"https?://", value)):
                self.words.append(f'{tag} {name}="{value}"')

    def handle_endtag(self, tag):
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]

    def handle_data(self, data):
        where = self.stack[-1] if self.stack else ""
        if where == "title":
            self.title += data
        elif where not in ("script", "style") and re.search(r"[^\W\d_]", data):
            self.words.append(data.strip())


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_pages_have_no_text_of_their_own(page):
    """Every word comes from the catalogue (data-i18n); the tab title is the product name."""
    parser = PageText()
    parser.feed(page.read_text("utf-8"))
    assert parser.words == []
    product = {MESSAGES[lang]["extName"]["message"] for lang in LANGS}
    assert product == {parser.title}


def test_scripts_write_no_sentences_of_their_own():
    """A rough check: no string literal in the page scripts reads like words (two words with
    a space), apart from the few listed here that are not shown."""
    not_shown = {"banner warn broken-adapter", "xMidYMid meet"}
    literal = re.compile(r"""(["'`])((?:\\.|(?!\1)[^\\\n])*)\1""")
    found = []
    for path in SCRIPTS:
        for line in path.read_text("utf-8").splitlines():
            if line.lstrip().startswith("//"):
                continue
            for match in literal.finditer(line):
                text = re.sub(r"\$\{[^}]*\}", "", match.group(2))
                if re.search(r"[^\W\d_]{2,} [^\W\d_]{2,}", text) and text not in not_shown:
                    found.append(f"{path.name}: {match.group(0)}")
    assert found == []
