"""The dashboard's login, in the manner of Jupyter's token login: a one-time code in a link
opens a session held in an HttpOnly cookie, so no page ever carries a token.

`aifootprint run`, `aifootprint dashboard` and the tray ask the daemon (with the owner's
token, POST /api/v1/login-link) for a link; GET /login?code=... trades the code, once and
within CODE_TTL_S, for a session cookie and redirects to / so the code leaves the address
bar. Codes live in memory only, as SHA-256 hashes (looking one up reveals nothing of the
secret through timing). A session is signed instead of stored: its expiry and a nonce with
an HMAC keyed by the owner's token, so it survives a restart of the daemon (an open
dashboard keeps working) and ends when the owner's token is replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

CODE_TTL_S = 120
SESSION_TTL_S = 12 * 3600  # a school day; the cookie itself ends with the browser
MAX_CODES = 32  # links nobody opened; the oldest go first


class Logins:
    def __init__(self, owner_token: str, clock: Callable[[], float] = time.time):
        self._key = hashlib.sha256(b"aifootprint dashboard session\0" + owner_token.encode())
        self._clock = clock
        self._codes: OrderedDict[str, float] = OrderedDict()  # sha256 of a code -> expiry

    def new_code(self) -> str:
        code = secrets.token_urlsafe(32)
        self._codes[_digest(code)] = self._clock() + CODE_TTL_S
        while len(self._codes) > MAX_CODES:
            self._codes.popitem(last=False)
        return code

    def open_session(self, code: str) -> str | None:
        """A new session for a valid code (which is used up), else None."""
        expiry = self._codes.pop(_digest(code), None)
        if expiry is None or expiry < self._clock():
            return None
        claim = f"{int(self._clock() + SESSION_TTL_S)}.{secrets.token_urlsafe(16)}"
        return f"{claim}.{self._sign(claim)}"

    def has_session(self, session: str | None) -> bool:
        claim, _, signature = (session or "").rpartition(".")
        expiry = claim.partition(".")[0]
        return (expiry.isdigit() and hmac.compare_digest(signature, self._sign(claim))
                and int(expiry) >= self._clock())

    def _sign(self, claim: str) -> str:
        return hmac.new(self._key.digest(), claim.encode(), hashlib.sha256).hexdigest()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def cookie_name(port: int | None) -> str:
    """One cookie per port: browsers share a host's cookies across its ports (RFC 6265
    section 8.5, "Cookies do not provide isolation by port"), and two daemons of one user
    (or tests) may run side by side."""
    return f"aifootprint_session_{port}"
