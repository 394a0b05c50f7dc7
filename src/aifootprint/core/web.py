"""HTTP pieces both servers use (the daemon and the class server): one JSON error shape,
the JSON body reader, and the headers of pages that must never be framed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from aiohttp import web

from .errors import BodyTooLarge, FootprintError, InvalidInput, MalformedBody, Phrase
from .i18n import LANGS

log = logging.getLogger("aifootprint")

PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


class WithoutClientDetails(logging.Filter):
    """aiohttp's 'Error handling request from <address>' with its traceback names the
    client and can quote the request's headers (a token among them). Keep only the kind
    of error: no address, no header, nothing a service manager's journal keeps."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Error handling request"):
            error = record.exc_info[1] if record.exc_info else None
            record.msg, record.args = "Error handling a request: %s", (type(error).__name__,)
            record.exc_info, record.exc_text = None, None
        return True


def hide_client_details() -> None:
    """Install WithoutClientDetails on aiohttp's server logger (once per process)."""
    server_log = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, WithoutClientDetails) for f in server_log.filters):
        server_log.addFilter(WithoutClientDetails())


def error_middleware(max_body_bytes: int, server: str, default_lang: Callable[[web.Request], str]):
    """Every error becomes {"error": {"message", "field"}} with its status, the message in
    the request's language (Accept-Language, nl or en), else in `default_lang(request)`.
    `server` is the catalogue key of the server's name ("the_daemon")."""

    @web.middleware
    async def errors_as_json(request: web.Request, handler):
        try:
            return await handler(request)
        except FootprintError as error:
            return error_response(request, error.status, error, default_lang)
        except web.HTTPRequestEntityTooLarge:
            return error_response(request, 413, BodyTooLarge("body_too_large",
                                                              limit=max_body_bytes), default_lang)
        except web.HTTPException as error:
            if error.status < 400:
                raise
            problem = (FootprintError(f"http_{error.status}") if error.status in (404, 405)
                       else FootprintError("http_other", status=error.status, reason=error.reason))
            answer = error_response(request, error.status, problem, default_lang)
            if "Allow" in error.headers:  # a 405 says which methods the route takes
                answer.headers["Allow"] = error.headers["Allow"]
            return answer
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.path)
            return error_response(request, 500, FootprintError("internal", server=Phrase(server)),
                                  default_lang)

    return errors_as_json


def error_response(request: web.Request, status: int, error: FootprintError,
                   default_lang: Callable[[web.Request], str]) -> web.Response:
    lang = accepted_lang(request) or default_lang(request)
    response = web.json_response({"error": {"message": error.text(lang), "field": error.field}},
                                 status=status, headers={"Content-Language": lang})
    if status in (429, 503):  # too many tries, or busy or a full disk: when to try again
        response.headers["Retry-After"] = str(getattr(error, "retry_after_s", 1))
    return response


async def read_json(request: web.Request) -> object:
    try:
        return json.loads(await request.read())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise MalformedBody("body_not_json") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise InvalidInput("number_too_long") from None
    except RecursionError:
        raise MalformedBody("body_too_deep") from None


def accepted_lang(request: web.Request) -> str | None:
    """nl or en, whichever the browser's Accept-Language names first; None for neither."""
    for part in request.headers.get("Accept-Language", "").split(","):
        tag = part.split(";")[0].strip()[:2].lower()
        if tag in LANGS:
            return tag
    return None


def page_lang(request: web.Request, default: str) -> str:
    """A page's language: ?lang=, else the browser's, else `default`."""
    asked = request.query.get("lang")
    if asked is not None and asked in LANGS:
        return asked
    return accepted_lang(request) or default


def page_headers(response: web.StreamResponse) -> web.StreamResponse:
    """The headers of pages that are never framed (the daemon's pages, the teacher page)."""
    response.headers.update(PAGE_HEADERS)
    return response
