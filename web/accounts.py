"""Account changes: each is stored (users.py) and written to the archive's audit log with
the name of the account that made it, in one step: a change the log refuses is not kept."""
from __future__ import annotations

from archive.core import Archive

from .users import User, UserError, UserStore, check_name, check_password, check_role

ACTIONS = {"user-add": "新增网页账号", "user-passwd": "修改网页账号密码",
           "user-disable": "停用网页账号"}


def _logged(archive: Archive, action: str, detail: dict, actor: str) -> None:
    if archive.record_audit(action, detail | {"经办账号": actor}) is None:
        raise UserError(f"档案库“{archive.root}”只读：不能修改网页账号")


def store_of(archive: Archive) -> UserStore:
    return UserStore(archive.root)


def add_user(archive: Archive, name: str, role: str, password: str, actor: str) -> User:
    name, role, password = check_name(name), check_role(role), check_password(password)
    archive.require_writable()
    store = store_of(archive)
    with store.transaction() as conn:
        store.insert(conn, name, role, password)
        _logged(archive, "user-add", {"账号": name, "角色": role}, actor)
    return store.get(name)


def change_password(archive: Archive, name: str, password: str, actor: str) -> User:
    password = check_password(password)
    archive.require_writable()
    store = store_of(archive)
    with store.transaction() as conn:
        store.update(conn, name, password=password)
        _logged(archive, "user-passwd", {"账号": name}, actor)
    return store.get(name)


def disable_user(archive: Archive, name: str, actor: str) -> User:
    archive.require_writable()
    store = store_of(archive)
    user = store.get(name)
    if user is not None and not user.active:
        raise UserError(f"用户“{name}”已停用")
    with store.transaction() as conn:
        store.update(conn, name, active=False)
        _logged(archive, "user-disable", {"账号": name}, actor)
    return store.get(name)
