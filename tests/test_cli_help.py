"""`--help` and usage errors in the CLI's language: every command's help, as a Dutch user
would get it, holds no English sentence of ours nor click's English headings."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from aifootprint.cli import main
from aifootprint.cli.help import HELP, every_command
from aifootprint.core.i18n import catalogue

COMMANDS = [path for path, _ in every_command(main)]
CLICK_ENGLISH = ["Usage:", "Options:", "Commands:", "Show this message and exit",
                 "Show the version and exit", "[default:", "[required]", "Examples:",
                 "[OPTIONS]", "COMMAND [ARGS]", "INTEGER", "DIRECTORY"]


def help_of(path: str, lang: str) -> str:
    """`aifootprint <path> --help`: a group has no --lang, so the environment says it."""
    result = CliRunner().invoke(main, [*path.split(), "--help"],
                                env={"AIFOOTPRINT_LANG": lang, "LANG": "C"})
    assert result.exit_code == 0, result.output
    return result.output


def english_sentences() -> set[str]:
    """Every English help and usage text of ours that differs from its Dutch one: pieces
    between line breaks, since click wraps the text."""
    found = set()
    for key, entry in catalogue()["cli_help"].items():
        if entry["en"] != entry["nl"] and not key.startswith("word_"):
            found |= pieces(entry["en"]) - pieces(entry["nl"])  # commands are in both
    return found


def pieces(text: str) -> set[str]:
    text = re.sub(r"\{\w+\}", "", text)  # the values filled in
    return {piece.strip() for piece in re.split(r"[\n\b]", text) if len(piece.strip()) > 12}


def words(text: str) -> str:
    return " ".join(text.split())  # click wraps lines: compare with spaces only


@pytest.mark.parametrize("path", COMMANDS, ids=[path or "aifootprint" for path in COMMANDS])
def test_dutch_help_has_no_english_sentence_of_ours_or_clicks(path):
    shown = help_of(path, "nl")
    flat = words(shown)
    assert words(HELP.template(path or "main", "nl")) in flat
    english = [sentence for sentence in english_sentences() if words(sentence) in flat]
    assert english == []
    assert [word for word in CLICK_ENGLISH if word in shown] == []
    assert "Gebruik:" in shown and "Opties:" in shown and "Toon deze hulp en stop." in shown


@pytest.mark.parametrize("path", ["", "today", "aggregator create-class"])
def test_english_help_is_the_catalogues_english(path):
    shown = help_of(path, "en")
    assert words(HELP.template(path or "main", "en")) in words(shown)
    assert "Usage:" in shown and "Options:" in shown and "Gebruik:" not in shown


def test_lang_on_the_command_line_wins_over_the_environment():
    result = CliRunner().invoke(main, ["today", "--help", "--lang", "nl"],
                                env={"AIFOOTPRINT_LANG": "en"})
    assert "De voetafdruk van vandaag" in result.output and "Usage:" not in result.output


@pytest.mark.parametrize("args, sentence", [
    (["today", "--bogus"], "Fout: De optie --bogus bestaat niet."),
    (["report"], "Fout: '--from' ontbreekt."),
    (["today", "--port", "x"], "Fout: Ongeldige waarde voor '--port'"),
    (["forget"], "Fout: Zeg wat je wilt verwijderen"),
])
def test_usage_errors_in_dutch_with_the_usage_line_and_hint(args, sentence):
    result = CliRunner().invoke(main, [*args, "--lang", "nl"])
    assert result.exit_code == 2
    assert sentence in result.output
    assert "Gebruik: " in result.output and "voor hulp." in result.output
    assert "Error" not in result.output and "Usage" not in result.output


def test_dutch_help_as_a_process():
    """As a user types it: `python -m aifootprint --help` on a Dutch system."""
    from daemon_process import REPO

    result = subprocess.run([sys.executable, "-m", "aifootprint", "--help"], text=True,
                            capture_output=True, timeout=60,
                            env={"PYTHONPATH": str(REPO / "src"), "LANG": "nl_NL.UTF-8",
                                 "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Gebruik: ")
    assert "Opdrachten:" in result.stdout and "Commands" not in result.stdout
