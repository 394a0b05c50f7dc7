"""Replica of www.bing.com's Image Creator and Video Creator: POST /images/create?q=...&rt=4
(a form post answered with a redirect to the results page, which names the id), then polling
GET /images/create/async/results/{id}: empty at first, then the generated images (OIG ids on
th.bing.com and tse1.mm.bing.net, or any id with pid=ImgGn) beside search thumbnails (OIP,
pid=Api or ImgDetMain), and again on later polls. Video Creator (/videos/create) polls the
same results path, which then holds an .mp4 and its OIG poster. Only the results polls are
read by the adapter; the create call and every later poll must not count. Shapes:
tests/extension/fixtures/bing/ (create-and-poll, generated-beside-thumbnails,
thumbnails-not-counted, results-with-model, video-creator-results)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from aiohttp import web

from .common import STATE, ReplicaState, create_site_app, page_routes

HOSTS = ("www.bing.com",)
PAGE = "bing.html"
JOBS = web.AppKey("jobs", dict)  # id -> {"answer": ..., "polls": n}


def _generated(tag: str) -> str:
    """Four generated images (two OIG on th.bing.com, one OIG on tse1.mm.bing.net/th?id=,
    one non-OIG id served with pid=ImgGn, each also as a small copy) beside thumbnails."""
    ids = [f"OIG1.{tag}a", f"OIG3.{tag}.b9"]
    images = "".join(
        f'<a class="iusc"><img class="mimg" src="https://th.bing.com/th/id/{image}?w=270&h=270'
        f'&c=6&r=0&o=5&pid=ImgGn" alt="replica"/></a><img src="https://th.bing.com/th/id/'
        f'{image}?w=60&pid=ImgGn"/>' for image in ids)
    images += (f'<a class="iusc"><img class="mimg" src="https://tse1.mm.bing.net/th?id=OIG4.{tag}'
               f'&amp;pid=ImgGn" alt="replica"/></a><a class="iusc"><img class="mimg" '
               f'src="https://th.bing.com/th/id/GEN.{tag}?w=270&amp;pid=ImgGn" alt="replica"/></a>')
    return f'<div class="imgpt">{images}</div>' + _thumbnails(tag)


def _thumbnails(tag: str) -> str:
    return "".join(
        f'<img class="rms_img" src="https://th.bing.com/th/id/OIP.{tag}{n}?w=200&h=200&rs=1'
        f'&pid=ImgDetMain"/><img src="https://tse2.mm.bing.net/th?id=OIP.{tag}{n}x&pid=Api"/>'
        for n in "cd")


def _one(tag: str) -> str:
    return (f'<div class="imgpt"><a class="iusc"><img class="mimg" src="https://th.bing.com/th/id/'
            f'OIG2.{tag}?w=270&h=270&c=6&r=0&o=5&pid=ImgGn" alt="replica"/></a>'
            f'<img src="https://th.bing.com/th/id/OIG2.{tag}?w=60&pid=ImgGn"/></div>')


def _video(tag: str) -> str:
    return (f'<div class="vid"><video src="https://th.bing.com/th/id/OIG2.{tag}.mp4?pid=ImgGn" '
            f'poster="https://th.bing.com/th/id/OIG2.{tag}p?pid=ImgGn"></video></div>')


async def create(request: web.Request) -> web.Response:
    """Both creators: a redirect to the results page of a new id."""
    form = await request.post()
    state = request.app[STATE]
    video = request.path.startswith("/videos/")
    job = f"1-{uuid.uuid4().hex}"
    request.app[JOBS][job] = {"answer": "video" if video else state.take_answer("bing", "images"),
                              "polls": 0}
    query = {"q": form.get("q", ""), "rt": "4", "FORM": "GENCRE", "id": job}
    raise web.HTTPFound(f"{request.path}?{urlencode(query)}")


async def results(request: web.Request) -> web.Response:
    job = request.app[JOBS].get(request.match_info["id"])
    if job is None:
        raise web.HTTPNotFound()
    job["polls"] += 1
    tag = uuid.uuid5(uuid.NAMESPACE_URL, request.match_info["id"]).hex[:10]
    if job["polls"] == 1:
        body = ""  # still being made
    elif job["answer"] == "video":
        body = _video(tag)
    elif job["answer"] == "one":
        # Related searches first (thumbnails only), then the one image.
        body = _thumbnails(tag) if job["polls"] == 2 else _one(tag)
    else:
        body = _generated(tag)
    return web.Response(text=body, content_type="text/html")


def create_app(state: ReplicaState) -> web.Application:
    app = create_site_app(state, [
        *page_routes(PAGE, "/images/create", "/videos/create"),
        web.post("/images/create", create),
        web.post("/videos/create", create),
        web.get("/images/create/async/results/{id}", results),
    ])
    app[JOBS] = {}
    return app
