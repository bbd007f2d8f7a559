"""The web workspace as an ASGI application: middleware, sign-in, error pages, the routes."""
from __future__ import annotations

import logging
import os
import secrets
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .security import (CSRF_FIELD, CSRF_HEADER, BodyLimit, LoginLimiter, SecurityHeaders,
                       csrf_ok, csrf_token, set_security_headers)
from .users import ROLE_NAMES, User, UserStore
from .workspace import Workspace

HERE = Path(__file__).parent
SECRET_ENV = "GONGWEN_WEB_SECRET"  # the same secret keeps sessions across restarts
SESSION_MAX_AGE_S = 8 * 3600  # a working day
MAX_BODY = 1 << 20  # no form but the upload sends more
MAX_UPLOAD = 1 << 30  # one upload of several received files (each at most MAX_INPUT_BYTES)
log = logging.getLogger("gongwen.web")

STATUS_TEXT = {400: "请求有误", 401: "需要登录", 403: "无权访问", 404: "找不到页面",
               405: "不支持的请求方式", 413: "提交的内容过大", 429: "尝试次数过多",
               500: "服务器内部错误", 503: "暂时无法提供服务"}
Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Context:
    """What the handlers share: the archive, the accounts, the templates, the login limit."""

    workspace: Workspace
    users: UserStore
    templates: Jinja2Templates
    limiter: LoginLimiter


def context(request: Request) -> Context:
    return request.app.state.gongwen


def render(request: Request, name: str, status: int = 200, **values) -> Response:
    has_session = "session" in request.scope
    values = {"user": getattr(request.state, "user", None), "role_names": ROLE_NAMES,
              "csrf_field": CSRF_FIELD, "csrf": csrf_token(request) if has_session else ""} | values
    return context(request).templates.TemplateResponse(request, name, values, status_code=status)


def error_page(request: Request, status: int, message: str = "") -> Response:
    return render(request, "error.html", status, status_code=status,
                  title=STATUS_TEXT.get(status, "出错了"), message=message)


def _next_path(value: str | None) -> str:
    """Where to go after signing in: a path of this site only."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/search"


async def _signed_in(request: Request) -> User | None:
    name = request.session.get("user")
    if not name:
        return None
    user = await run_in_threadpool(context(request).users.get, name)
    if user is None or not user.active or request.session.get("v") != user.stamp:
        request.session.clear()  # disabled, deleted, or its password changed since
        return None
    return user


def page(handler: Handler, role: str = "auditor", api: bool = False) -> Handler:
    """`handler` for signed-in accounts with the rights of `role`; POSTs also need the
    session's CSRF token (form field or header)."""
    async def endpoint(request: Request) -> Response:
        user = await _signed_in(request)
        if user is None:
            if api:
                return JSONResponse({"error": "需要登录"}, status_code=401)
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?" + _query({"next": target}), status_code=303)
        request.state.user = user
        if request.method == "POST" and not await _csrf_passes(request):
            return _csrf_refused(request)
        if not user.can(role):
            return error_page(request, 403, f"此功能需要{ROLE_NAMES[role]}或更高的权限。")
        return await handler(request)

    endpoint.__name__ = handler.__name__
    return endpoint


def _query(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


async def _csrf_passes(request: Request) -> bool:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        sent = form.get(CSRF_FIELD)
    return csrf_ok(request, sent if isinstance(sent, str) else None)


def _csrf_refused(request: Request) -> Response:
    return error_page(request, 403, "表单已失效或来源不明（CSRF 校验未通过）：请重新打开页面后再提交。")


# -- signing in and out


async def login_form(request: Request) -> Response:
    if await _signed_in(request) is not None:
        return RedirectResponse(_next_path(request.query_params.get("next")), status_code=303)
    return render(request, "login.html", next=_next_path(request.query_params.get("next")))


async def login(request: Request) -> Response:
    if not await _csrf_passes(request):
        return _csrf_refused(request)
    form = await request.form()
    name = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    target = _next_path(str(form.get("next") or ""))
    ctx = context(request)
    address = request.client.host if request.client else ""
    if ctx.limiter.blocked(name, address):
        return error_page(request, 429, "登录失败次数过多：请 5 分钟后再试。")
    user = await run_in_threadpool(ctx.users.authenticate, name, password) if name else None
    if user is None:
        ctx.limiter.failed(name, address)
        log.warning("login failed for %r from %s", name, address)
        return render(request, "login.html", 401, next=target, username=name,
                      error="用户名或密码不对，或账号已停用。")
    ctx.limiter.succeeded(name, address)
    request.session.clear()
    request.session.update({"user": user.name, "v": user.stamp,
                            "csrf": secrets.token_urlsafe(32)})
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


async def home(request: Request) -> Response:
    return RedirectResponse("/search", status_code=303)


# -- errors: a Chinese page, never a traceback


async def http_error(request: Request, exc: HTTPException) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": STATUS_TEXT.get(exc.status_code, "出错了")},
                            status_code=exc.status_code)
    return error_page(request, exc.status_code)


async def server_error(request: Request, exc: Exception) -> Response:
    try:  # the server logs the traceback; the user sees a page
        response = error_page(request, 500, "处理请求时出错，已记入服务器日志。请稍后重试或联系管理员。")
    except Exception:  # noqa: BLE001 - the page itself failed: plain text, still Chinese
        response = Response("服务器内部错误", status_code=500, media_type="text/plain; charset=utf-8")
    set_security_headers(response.headers, request.url.path)
    return response


def create_app(archive_dir: Path, https_only: bool = False,
               limiter: LoginLimiter | None = None) -> Starlette:
    from . import coverage_pages, editor_pages, pages
    from .editing import Editor

    root = Path(archive_dir)
    from generator.templates import TEMPLATE_DIR

    # the workspace's pages first; then the generator's, for the reports a page includes
    env = jinja2.Environment(loader=jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(HERE / "templates"), jinja2.FileSystemLoader(TEMPLATE_DIR)]),
        autoescape=True)
    ctx = Context(Workspace(root), UserStore(root), Jinja2Templates(env=env),
                  limiter or LoginLimiter())

    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        await run_in_threadpool(ctx.workspace.close)
        app.state.editor.close()

    secret = os.environ.get(SECRET_ENV) or secrets.token_urlsafe(48)
    routes = [
        Route("/", home),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", page(logout), methods=["POST"]),
        *pages.routes(page),
        *editor_pages.routes(page),
        *coverage_pages.routes(page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(BodyLimit, limit=MAX_BODY,
                                                           larger={"/upload": MAX_UPLOAD,
                                                                   "/coverage": MAX_UPLOAD}),
                    Middleware(SessionMiddleware, secret_key=secret, session_cookie="gongwen",
                               max_age=SESSION_MAX_AGE_S, same_site="lax", https_only=https_only)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan)
    app.state.gongwen = ctx
    app.state.editor = Editor()
    app.state.previews = {}  # account -> (version, PDF): each writer's latest preview
    return app
