"""What keeps patient data on the page safe: hosts, sessions, passwords, CSRF, body limits.

- Only Host headers on the allow-list are served, so a page on another site cannot
  reach this server through DNS rebinding.
- Every browser gets a random session id in an HttpOnly, SameSite=Strict cookie; on a
  clinic network (not loopback) a session must log in with the password first.
- Every state-changing request carries a CSRF token derived from the session id.
- Request bodies are capped, so an upload cannot fill memory.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import socket
import time
from collections.abc import Iterable
from hashlib import sha256
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "handouts_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
PASSWORD_ENV = "HANDOUTS_SERVE_PASSWORD"
PASSWORD_FILE = "serve-password.txt"  # beside handouts.yaml; keep it readable by you only
MAX_BODY = 2 * 1024 * 1024  # bytes: a roster of thousands of rows, or a logo
LOGIN_DELAY = 1.0  # seconds after a wrong password, so guessing is slow
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class StartupRefused(Exception):  # noqa: N818 - its text is the message for the user
    """The server must not start as asked (a clinic network without a password)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> list[str]:
    """Host names the browser may use to reach us: loopback, the bound address, this machine."""
    hosts = list(LOOPBACK_NAMES)
    if not is_loopback(bind):
        if bind not in ("0.0.0.0", "::"):
            hosts.append(bind)
        name = socket.gethostname()
        hosts += [name, f"{name}.local", socket.getfqdn()]
    hosts += list(extra)
    return list(dict.fromkeys(h.strip("[]").lower() for h in hosts if h))


def host_of(header: str) -> str:
    """The host part of a Host header (``[::1]:8000`` → ``::1``, ``a:80`` → ``a``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def read_password(workspace_dir: Path, env: dict[str, str] | None = None) -> str:
    """The password from the environment, else from serve-password.txt beside handouts.yaml."""
    env = os.environ if env is None else env
    value = env.get(PASSWORD_ENV, "")
    if value:
        return value
    file = Path(workspace_dir) / PASSWORD_FILE
    if file.is_file():
        lines = file.read_text(encoding="utf-8").splitlines()
        return lines[0].strip() if lines else ""
    return ""


def require_password_off_loopback(host: str, password: str) -> None:
    if not is_loopback(host) and len(password) < 8:
        raise StartupRefused(
            f"--host {host} serves the page to the network, which needs a password of at "
            f"least 8 characters: set {PASSWORD_ENV}, or put it on the first line of "
            f"{PASSWORD_FILE} beside handouts.yaml (never on the command line)"
        )


class Sessions:
    """Session ids in memory (a restart logs everyone out), and the CSRF token of each."""

    def __init__(self, password: str = "") -> None:
        self.password = password
        self._secret = secrets.token_bytes(32)
        self._known: dict[str, bool] = {}  # session id -> logged in

    @property
    def needs_login(self) -> bool:
        return bool(self.password)

    def new(self) -> str:
        sid = secrets.token_urlsafe(32)
        self._known[sid] = not self.needs_login
        if len(self._known) > 10_000:  # a flood of cookie-less requests: forget the oldest
            for old in list(self._known)[:5_000]:
                del self._known[old]
        return sid

    def known(self, sid: str | None) -> bool:
        return bool(sid) and sid in self._known

    def logged_in(self, sid: str) -> bool:
        return self._known.get(sid, False)

    def log_in(self, sid: str, attempt: str) -> bool:
        ok = bool(self.password) and hmac.compare_digest(
            sha256(attempt.encode()).digest(), sha256(self.password.encode()).digest()
        )
        if ok:
            self._known[sid] = True
        else:
            time.sleep(LOGIN_DELAY)
        return ok

    def csrf_token(self, sid: str) -> str:
        return hmac.new(self._secret, sid.encode(), sha256).hexdigest()

    def csrf_ok(self, sid: str, token: str) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_token(sid), token)


class HostCheck:
    """Answers 400 to a Host header not on the allow-list (DNS rebinding)."""

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        self.app = app
        self.hosts = set(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            host = host_of(headers.get(b"host", b"").decode("latin-1"))
            if host not in self.hosts:
                response = PlainTextResponse("This address is not served here.", status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuses a request body larger than ``limit`` bytes, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.limit:
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except BodyTooLarge:
            await _too_large(self.limit)(scope, receive, send)


class BodyTooLarge(Exception):  # noqa: N818
    pass


def _too_large(limit: int) -> PlainTextResponse:
    return PlainTextResponse(
        f"That upload is too large: the limit is {limit // (1024 * 1024)} MB.", status_code=413
    )


def same_origin(request: Request) -> bool:
    """A browser's Origin header, when sent, must name this server."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1].lower() == host.lower()
