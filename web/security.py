"""What every response and every form of the web workspace passes through: security headers,
the per-session CSRF token, and the login rate limit."""
from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from typing import Callable

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

HEADERS = {
    "content-security-policy": ("default-src 'self'; frame-ancestors 'self'; base-uri 'self'; "
                                "form-action 'self'; object-src 'self'"),
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def set_security_headers(headers: MutableHeaders, path: str) -> None:
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    if not path.startswith("/static/"):  # pages and files of a signed-in user: never cached
        headers.setdefault("cache-control", "no-store")


class SecurityHeaders:
    """Pure ASGI middleware: the headers above on every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                set_security_headers(MutableHeaders(scope=message), scope.get("path", ""))
            await send(message)

        await self.app(scope, receive, sending)


class BodyLimit:
    """Pure ASGI middleware: a request body over `limit` bytes (`larger` for some paths) fails
    as it is read, as an HTTPException(413) that the application's error page answers
    (Starlette's own limit answers in English)."""

    def __init__(self, app: ASGIApp, limit: int, larger: dict[str, int] | None = None):
        self.app, self.limit, self.larger = app, limit, larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", ())).get(b"content-length", b"0")
        limit = self.larger.get(scope.get("path", ""), self.limit)
        too_large = declared.isdigit() and int(declared) > limit
        received = 0

        async def receiving() -> Message:
            nonlocal received
            if too_large:
                raise HTTPException(413)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413)
            return message

        await self.app(scope, receiving, send)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(request: Request, sent: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and sent) and secrets.compare_digest(str(expected), str(sent))


class LoginLimiter:
    """At most `attempts` failed logins per user name and client address within `window_s`,
    and `per_name` per name from all addresses together (a client that forges its address
    gains little); in memory (one server process), so a restart forgets."""

    ANY = "*"  # the key of a name's failures from every address

    def __init__(self, attempts: int = 5, window_s: float = 300, per_name: int = 20,
                 clock: Callable[[], float] = time.monotonic):
        self.attempts, self.window_s, self.per_name, self.clock = (attempts, window_s,
                                                                   per_name, clock)
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        cutoff = self.clock() - self.window_s
        while failures and failures[0] <= cutoff:
            failures.popleft()
        return failures

    def blocked(self, name: str, address: str) -> bool:
        with self._lock:
            return (len(self._recent((name, address))) >= self.attempts
                    or len(self._recent((name, self.ANY))) >= self.per_name)

    def failed(self, name: str, address: str) -> None:
        with self._lock:
            self._recent((name, address)).append(self.clock())
            self._recent((name, self.ANY)).append(self.clock())
            if len(self._failures) > 10_000:  # forget keys with no recent failure
                for key in [k for k in self._failures if not self._recent(k)]:
                    del self._failures[key]

    def succeeded(self, name: str, address: str) -> None:
        with self._lock:
            self._failures.pop((name, address), None)
