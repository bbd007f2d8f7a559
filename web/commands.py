"""`gongwen serve` and `gongwen user ...`."""
from __future__ import annotations

import errno
import socket
import sys
from dataclasses import asdict

import click

from archive.audit import os_user
from archive.commands import EXIT_INPUT, archive_dir_option, emit_json, fail, open_archive
from archive.core import ArchiveError

from .users import MIN_PASSWORD, ROLE_NAMES, ROLES, UserError

ROLE_HELP = "；".join(f"{r}：{ROLE_NAMES[r]}" for r in ROLES)


def _password() -> str:
    """Asked twice, hidden, on a terminal; otherwise the first line of standard input."""
    if sys.stdin is None or not sys.stdin.isatty():
        line = sys.stdin.readline() if sys.stdin is not None else ""
        return line.rstrip("\r\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次密码")


@click.group("user")
def user_group() -> None:
    """网页工作台的账号（保存在档案库目录的 users.sqlite 中）。"""


@user_group.command("add", help=f"新增账号：密码输入两次（不是终端时从标准输入读取一行），"
                                f"至少 {MIN_PASSWORD} 个字符。")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help=f"角色（{ROLE_HELP}）。")
@archive_dir_option
def add_command(name, role, archive_dir) -> None:
    from .accounts import add_user

    with open_archive(archive_dir, create=True) as archive:
        try:
            user = add_user(archive, name, role, _password(), os_user())
        except (UserError, ArchiveError) as exc:
            fail(str(exc), EXIT_INPUT if isinstance(exc, UserError) else 1)
    click.echo(f"已新增账号“{user.name}”（{user.role_name}）；已记入审计日志。")


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@archive_dir_option
def list_command(as_json, archive_dir) -> None:
    """列出账号。"""
    from .accounts import store_of

    with open_archive(archive_dir) as archive:
        try:
            users = store_of(archive).all()
        except UserError as exc:
            fail(str(exc))
    if as_json:
        emit_json([{k: v for k, v in asdict(u).items() if k != "stamp"} for u in users])
        return
    for u in users:
        state = "" if u.active else "  [已停用]"
        click.echo(f"{u.name}  {u.role}（{u.role_name}）  新增于 {u.created_at}{state}")
    click.echo(f"共 {len(users)} 个账号。")


def _change_account(archive_dir, change, done: str) -> None:
    """One change to the accounts, reported in Chinese (a user's mistake exits 2)."""
    with open_archive(archive_dir) as archive:
        try:
            change(archive)
        except (UserError, ArchiveError) as exc:
            fail(str(exc), EXIT_INPUT if isinstance(exc, UserError) else 1)
    click.echo(done)


@user_group.command("passwd")
@click.argument("name")
@archive_dir_option
def passwd_command(name, archive_dir) -> None:
    """修改账号的密码（输入方式同 user add）。"""
    from .accounts import change_password

    _change_account(archive_dir,
                    lambda archive: change_password(archive, name, _password(), os_user()),
                    f"已修改账号“{name}”的密码；已记入审计日志。")


@user_group.command("disable")
@click.argument("name")
@archive_dir_option
def disable_command(name, archive_dir) -> None:
    """停用账号：不能再登录，已登录的会话立即失效。"""
    from .accounts import disable_user

    _change_account(archive_dir, lambda archive: disable_user(archive, name, os_user()),
                    f"已停用账号“{name}”；已记入审计日志。")


def _check_port(host: str, port: int) -> None:
    """A Chinese message, before the server starts, when the address cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        fail(f"无法解析主机名“{host}”", EXIT_INPUT)
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            why = ("端口已被占用" if exc.errno == errno.EADDRINUSE else
                   "没有权限（1024 以下的端口需要管理员权限）" if exc.errno == errno.EACCES else
                   exc.strerror)
            fail(f"无法在 {host}:{port} 上启动网页工作台：{why}", EXIT_INPUT)


@click.command("serve")
@archive_dir_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；默认只接受本机访问，供团队使用请放在反向代理之后。")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="监听端口。")
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True,
              help="信任其 X-Forwarded-For/-Proto 头的反向代理地址（逗号分隔）。")
@click.option("--https", "https_only", is_flag=True,
              help="会话 Cookie 只经 HTTPS 发送（反向代理提供 HTTPS 时使用）。")
def serve_command(archive_dir, host, port, forwarded_allow_ips, https_only) -> None:
    """启动网页工作台：在浏览器中检索、查看、校验档案库。"""
    import uvicorn

    from .accounts import store_of
    from .app import create_app

    with open_archive(archive_dir) as archive:
        try:
            users = [u for u in store_of(archive).all() if u.active]
        except UserError as exc:
            fail(str(exc))
    if not users:
        click.secho("注意：还没有可用的网页账号，请先用 gongwen user add 名字 --role auditor 新增。",
                    fg="yellow", err=True)
    _check_port(host, port)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"网页工作台：http://{shown}:{port}/（档案库 {archive_dir}；按 Ctrl+C 停止）")
    app = create_app(archive_dir, https_only=https_only)
    uvicorn.run(app, host=host, port=port, proxy_headers=True,
                forwarded_allow_ips=forwarded_allow_ips, log_level="warning",
                server_header=False)
