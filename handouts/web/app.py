"""The Starlette application: middleware, templates, error pages and the route table."""

from __future__ import annotations

import logging
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from handouts.options import PAPER_NAMES
from handouts.web.engine import Engine
from handouts.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    BodyLimit,
    HostCheck,
    Sessions,
    same_origin,
)

HERE = Path(__file__).parent
log = logging.getLogger("handouts.web")

# Scripts and styles come from this server only; the preview is a blob: PDF in a frame.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "frame-src 'self' blob:; object-src 'self' blob:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make Origin "null"
    (b"cache-control", b"no-store"),  # pages and PDFs carry patient data: keep them out of caches
    (b"x-frame-options", b"SAMEORIGIN"),
]
PUBLIC_PATHS = ("/login", "/static/")


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["papers"] = PAPER_NAMES  # the paper sizes build and batch offer
    return Jinja2Templates(env=env)


class SessionGate:
    """Gives each browser a session cookie, asks for the password when one is set,
    and adds the security headers to every response."""

    def __init__(self, app: ASGIApp, sessions: Sessions) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        sid = request.cookies.get(SESSION_COOKIE)
        new = not self.sessions.known(sid)
        if new:
            sid = self.sessions.new()
        scope.setdefault("state", {})["sid"] = sid
        path = scope["path"]
        if not self.sessions.logged_in(sid) and not path.startswith(PUBLIC_PATHS):
            if scope["method"] in SAFE_METHODS:
                response: Response = RedirectResponse("/login", status_code=303)
            else:
                response = PlainTextResponse("Please log in first.", status_code=403)
            await self._send_with_cookie(response, scope, receive, send, sid if new else None)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [h for h in SECURITY_HEADERS if h[0] not in dict(headers)]
                if new:
                    headers.append((b"set-cookie", _cookie(sid).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _send_with_cookie(
        self, response: Response, scope: Scope, receive: Receive, send: Send, sid: str | None
    ) -> None:
        if sid:
            response.raw_headers.append((b"set-cookie", _cookie(sid).encode()))
        response.raw_headers.extend(SECURITY_HEADERS)
        await response(scope, receive, send)


def _cookie(sid: str) -> str:
    return f"{SESSION_COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict"


async def checked_form(request: Request, max_files: int = 1):  # noqa: ANN201 - FormData
    """The request's form, once its CSRF token and Origin have been checked."""
    sessions: Sessions = request.app.state.sessions
    if not same_origin(request):
        raise HTTPException(403, "This request came from another site, so it was refused.")
    try:
        form = await request.form(max_files=max_files, max_fields=6000)
    except HTTPException:
        raise
    except Exception:  # a malformed multipart body: say so, never a traceback
        raise HTTPException(400, "The form could not be read; reload the page.") from None
    token = str(form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or "")
    if not sessions.csrf_ok(request.state.sid, token):
        raise HTTPException(
            403, "This form is out of date (or came from elsewhere); reload the page."
        )
    return form


def create_app(
    engine: Engine, hosts: list[str], password: str = "", debug: bool = False
) -> Starlette:
    from handouts.web import routes, routes_batch, routes_brand, routes_library

    sessions = Sessions(password)
    app = Starlette(
        debug=debug,
        routes=[
            *routes.ROUTES,
            *routes_batch.ROUTES,
            *routes_library.ROUTES,
            *routes_brand.ROUTES,
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[
            Middleware(HostCheck, hosts=hosts),
            Middleware(BodyLimit),
            Middleware(SessionGate, sessions=sessions),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.templates = make_templates()
    app.state.jobs = {}
    app.state.sent = set()  # digests of handouts e-mailed from the build page
    return app


def page(request: Request, name: str, context: dict, status_code: int = 200) -> Response:
    """A page from a template, with what every page needs (CSRF token, brand, nav)."""
    state = request.app.state
    sid = request.state.sid
    base = {
        "csrf": state.sessions.csrf_token(sid),
        "nav": request.url.path.split("/")[1] or "build",
        "login": state.sessions.needs_login,
    }
    return state.templates.TemplateResponse(
        request, name, {**base, **context}, status_code=status_code
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.headers.get("x-requested-with") == "fetch":
        return PlainTextResponse(exc.detail, status_code=exc.status_code)
    if not hasattr(request.state, "sid"):
        return PlainTextResponse(exc.detail, status_code=exc.status_code)
    context = {"title": "That did not work", "messages": [exc.detail]}
    return page(request, "message.html", context, exc.status_code)


async def _server_error(request: Request, exc: Exception) -> Response:
    # The type only: a message may hold a patient's name.
    log.error("unexpected error on %s: %s", request.url.path, type(exc).__name__)
    text = "Something went wrong on our side. Your data was not saved anywhere; please try again."
    if request.headers.get("x-requested-with") == "fetch" or not hasattr(request.state, "sid"):
        return PlainTextResponse(text, status_code=500)
    return page(request, "message.html", {"title": "Sorry", "messages": [text]}, 500)
