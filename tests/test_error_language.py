"""API errors in the request's language: the real daemon and the real class server, asked
in Dutch, in English and in neither, over several kinds of error; and every error raised in
the code has its sentence in the catalogue in both languages."""

from __future__ import annotations

import ast
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from aifootprint.core import errors
from aifootprint.core.i18n import Catalog

SRC = Path(__file__).resolve().parents[1] / "src" / "aifootprint"
ERRORS = Catalog("errors")
EVENT = {"id": "0190a4c4-7b2e-7cde-8f00-000000000001", "ts": "2025-03-01T09:30:00Z",
         "site": "chatgpt.com", "kind": "prompt", "count": 1}


@pytest.fixture(scope="module")
def daemon(tmp_path_factory):
    """One real daemon for the module, whose own language is Dutch."""
    from daemon_process import start_daemon

    process = start_daemon(tmp_path_factory.mktemp("home"), env={"AIFOOTPRINT_LANG": "nl"})
    yield process
    process.stop()


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    """One real class server for the module, whose own language is English."""
    from aggregator_process import start_aggregator

    server = start_aggregator(tmp_path_factory.mktemp("aggregator"))
    yield server
    server.stop()


def asked(daemon, lang: str | None, method: str, path: str, **kwargs) -> tuple[int, dict]:
    headers = {**kwargs.pop("headers", {}), "Accept-Language": lang}
    status, answer = daemon.request(method, path, headers=headers, **kwargs)
    return status, answer["error"]


# (request, status, field, the English sentence, the Dutch one): one of each kind of error.
DAEMON_ERRORS = [
    (("GET", "/api/v1/summary", {"headers": {"Authorization": ""}}), 401, "",
     'A valid key is needed; "aifootprint token" prints it.',
     'Er is een geldige sleutel nodig; "aifootprint token" laat hem zien.'),
    (("POST", "/api/v1/events", {"body": {"events": [{**EVENT, "kind": "x"}]}}),
     422, "events[0].kind", "events[0].kind: must be 'prompt', 'image' or 'video'.",
     "events[0].kind: moet 'prompt', 'image' of 'video' zijn."),
    (("POST", "/api/v1/events", {"body": {"events": [{k: v for k, v in EVENT.items()
                                                      if k != "site"}]}}),
     422, "events[0].site", "events[0].site: this field is missing.",
     "events[0].site: dit veld ontbreekt."),
    (("POST", "/api/v1/events", {"body": {"events": [{**EVENT, "ts": "2999-01-01T00:00:00Z"}]}}),
     422, "events[0].ts", "events[0].ts: must not be more than 24 hours in the future.",
     "events[0].ts: mag niet meer dan 24 uur in de toekomst liggen."),
    (("POST", "/api/v1/events", {"body": {"events": [{**EVENT, "count": 0}]}}),
     422, "events[0].count", "events[0].count: must be at least 1.",
     "events[0].count: moet minstens 1 zijn."),
    (("POST", "/api/v1/events", {"data": b"{oops", "headers": {
        "Content-Type": "application/json"}}), 400, "", "The body is not valid JSON.",
     "De inhoud van het verzoek is geen geldige JSON."),
    (("POST", "/api/v1/events", {"data": b"{}", "headers": {"Content-Type": "text/plain"}}),
     415, "", "The body must be JSON (Content-Type: application/json).",
     "De inhoud van het verzoek moet JSON zijn (Content-Type: application/json)."),
    (("GET", "/api/v1/days?from=2025-03-09&to=2025-03-01", {}), 422, "to",
     "to must not be before from.", "to mag niet voor from liggen."),
    (("GET", "/api/v1/summary?date=yesterday", {}), 422, "date",
     "date must be a date like 2025-03-01, not 'yesterday'.",
     "date moet een datum zijn zoals 2025-03-01, niet 'yesterday'."),
    (("PUT", "/api/v1/settings", {"body": {"profile": "gpt-9"}}), 422, "profile",
     "Unknown figures 'gpt-9'; choose one of: report, google-2025, openai-2025, epoch-2025.",
     "Onbekende cijfers 'gpt-9'; kies een van: report, google-2025, openai-2025, epoch-2025."),
    (("POST", "/api/v1/events", {"body": {"events": [{**EVENT, "model": ""}]}}),
     422, "events[0].model", "events[0].model: must not be empty.",
     "events[0].model: mag niet leeg zijn."),
    (("GET", "/api/v1/nothing-here", {}), 404, "", "There is no such page or route here.",
     "Deze pagina of route bestaat hier niet."),
]


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("call, status, field, en, nl", DAEMON_ERRORS,
                         ids=[f"{case[1]}-{case[2] or case[0][1]}" for case in DAEMON_ERRORS])
def test_daemon_errors_come_in_the_requests_language(daemon, lang, call, status, field, en, nl):
    method, path, kwargs = call
    got_status, error = asked(daemon, {"en": "en-GB,en;q=0.9", "nl": "nl-NL,nl;q=0.9"}[lang],
                              method, path, **kwargs)
    assert (got_status, error["field"]) == (status, field)
    assert error["message"] == {"en": en, "nl": nl}[lang]


def test_daemon_errors_without_nl_or_en_asked_are_in_the_daemons_language(daemon):
    for accept in (None, "de-DE,fr;q=0.8"):
        _, error = asked(daemon, accept, "GET", "/api/v1/summary?date=yesterday")
        assert error["message"].startswith("date moet een datum zijn")
    _, error = asked(daemon, "de-DE,en;q=0.5", "GET", "/api/v1/summary?date=yesterday")
    assert error["message"].startswith("date must be a date")  # the first of nl or en named


def test_daemon_error_says_its_language_and_a_refused_batch_stores_nothing(daemon):
    request = urllib.request.Request(
        f"{daemon.url}/api/v1/events", method="POST", data=json.dumps(
            {"events": [EVENT, {**EVENT, "count": 0}]}).encode(),
        headers={"Authorization": f"Bearer {daemon.token}", "Accept-Language": "nl",
                 "Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    with refused.value:
        assert refused.value.headers["Content-Language"] == "nl"
    assert daemon.get("/api/v1/summary?date=2025-03-01")[1]["prompts"] == 0


def test_cli_gets_the_daemons_refusal_in_its_own_language(daemon, tmp_path):
    """`aifootprint import` hands a running daemon (Dutch by itself) the file: its refusal
    reads in the CLI's --lang."""
    import subprocess
    import sys

    from daemon_process import daemon_env

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "aifootprint-export", "version": 1,
                               "events": [{**EVENT, "count": 0}]}))
    result = subprocess.run(
        [sys.executable, "-m", "aifootprint", "import", str(bad), "--home", str(daemon.home),
         "--port", str(daemon.port), "--lang", "en"],
        env=daemon_env(daemon.home), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ("Error: The document is not a valid export: "
                             "events[0].count: must be at least 1.\n")


def post_class_server(server, path: str, body: bytes, lang: str | None) -> tuple[int, dict]:
    request = urllib.request.Request(f"{server.url}{path}", method="POST", data=body, headers={
        "Content-Type": "application/json", **({"Accept-Language": lang} if lang else {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)["error"]


CLASS_SERVER_ERRORS = [
    ("/api/v1/lookup", b'{"code": "AAAAA-AAAAA"}', 404,
     "This join code does not exist; check it with your teacher.",
     "Deze klascode bestaat niet; controleer hem bij je docent."),
    ("/api/v1/lookup", b"[1, 2]", 422, "The body must be a JSON object.",
     "De inhoud van het verzoek moet een JSON-object zijn."),
    ("/api/v1/submissions", b'{"class_id": "x"}', 422, None, "De inzending klopt niet: "),
]


@pytest.mark.parametrize("path, body, status, en, nl", CLASS_SERVER_ERRORS)
def test_class_server_errors_come_in_the_requests_language(class_server, path, body, status,
                                                           en, nl):
    got, dutch = post_class_server(class_server, path, body, "nl-BE")
    assert got == status and dutch["message"].startswith(nl)
    got, english = post_class_server(class_server, path, body, None)  # its own: English
    assert got == status and english["message"] != dutch["message"]
    assert en is None or english["message"] == en


def test_the_class_servers_refusal_reaches_the_student_in_the_students_language(
        daemon, class_server):
    """The daemon asks the class server in the student's language (the request's, else
    the daemon's), so a Dutch student reads the English-speaking server's refusal in Dutch."""
    ask = {"code": "AAAAA-AAAAA", "server": class_server.url}
    for lang, sentence in ((None, "Deze klascode bestaat niet"), ("nl", "Deze klascode bestaat"),
                           ("en", "This join code does not exist")):
        status, error = asked(daemon, lang, "POST", "/api/v1/class/preview", body=ask)
        assert status == 404 and error["message"].startswith(sentence), (lang, error)


DYNAMIC_KEYS = ("period_not_month", "period_not_term", "period_not_week", "period_not_day",
                "database_empty", "database_missing", "database_missing_one",
                "http_404", "http_405", "the_daemon",
                "the_class_server", "the_body")


def raised_keys() -> dict[str, str]:
    """Every catalogue key the code raises an error or a Phrase with: {key: file:line}."""
    kinds = {name for name, value in vars(errors).items()
             if isinstance(value, type) and issubclass(value, errors.FootprintError)}
    kinds.add("Phrase")
    found = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in kinds and node.args):
                first = node.args[0]
                # or a key made on the spot (f"period_not_{kind}") or handed in: DYNAMIC_KEYS
                assert isinstance(first, ast.Constant | ast.JoinedStr | ast.Name), (path,
                                                                                     node.lineno)
                if isinstance(first, ast.Constant):
                    found[first.value] = f"{path.name}:{node.lineno}"
    return found


def test_every_raised_error_has_its_sentence_in_both_languages():
    keys = raised_keys()
    assert len(keys) > 60
    missing = {key: where for key, where in keys.items() if key not in ERRORS.messages}
    assert missing == {}
    for key in (*keys, *DYNAMIC_KEYS):
        assert set(ERRORS.messages[key]) == {"nl", "en"}


def test_validation_sentences_take_pydantics_context_in_either_language():
    from pydantic import BaseModel, Field, ValidationError

    class Shape(BaseModel):
        name: str = Field(max_length=3)

    with pytest.raises(ValidationError) as caught:
        Shape.model_validate({"name": "long"})
    problem = errors.invalid_input(caught.value, ("body",))
    assert problem.field == "body.name"
    assert problem.text("nl") == "body.name: mag hoogstens 3 tekens hebben."
    assert problem.text("en") == "body.name: must have at most 3 characters."
