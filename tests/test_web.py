"""The web workspace over HTTP (Starlette's TestClient against the real application and a
real archive): accounts, sign-in, CSRF, roles, the login limit, headers, downloads
confined to the archive's objects, search and its JSON twin, record pages, verify."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import socket
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from .clirun import assert_no_traceback, gongwen
from .conftest import run_cli

from starlette.testclient import TestClient

from web.app import create_app
from web.security import HEADERS, LoginLimiter

PASSWORDS = {"审计甲": "审计员的密码-1", "clerk1": "clerk-password-2", "admin1": "admin-password-3"}
ROLES = {"审计甲": "auditor", "clerk1": "clerk", "admin1": "admin"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def user_cli(*args, password: str | None = None, expect: int | None = 0):
    """`gongwen user ARGS`, the password on standard input (not a terminal)."""
    from cli import main

    result = CliRunner().invoke(main, ["user", *map(str, args)],
                                input=None if password is None else password + "\n",
                                catch_exceptions=False)
    assert_no_traceback(result.output)
    if expect is not None:
        assert result.exit_code == expect, result.output
    return result


def add_users(root: Path) -> None:
    for name, role in ROLES.items():
        user_cli("add", name, "--role", role, "-A", root, password=PASSWORDS[name])


def token(page: str) -> str:
    found = CSRF.search(page)
    assert found, page
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str | None = None):
    page = client.get("/login").text
    return client.post("/login", data={"csrf_token": token(page), "username": name,
                                       "password": PASSWORDS[name] if password is None
                                       else password, "next": "/search"})


@pytest.fixture
def web_archive(archive_copy) -> Path:
    add_users(archive_copy)
    return archive_copy


@pytest.fixture
def client(web_archive):
    with TestClient(create_app(web_archive), base_url="http://127.0.0.1",
                    follow_redirects=False) as c:
        yield c


@pytest.fixture
def auditor(client):
    assert sign_in(client, "审计甲").status_code == 303
    return client


def page_token(client: TestClient, path: str = "/search") -> str:
    return token(client.get(path).text)


# -- accounts on the command line


def test_user_commands_store_hashed_passwords_and_audit_each_change(archive_copy):
    user_cli("add", "审计甲", "--role", "auditor", "-A", archive_copy, password=PASSWORDS["审计甲"])
    again = user_cli("add", "审计甲", "--role", "clerk", "-A", archive_copy, password="another-pass",
                     expect=2)
    assert "已存在" in again.output
    short = user_cli("add", "乙", "--role", "auditor", "-A", archive_copy, password="short",
                     expect=2)
    assert "至少 8 个字符" in short.output
    bad_role = user_cli("add", "丙", "--role", "boss", "-A", archive_copy, password="long-enough",
                        expect=2)
    assert "boss" in bad_role.output
    user_cli("passwd", "审计甲", "-A", archive_copy, password="a-new-password")
    user_cli("disable", "审计甲", "-A", archive_copy)
    listed = json.loads(user_cli("list", "--json", "-A", archive_copy).output)
    assert [(u["name"], u["role"], u["active"]) for u in listed] == [("审计甲", "auditor", False)]
    missing = user_cli("passwd", "无此人", "-A", archive_copy, password="whatever-123", expect=2)
    assert "没有用户" in missing.output

    stored = sqlite3.connect(archive_copy / "users.sqlite").execute(
        "SELECT password FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "a-new-password" not in stored

    log = json.loads(run_cli("archive", "log", "--json", "-A", archive_copy).output)
    changes = [(e["action"], e["detail"].get("账号")) for e in log if e["action"].startswith("user-")]
    assert changes == [("user-add", "审计甲"), ("user-passwd", "审计甲"), ("user-disable", "审计甲")]
    assert all(e["detail"]["经办账号"] for e in log if e["action"].startswith("user-"))
    text = json.dumps(log, ensure_ascii=False)
    assert PASSWORDS["审计甲"] not in text and "a-new-password" not in text and "$argon2" not in text
    # the accounts file is the archive's own: verify does not call it foreign
    verified = run_cli("archive", "verify", "-A", archive_copy)
    assert "档案库完好" in verified.output


def test_a_change_the_audit_log_refuses_is_not_kept(archive_copy, monkeypatch, tmp_path):
    """A keyed archive without its key refuses the audit entry: no account is added."""
    key = tmp_path / "audit.key"
    run_cli("archive", "key-init", key, "-A", archive_copy)
    refused = user_cli("add", "审计甲", "--role", "auditor", "-A", archive_copy,
                       password=PASSWORDS["审计甲"], expect=1)
    assert "密钥" in refused.output
    assert json.loads(user_cli("list", "--json", "-A", archive_copy).output) == []
    monkeypatch.setenv("GONGWEN_AUDIT_KEY_FILE", str(key))
    user_cli("add", "审计甲", "--role", "auditor", "-A", archive_copy, password=PASSWORDS["审计甲"])
    assert len(json.loads(user_cli("list", "--json", "-A", archive_copy).output)) == 1


def test_serve_says_in_chinese_when_the_port_is_taken(built_archive):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ran = gongwen("serve", "-A", built_archive, "--port", port, expect=2, timeout=60)
    assert "端口已被占用" in ran.err and "127.0.0.1" in ran.err


# -- sign-in, sessions, CSRF, roles


def test_anonymous_requests_are_sent_to_login(client, built_archive):
    for path in ("/search?q=防汛", "/records/1", "/verify", "/users",
                 "/records/1/files/" + "0" * 64):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=%2F"), path
    api = client.get("/api/search?q=防汛")
    assert api.status_code == 401 and api.json() == {"error": "需要登录"}
    assert client.post("/verify").status_code == 303  # no session: nothing runs
    assert client.get("/login").status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_signing_in_sets_a_signed_httponly_lax_cookie_and_goes_where_asked(client):
    page = client.get("/login?next=/records/2").text
    assert 'name="username"' in page and 'name="password"' in page
    response = client.post("/login", data={"csrf_token": token(page), "username": "审计甲",
                                           "password": PASSWORDS["审计甲"], "next": "/records/2"})
    assert response.status_code == 303 and response.headers["location"] == "/records/2"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/records/2").status_code == 200
    # another site's address is never where a login leads
    client.cookies.clear()
    page = client.get("/login").text
    response = client.post("/login", data={"csrf_token": token(page), "username": "审计甲",
                                           "password": PASSWORDS["审计甲"],
                                           "next": "//evil.example/"})
    assert response.headers["location"] == "/search"


def test_a_forged_cookie_is_no_session(client):
    client.cookies.set("gongwen", "eyJ1c2VyIjogImFkbWluMSJ9.forged.signature")
    assert client.get("/search").status_code == 303


def test_wrong_password_and_unknown_user_get_the_same_chinese_answer(client):
    wrong = sign_in(client, "审计甲", "not-the-password")
    unknown = sign_in(client, "无此人", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不对" in wrong.text and "用户名或密码不对" in unknown.text
    assert client.get("/search").status_code == 303


def test_every_post_refuses_a_missing_or_wrong_csrf_token(client):
    page = client.get("/login").text
    data = {"username": "审计甲", "password": PASSWORDS["审计甲"]}
    for sent in ({}, {"csrf_token": "wrong"}):
        refused = client.post("/login", data=data | sent)
        assert refused.status_code == 403 and "CSRF" in refused.text
    assert client.post("/login", data=data | {"csrf_token": token(page)}).status_code == 303
    posts = [r.path for r in client.app.routes if "POST" in (getattr(r, "methods", None) or ())]
    assert set(posts) >= {"/login", "/logout", "/verify", "/index/sync"}
    for path in posts:
        for sent in ({}, {"csrf_token": "wrong"}):
            refused = client.post(path, data=sent)
            assert refused.status_code == 403, path
            assert "CSRF" in refused.text, path
    assert client.get("/search").status_code == 200  # still signed in: nothing was done


def test_roles_auditor_is_refused_clerk_and_admin_pages(client):
    sign_in(client, "审计甲")
    refused = client.post("/index/sync", data={"csrf_token": page_token(client)})
    assert refused.status_code == 403 and "文书" in refused.text
    assert client.get("/users").status_code == 403
    client.post("/logout", data={"csrf_token": page_token(client)})
    sign_in(client, "clerk1")
    assert client.post("/index/sync",
                       data={"csrf_token": page_token(client)}).status_code == 303
    assert client.get("/users").status_code == 403
    client.post("/logout", data={"csrf_token": page_token(client)})
    sign_in(client, "admin1")
    users = client.get("/users")
    assert users.status_code == 200 and "clerk1" in users.text and "审计甲" in users.text


def test_logout_ends_the_session(auditor):
    response = auditor.post("/logout", data={"csrf_token": page_token(auditor)})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert auditor.get("/search").status_code == 303


def test_a_disabled_account_or_changed_password_ends_its_sessions(auditor, web_archive):
    assert auditor.get("/search").status_code == 200
    user_cli("passwd", "审计甲", "-A", web_archive, password="changed-password-9")
    assert auditor.get("/search").status_code == 303
    assert sign_in(auditor, "审计甲", "changed-password-9").status_code == 303
    user_cli("disable", "审计甲", "-A", web_archive)
    assert auditor.get("/search").status_code == 303
    assert sign_in(auditor, "审计甲", "changed-password-9").status_code == 401


def test_login_rate_limit_per_name_and_address(web_archive):
    now = [1000.0]
    limiter = LoginLimiter(attempts=5, window_s=300, clock=lambda: now[0])
    with TestClient(create_app(web_archive, limiter=limiter), follow_redirects=False) as client:
        for _ in range(5):
            assert sign_in(client, "审计甲", "wrong-password").status_code == 401
        blocked = sign_in(client, "审计甲")  # even the right password, for now
        assert blocked.status_code == 429
        assert "登录失败次数过多" in blocked.text and "Traceback" not in blocked.text
        assert sign_in(client, "clerk1").status_code == 303  # another name is not blocked
        client.cookies.clear()
        now[0] += 301
        assert sign_in(client, "审计甲").status_code == 303


def test_forged_addresses_gain_little_a_name_has_its_own_limit(web_archive):
    limiter = LoginLimiter(attempts=5, window_s=300, per_name=8, clock=lambda: 0.0)
    app = create_app(web_archive, limiter=limiter)
    tried = 0
    for n in range(3):  # each "address" a client could claim
        with TestClient(app, client=(f"10.0.0.{n}", 4000), follow_redirects=False) as client:
            while tried < 8 and sign_in(client, "clerk1", "wrong-password").status_code == 401:
                tried += 1
    with TestClient(app, client=("10.0.0.99", 4000), follow_redirects=False) as client:
        assert sign_in(client, "clerk1").status_code == 429
        assert sign_in(client, "admin1").status_code == 303


def test_an_oversized_form_is_refused_in_chinese(client):
    page = client.get("/login").text
    response = client.post("/login", data={"csrf_token": token(page), "username": "审计甲",
                                           "password": "x" * (2 << 20)})
    assert response.status_code == 413 and "提交的内容过大" in response.text


def test_serve_refuses_a_missing_archive_in_chinese(tmp_path):
    ran = gongwen("serve", "-A", tmp_path / "nothing-here", expect=1, timeout=60)
    assert "不存在" in ran.err


def test_security_headers_on_pages_errors_files_and_static(auditor):
    for path in ("/login", "/search?q=防汛", "/no/such/page", "/static/style.css",
                 "/records/999999", "/api/search?q=防汛"):
        response = auditor.get(path)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
    assert "frame-ancestors 'self'" in HEADERS["content-security-policy"]
    assert "default-src 'self'" in HEADERS["content-security-policy"]
    assert auditor.get("/search").headers["cache-control"] == "no-store"


def test_pages_load_nothing_from_elsewhere(auditor):
    for path in ("/login", "/search?q=防汛", "/records/1", "/verify"):
        page = auditor.get(path).text
        for ref in re.findall(r'(?:src|href|data)="([^"]+)"', page):
            assert not re.match(r"(?:[a-z]+:)?//", ref), (path, ref)


def test_errors_are_chinese_pages_never_tracebacks(auditor):
    missing = auditor.get("/no/such/page")
    assert missing.status_code == 404 and "找不到页面" in missing.text
    record = auditor.get("/records/999999")
    assert record.status_code == 404 and "没有编号为 999999 的记录" in record.text
    bad = auditor.get("/search", params={"q": '"领导小组'})
    assert bad.status_code == 400 and "引号不成对" in bad.text
    wrong_date = auditor.get("/search", params={"q": "防汛", "from": "去年"})
    assert wrong_date.status_code == 400 and "日期" in wrong_date.text
    api_bad = auditor.get("/api/search", params={"q": "(防汛"})
    assert api_bad.status_code == 400 and "“(”" in api_bad.json()["error"]
    method = auditor.put("/search")
    assert method.status_code == 405 and "不支持的请求方式" in method.text
    for response in (missing, record, bad, wrong_date, method):
        assert "Traceback" not in response.text and "File \"" not in response.text


def test_an_unexpected_failure_is_a_chinese_500_page(web_archive):
    archive_gone = web_archive.parent / "gone"
    shutil.copytree(web_archive, archive_gone)
    app = create_app(archive_gone)
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        sign_in(client, "审计甲")
        (archive_gone / "catalog.sqlite").unlink()  # the archive vanishes under the server
        (archive_gone / "catalog.sqlite").mkdir()
        response = client.get("/records/1")
        assert response.status_code in (404, 500, 503)
        assert "Traceback" not in response.text and "gongwen 档案工作台" in response.text
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value


# -- downloads are confined to the archive's objects


def record_files(root: Path, record_id: int) -> list[dict]:
    shown = json.loads(run_cli("archive", "show", record_id, "--json", "-A", root).output)
    return shown["files"]


def test_downloads_are_the_records_own_stored_bytes(auditor, web_archive):
    for f in record_files(web_archive, 1):
        response = auditor.get(f"/records/1/files/{f['sha256']}")
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == f["sha256"]
        assert response.headers["content-disposition"].startswith("attachment;")
    pdf = next(f for f in record_files(web_archive, 1) if f["media_type"] == "application/pdf")
    shown = auditor.get(f"/records/1/files/{pdf['sha256']}?view=1")
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline;")


def test_path_traversal_and_other_records_files_are_refused(auditor, web_archive):
    other = record_files(web_archive, 2)[0]["sha256"]
    catalog = (web_archive / "catalog.sqlite").read_bytes()[:16]
    attempts = [
        f"/records/1/files/{other}",  # a real object, but not this record's
        "/records/1/files/../../catalog.sqlite",
        "/records/1/files/..%2F..%2Fcatalog.sqlite",
        "/records/1/files/%2e%2e/%2e%2e/catalog.sqlite",
        "/records/1/files/" + other[:2] + "%2F" + other,
        "/records/1/files/" + other.upper(),
        "/static/../catalog.sqlite",
        "/static/%2e%2e/%2e%2e/%2e%2e/catalog.sqlite",
        "/static/..%2F..%2F..%2Fcatalog.sqlite",
        "/records/999999/files/" + other,
    ]
    for path in attempts:
        response = auditor.get(path)
        assert response.status_code == 404, path
        assert catalog not in response.content, path
        assert "Traceback" not in response.text, path


def test_a_stored_object_replaced_by_a_link_is_not_followed(auditor, web_archive, tmp_path):
    f = record_files(web_archive, 1)[0]
    stored = web_archive / "objects" / f["sha256"][:2] / f["sha256"]
    secret = tmp_path / "secret.txt"
    secret.write_text("不该被读到的内容")
    stored.parent.chmod(0o755)
    stored.unlink()
    stored.symlink_to(secret)
    response = auditor.get(f"/records/1/files/{f['sha256']}")
    assert response.status_code == 404 and "符号链接" in response.text
    assert "不该被读到的内容" not in response.text


# -- search


def cli_json(root: Path, *args) -> dict:
    return json.loads(run_cli("search", *args, "--json", "-A", root).output)


def test_api_search_answers_in_the_clis_json_shape(auditor, web_archive):
    for args, params in [(["防汛"], {"q": "防汛"}),
                         (["疫情", "--facets", "--per-page", "2", "--page", "2"],
                          {"q": "疫情", "facets": "1", "per_page": "2", "page": "2"}),
                         (["--type", "方案", "--current"], {"type": "方案", "current": "1"}),
                         (['"领导小组" -消毒', "--from", "2020-01", "--to", "2020-12"],
                          {"q": '"领导小组" -消毒', "from": "2020-01", "to": "2020-12"})]:
        assert auditor.get("/api/search", params=params).json() == cli_json(web_archive, *args)


def test_search_page_shows_hits_with_marked_snippets_and_keeps_the_search_in_its_address(
        auditor, web_archive):
    expected = cli_json(web_archive, "防汛")
    page = auditor.get("/search", params={"q": "防汛"}).text
    assert f"共 {expected['total']} 条" in page
    for hit in expected["hits"]:
        assert f'href="/records/{hit["record_id"]}"' in page
    assert "<mark>防汛</mark>" in page
    assert 'value="防汛"' in page


def test_search_page_escapes_what_it_shows(auditor):
    page = auditor.get("/search", params={"q": '<script>alert(1)</script>'}).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def facet_links(page: str, label: str) -> list[tuple[str, str, int]]:
    """(href, value, count) of one facet's links on a search page."""
    section = re.search(r'data-facet="' + label + r'">(.*?)</section>', page, re.S).group(1)
    return [(href.replace("&amp;", "&"), value, int(count)) for href, value, count in
            re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="count">(\d+)</span>',
                       section)]


def test_facets_count_and_narrow_the_search_when_followed(auditor, web_archive):
    everything = cli_json(web_archive, "--facets")
    page = auditor.get("/search").text
    kinds = facet_links(page, "文种")
    assert [(v, n) for _, v, n in kinds] == list(everything["facets"]["文种"].items())[:10]
    for label in ("文种", "发文机关", "年度"):
        href, value, count = facet_links(page, label)[0]
        narrowed = auditor.get(href).text
        assert f"共 {count} 条" in narrowed, (label, value)
        assert f'<strong aria-current="true">{value}</strong>' in narrowed
    href, value, count = kinds[0]
    assert auditor.get(href.replace("/search", "/api/search")).json()["total"] == count


def test_paging(auditor, web_archive):
    total = cli_json(web_archive)["total"]
    assert total >= 3
    first = auditor.get("/search", params={"per_page": "2"}).text
    assert f"第 1/{(total + 1) // 2} 页" in first
    nxt = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = auditor.get(nxt).text
    assert "第 2/" in second and 'rel="prev"' in second
    ids = lambda page: re.findall(r'class="title" href="/records/(\d+)"', page)  # noqa: E731
    assert not set(ids(first)) & set(ids(second))


def test_the_held_searcher_sees_documents_archived_after_it_opened(auditor, web_archive,
                                                                   tmp_path):
    assert auditor.get("/api/search", params={"q": "网页工作台"}).json()["total"] == 0
    new = tmp_path / "关于试用网页工作台的通知.txt"
    new.write_text("关于试用网页工作台的通知\n各科室：\n即日起试用网页工作台检索档案。\n"
                   "县档案馆\n2021年5月6日\n", encoding="utf-8")
    run_cli("archive", "add", new, "-A", web_archive, "-q")
    found = auditor.get("/api/search", params={"q": "网页工作台"}).json()
    assert found["total"] == 1 and found["pending"] == 0


# -- record page and verify


def test_record_page_shows_metadata_code_people_measures_files_and_trail(auditor, web_archive):
    shown = json.loads(run_cli("archive", "show", "2", "--json", "-A", web_archive).output)
    page = auditor.get("/records/2").text
    assert shown["archival_code"] in page
    assert shown["metadata"]["标题"] in page
    for f in shown["files"]:
        assert f["sha256"] in page and f'/records/2/files/{f["sha256"]}' in page
    for person in shown["people"][:3]:
        assert person["name"] in page
    for measure in shown["measures"][:3]:
        assert measure["title"] in page
    if any(f["media_type"] == "application/pdf" for f in shown["files"]):
        assert '<object id="pdf"' in page and 'type="application/pdf"' in page
    log = json.loads(run_cli("archive", "log", "--json", "-A", web_archive).output)
    for entry in (e for e in log if e["record_id"] == 2):
        assert entry["hash"][:12] in page
    assert "归档" in page


def test_record_page_shows_the_version_chain(auditor, web_archive, tmp_path):
    first = tmp_path / "关于开展档案自查的通知.txt"
    first.write_text("关于开展档案自查的通知\n各科室：\n请于六月底前完成档案自查。\n县档案馆\n2021年5月6日\n",
                     encoding="utf-8")
    run_cli("archive", "add", first, "-A", web_archive, "-q")
    old_id = max(r["id"] for r in json.loads(
        run_cli("archive", "list", "--json", "-A", web_archive).output))
    second = tmp_path / "关于开展档案自查的通知（修订）.txt"
    second.write_text("关于开展档案自查的通知\n各科室：\n请于七月底前完成档案自查。\n县档案馆\n2021年5月8日\n",
                      encoding="utf-8")
    run_cli("archive", "add", second, "--supersedes", old_id, "-A", web_archive, "-q")
    new_id = old_id + 1
    for shown, other in ((old_id, new_id), (new_id, old_id)):
        page = auditor.get(f"/records/{shown}").text
        chain = re.search(r'<ol class="chain" id="chain">(.*?)</ol>', page, re.S).group(1)
        assert f'href="/records/{other}"' in chain and "（本记录）" in chain
    old_page = auditor.get(f"/records/{old_id}").text
    assert f"已被记录 {new_id} 取代" in old_page
    assert "取代" in auditor.get(f"/records/{new_id}").text


def test_verify_runs_from_the_page_and_shows_findings(auditor, web_archive):
    form = auditor.get("/verify").text
    assert 'method="post"' in form and "开始校验" in form
    good = auditor.post("/verify", data={"csrf_token": token(form)})
    assert good.status_code == 200 and "档案库完好" in good.text
    f = record_files(web_archive, 1)[0]
    stored = web_archive / "objects" / f["sha256"][:2] / f["sha256"]
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes() + b"tampered")
    bad = auditor.post("/verify", data={"csrf_token": token(form)})
    assert "发现" in bad.text and "处问题" in bad.text and f["sha256"] in bad.text
    assert "档案库完好" not in bad.text


def test_who_page_answers_like_gongwen_who(auditor, web_archive):
    expected = json.loads(run_cli("who", "消毒", "--json", "-A", web_archive).output)
    assert expected
    page = auditor.get("/who", params={"q": "消毒"}).text
    assert f"共 {len(expected)} 项措施" in page
    for hit in expected:
        assert hit["title"] in page
        for source in hit["sources"]:
            assert f'href="/records/{source["record_id"]}"' in page
    person = next(n for h in expected for n in h["doers"] + h["leaders"])
    duties = json.loads(run_cli("who", "--person", person, "--json", "-A", web_archive).output)
    link = re.search(r'<a href="([^"]+)"[^>]*>' + re.escape(person) + "</a>", page).group(1)
    assert link.startswith("/people/")
    assert f"共 {len(duties)} 项职责" in auditor.get(link).text
    assert auditor.get("/who", params={"q": '"消毒'}).status_code == 400


def test_a_persons_name_on_a_record_leads_to_all_their_duties(auditor, web_archive):
    records = json.loads(run_cli("archive", "list", "--json", "-A", web_archive).output)
    shown = next(s for r in records if (s := json.loads(run_cli(
        "archive", "show", str(r["id"]), "--json", "-A", web_archive).output))["people"])
    name = shown["people"][0]["name"]
    expected = cli_json(web_archive, "--person", name)
    page = auditor.get(f"/records/{shown['id']}").text
    link = re.search(r'<a href="(/people/[^"]+)"[^>]*>' + re.escape(name), page).group(1)
    person = auditor.get(link).text
    duties = json.loads(run_cli("who", "--person", name, "--json", "-A", web_archive).output)
    assert len(duties) >= 1 and f"共 {len(duties)} 项职责" in person
    for duty in duties:  # every role, under the record it is in
        assert f'href="/records/{duty["record_id"]}"' in person and duty["role"] in person
    search = re.search(r'<a href="(/search\?person=[^"]+)"', person).group(1)
    assert f"共 {expected['total']} 条" in auditor.get(search.replace("&amp;", "&")).text


def test_export_downloads_the_archival_package_and_audits_who_asked(auditor, web_archive,
                                                                    tmp_path):
    import zipfile

    form = auditor.get("/export").text
    response = auditor.post("/export", data={"csrf_token": token(form)})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith("attachment;")
    package = tmp_path / "package.zip"
    package.write_bytes(response.content)
    with zipfile.ZipFile(package) as z:
        z.extractall(tmp_path / "out")
    root = tmp_path / "out" / "归档包"
    sums = (root / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(sums) > 3
    for line in sums:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == digest, name
    listed = json.loads(run_cli("archive", "list", "--json", "-A", web_archive).output)
    assert len(json.loads((root / "manifest.json").read_text())["records"]) == len(listed)
    log = json.loads(run_cli("archive", "log", "--json", "-A", web_archive).output)
    assert log[-1]["action"] == "export" and log[-1]["detail"]["经办账号"] == "审计甲"
    assert not list(Path(tempfile_dir()).glob("gongwen-export-*"))  # nothing left behind


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()


def test_on_a_terminal_the_password_is_asked_twice_and_not_shown(archive_copy):
    import os
    import pty
    import select
    import subprocess
    import sys

    from .clirun import GONGWEN, ROOT

    def read_until(fd: int, wanted: str, seen: list[bytes]) -> str:
        while wanted not in b"".join(seen).decode("utf-8", "replace"):
            ready, _, _ = select.select([fd], [], [], 60)
            assert ready, b"".join(seen).decode("utf-8", "replace")
            try:
                seen.append(os.read(fd, 1024))
            except OSError:  # the process ended and closed the terminal
                break
        return b"".join(seen).decode("utf-8", "replace")

    def add(name: str, first: str, second: str) -> tuple[int, str]:
        main, child = pty.openpty()
        process = subprocess.Popen(
            [*GONGWEN, "user", "add", name, "--role", "auditor", "-A", str(archive_copy)],
            stdin=child, stdout=child, stderr=child, cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT)})
        os.close(child)
        seen: list[bytes] = []
        read_until(main, "密码: ", seen)  # the space comes once echo is off (getpass)
        os.write(main, first.encode() + b"\r")
        read_until(main, "再输入一次密码: ", seen)
        os.write(main, second.encode() + b"\r")
        text = read_until(main, "。", seen)  # the outcome, or the mismatch (then asked again)
        if "不一致" in text:
            process.terminate()  # asked again until it matches: the user gives up
        code = process.wait(timeout=60)
        text = read_until(main, "\x00", seen) if code else text
        os.close(main)
        return code, text

    code, text = add("终端甲", "typed-on-a-terminal", "typed-on-a-terminal")
    assert code == 0 and "已新增账号" in text, text
    assert "typed-on-a-terminal" not in text  # hidden while typed
    code, text = add("终端乙", "typed-on-a-terminal", "something-else-1")
    assert code != 0 and "两次输入的不一致" in text, text
    assert "Traceback" not in text
    names = [u["name"] for u in json.loads(user_cli("list", "--json", "-A", archive_copy).output)]
    assert names == ["终端甲"]
    assert sys.platform.startswith("linux")


# -- upload (clerk)


NEW_NOTICE = ("关于开展档案安全检查的通知\n各科室：\n请于六月底前完成档案库房安全检查。\n"
              "县档案馆\n2021年5月6日\n")


def test_clerk_uploads_several_files_each_with_its_own_outcome(client, web_archive,
                                                              received_files):
    sign_in(client, "clerk1")
    form = client.get("/upload").text
    assert 'type="file"' in form and 'src="/static/upload.js"' in form
    files = [
        ("files", ("关于开展档案安全检查的通知.txt", NEW_NOTICE.encode(), "text/plain")),
        ("files", (received_files["docx"].name, received_files["docx"].read_bytes(),
                   "application/octet-stream")),  # archived already
        ("files", ("程序.exe", b"MZ\x90\x00not a document", "application/octet-stream")),
        ("files", ("源文件.yaml", "标题: 某某\n".encode(), "text/yaml")),
        ("files", ("日期有误.txt", "某通知\n正文。\n".encode(), "text/plain")),
    ]
    data = {"csrf_token": token(form), "kind-0": "通知", "title-0": "关于开展档案安全检查的通知（网页）",
            "date-4": "去年"}
    response = client.post("/upload", data=data, files=files,
                           headers={"accept": "application/json"})
    assert response.status_code == 200, response.text
    outcomes = {f["name"]: f for f in response.json()["files"]}
    new = outcomes["关于开展档案安全检查的通知.txt"]
    assert new["status"] == "added" and new["archival_code"]
    assert outcomes[received_files["docx"].name]["status"] == "duplicate"
    assert "已归档" in outcomes[received_files["docx"].name]["message"]
    assert outcomes["程序.exe"]["status"] == "failed" and outcomes["程序.exe"]["message"]
    assert outcomes["源文件.yaml"]["status"] == "failed"
    assert "generate --archive" in outcomes["源文件.yaml"]["message"]
    assert outcomes["日期有误.txt"]["status"] == "failed"
    assert "成文日期" in outcomes["日期有误.txt"]["message"]

    shown = json.loads(run_cli("archive", "show", new["record_id"], "--json",
                               "-A", web_archive).output)
    assert shown["metadata"]["标题"] == "关于开展档案安全检查的通知（网页）"
    assert shown["metadata"]["文种"] == "通知"
    assert shown["files"][0]["name"] == "关于开展档案安全检查的通知.txt"
    log = json.loads(run_cli("archive", "log", "--json", "-A", web_archive).output)
    added = [e for e in log if e["action"] == "add" and e["record_id"] == new["record_id"]]
    assert added[0]["detail"]["经办账号"] == "clerk1"
    found = client.get("/api/search", params={"q": "档案库房"}).json()
    assert [h["record_id"] for h in found["hits"]] == [new["record_id"]] and found["pending"] == 0
    assert "档案库完好" in run_cli("archive", "verify", "-A", web_archive).output
    assert not list(Path(tempfile_dir()).glob("gongwen-upload-*"))


def test_upload_without_script_answers_with_a_page(client):
    sign_in(client, "clerk1")
    form = client.get("/upload").text
    page = client.post("/upload", data={"csrf_token": token(form)},
                       files=[("files", ("../../逃出去.txt", NEW_NOTICE.encode(), "text/plain"))])
    assert page.status_code == 200 and "已归档" in page.text and "逃出去.txt" in page.text
    empty = client.post("/upload", data={"csrf_token": token(form)})
    assert empty.status_code == 400 and "请先选择" in empty.text


def test_an_auditors_upload_is_refused_and_nothing_archived(auditor, web_archive):
    before = json.loads(run_cli("archive", "list", "--json", "-A", web_archive).output)
    assert auditor.get("/upload").status_code == 403
    response = auditor.post("/upload", headers={"x-csrf-token": page_token(auditor)},
                            files=[("files", ("通知.txt", NEW_NOTICE.encode(), "text/plain"))])
    assert response.status_code == 403 and "文书" in response.text
    assert json.loads(run_cli("archive", "list", "--json", "-A", web_archive).output) == before


def test_accounts_file_follows_the_umask(tmp_path):
    import os
    import stat

    root = tmp_path / "arc"
    gongwen("user", "add", "审计甲", "--role", "auditor", "-A", root,
            stdin=PASSWORDS["审计甲"] + "\n", expect=0, preexec_fn=lambda: os.umask(0o027))
    assert stat.S_IMODE((root / "users.sqlite").stat().st_mode) == 0o640


def test_https_flag_makes_the_session_cookie_secure(web_archive):
    with TestClient(create_app(web_archive, https_only=True), base_url="https://127.0.0.1",
                    follow_redirects=False) as client:
        cookie = sign_in(client, "审计甲").headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie


def test_an_archive_without_index_says_so_on_the_search_page(tmp_path):
    root = tmp_path / "arc"
    add_users(root)  # creates the (empty) archive
    with TestClient(create_app(root), follow_redirects=False) as client:
        sign_in(client, "审计甲")
        page = client.get("/search", params={"q": "防汛"})
        assert page.status_code == 503 and "还没有检索索引" in page.text
        assert "Traceback" not in page.text


# -- the writer's editor (clerk)


def editor_post(client, path: str, text: str, csrf: str):
    return client.post(path, json={"yaml": text}, headers={"x-csrf-token": csrf})


def test_editor_checks_as_gongwen_validate_and_previews_the_pdf(client, web_archive):
    from web.editor_pages import STARTER

    sign_in(client, "clerk1")
    page = client.get("/editor").text
    csrf = token(page)
    assert "<textarea" in page and "关于做好档案安全检查工作的通知" in page
    good = editor_post(client, "/api/editor/check", STARTER, csrf).json()
    assert good["ok"] and good["problems"] == []
    broken = STARTER.replace("成文日期: 2021-05-06", "成文日期: 2021年13月")
    line = next(n for n, text in enumerate(broken.splitlines(), start=1) if "成文日期" in text)
    bad = editor_post(client, "/api/editor/check", broken, csrf).json()
    assert not bad["ok"]
    assert [p["line"] for p in bad["problems"]] == [line]
    assert "成文日期" in bad["problems"][0]["field"] + bad["problems"][0]["message"]

    made = editor_post(client, "/api/editor/preview", STARTER, csrf).json()
    assert made["ok"] and made["preview"].startswith("/editor/preview.pdf?v=")
    pdf = client.get(made["preview"])
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    changed = editor_post(client, "/api/editor/preview",
                          STARTER.replace("某县档案馆", "某县档案局"), csrf).json()
    assert changed["preview"] != made["preview"]
    assert client.get(changed["preview"]).content != pdf.content

    docx = client.post("/editor/download", data={"csrf_token": csrf, "yaml": STARTER,
                                                 "format": "docx"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment;" in docx.headers["content-disposition"]
    refused = client.post("/editor/download", data={"csrf_token": csrf, "yaml": broken,
                                                    "format": "pdf"})
    assert refused.status_code == 422 and f"第 {line} 行" in refused.text


def test_editor_yaml_cannot_make_the_server_read_its_files(client, tmp_path):
    from web.editor_pages import STARTER

    secret = tmp_path / "服务器上的文件.yaml"
    secret.write_text("文种: 通知\n标题: 机密内容甲乙丙\n", encoding="utf-8")
    sign_in(client, "clerk1")
    csrf = page_token(client, "/editor")
    text = STARTER + f"附件:\n  - 文档: {secret}\n"
    answer = editor_post(client, "/api/editor/check", text, csrf).json()
    assert not answer["ok"]
    assert "机密内容甲乙丙" not in json.dumps(answer, ensure_ascii=False)
    made = editor_post(client, "/api/editor/preview", text, csrf).json()
    assert "preview" not in made


def test_editor_opens_an_archived_yaml_source(client, web_archive):
    listed = json.loads(run_cli("archive", "list", "--json", "-A", web_archive).output)
    generated = next(r for r in listed if r["origin"] == "generated")
    source = next(f for f in generated["files"] if f["role"] == "source")
    stored = (web_archive / "objects" / source["sha256"][:2] / source["sha256"]).read_text(
        encoding="utf-8")
    sign_in(client, "clerk1")
    page = client.get("/editor", params={"record": generated["id"]}).text
    first = next(line for line in stored.splitlines() if line.strip())
    assert html_unescape(first) in html_unescape(page)


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_editor_is_for_clerks(auditor):
    assert auditor.get("/editor").status_code == 403
    refused = auditor.post("/api/editor/check", json={"yaml": "文种: 通知"},
                           headers={"x-csrf-token": page_token(auditor)})
    assert refused.status_code == 403


# -- the district coverage report as a page

DISTRICT = Path(__file__).resolve().parent.parent / "samples" / "district"


def _district_files(unit_text: bytes | None = None):
    unit = DISTRICT / "单位" / "青山县第二实验小学联防联控制度.yaml"
    roster = DISTRICT / "花名册" / "青山县第二实验小学.yaml"
    template = DISTRICT / "教育系统联防联控制度.yaml"
    return [("template", (template.name, template.read_bytes(), "text/yaml")),
            ("plans", (unit.name, unit_text or unit.read_bytes(), "text/yaml")),
            ("rosters", (roster.name, roster.read_bytes(), "text/yaml"))]


def test_coverage_page_shows_the_same_report_as_the_command(auditor, tmp_path):
    page = auditor.get("/coverage")
    assert page.status_code == 200 and 'name="plans"' in page.text
    response = auditor.post("/coverage", headers={"x-csrf-token": token(page.text)},
                            data={"output": "page"}, files=_district_files())
    assert response.status_code == 200, response.text
    assert "对照检查报告" in response.text and "青山县第二实验小学" in response.text
    assert "gongwen-coverage-" not in response.text  # files named as uploaded, not where staged
    as_json = auditor.post("/coverage", headers={"x-csrf-token": token(page.text),
                                                 "accept": "application/json"},
                           files=_district_files()).json()
    cli = json.loads(run_cli("coverage", DISTRICT / "教育系统联防联控制度.yaml",
                             DISTRICT / "单位" / "青山县第二实验小学联防联控制度.yaml", "--json",
                             expect=None).output)
    assert [u["单位"] for u in as_json["单位"]] == [u["单位"] for u in cli["单位"]]
    assert as_json["违规总数"] == cli["违规总数"]
    workbook = auditor.post("/coverage", headers={"x-csrf-token": token(page.text)},
                            data={"output": "xlsx"}, files=_district_files())
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"


def test_coverage_page_names_a_broken_unit_file_and_its_line(auditor):
    broken = "继承: ../教育系统联防联控制度.yaml\n单位: 某校\n修改: [\n".encode()
    response = auditor.post("/coverage", headers={"x-csrf-token": page_token(auditor, "/coverage")},
                            files=_district_files(broken))
    assert response.status_code == 422
    assert "未生成报告" in response.text and "单位/青山县第二实验小学联防联控制度.yaml:" in response.text
    assert_no_traceback(response.text)


def test_coverage_page_needs_a_session_and_csrf(client, auditor):
    refused = auditor.post("/coverage", files=_district_files())
    assert refused.status_code == 403
    auditor.post("/logout", headers={"x-csrf-token": page_token(auditor)})
    assert client.get("/coverage").status_code == 303
