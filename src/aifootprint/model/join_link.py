"""The join link a teacher hands out (printed and as a QR code by `aggregator create-class`):
the student's own dashboard with the class server and the join code in the fragment,

    http://127.0.0.1:47474/#join=https%3A%2F%2Fklas.school.example&code=ABCDE-FGHJK

A browser never sends the fragment in a request (RFC 3986, section 3.5; the URL standard's
"fragment" is kept client-side), so neither the student's daemon nor anything on the way
logs the code; the dashboard reads it and shows the consent before anything is sent.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

# The student's dashboard at the daemon's default port (daemon/config.py DEFAULT_PORT; a
# test keeps the two equal). A student whose daemon took another port pastes the link.
STUDENT_DASHBOARD = "http://127.0.0.1:47474"


def join_link(dashboard: str, server: str, code: str) -> str:
    return f"{dashboard.rstrip('/')}/#{urlencode({'join': server, 'code': code})}"


def parse_join_link(text: str) -> tuple[str | None, str]:
    """(server, code) from a join link; (None, text) for a bare join code."""
    fragment = urlsplit(text.strip()).fragment
    fields = parse_qs(fragment)
    if "join" in fields and "code" in fields:
        return fields["join"][0], fields["code"][0]
    return None, text.strip()
