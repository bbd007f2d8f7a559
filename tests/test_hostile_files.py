"""Hostile received files (issue 16): links out of a folder, FIFOs and devices, huge inputs,
zip bombs, huge and encrypted PDFs, names that break an export. Each gets a clear Chinese
refusal from a real `gongwen` process, in bounded time and memory, and never a traceback."""
from __future__ import annotations

import json
import os
import resource
import sqlite3
from pathlib import Path

import pytest

from archive.core import Archive
from archive.inputs import collect_files
from archive.limits import MAX_INPUT_BYTES

from .clirun import gongwen

TIMEOUT = 120  # a FIFO read that blocks would hang; the timeout turns that into a failure
GB = 1024 ** 3


def notice(path: Path, title: str = "关于清理仓库的通知") -> Path:
    path.write_text(f"{title}\n各科室：\n请于本周内清理仓库。\n某某办公室\n2021年3月2日\n",
                    encoding="utf-8")
    return path


def memory_cap(limit: int = GB):
    """preexec_fn: the process may map at most `limit` bytes (a whole read of a big file fails)."""
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


# a 1 GB cap, and numerical libraries kept to one thread (each thread reserves memory)
CAPPED = {"preexec_fn": memory_cap(),
          "env": {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}}


def titles(archive_dir: Path) -> list[str]:
    conn = sqlite3.connect(archive_dir / "catalog.sqlite")
    try:
        return [row[0] for row in conn.execute("SELECT title FROM records ORDER BY id")]
    finally:
        conn.close()


# -- 1. received folders and inputs


def test_link_out_of_a_received_folder_is_reported_and_skipped(tmp_path):
    folder = tmp_path / "收文"
    (folder / "子目录").mkdir(parents=True)
    notice(folder / "通知.txt")
    notice(folder / "子目录" / "第二份.txt", "关于报送材料的通知")
    secret = notice(tmp_path / "外面.txt", "外部文件不应归档")
    (folder / "口令.txt").symlink_to("/etc/passwd")
    (folder / "外面.txt").symlink_to(secret)
    (folder / "外目录").symlink_to(tmp_path, target_is_directory=True)
    (folder / "内部链接.txt").symlink_to(folder / "通知.txt")  # inside: skipped quietly
    archive = tmp_path / "arc"
    ran = gongwen("archive", "add", folder, "-A", archive, expect=1, timeout=TIMEOUT)
    for name in ("口令.txt", "外面.txt", "外目录"):
        line = next(l for l in ran.err.splitlines() if l.startswith(f"未归档 {folder / name}"))
        assert "符号链接指向文件夹以外" in line
    assert "内部链接" not in ran.text
    assert sorted(titles(archive)) == sorted(["关于清理仓库的通知", "关于报送材料的通知"])
    assert "新归档 2 份，已存在 0 份，失败 3 份" in ran.text


def test_a_link_named_on_the_command_line_archives_the_file_it_points_at(tmp_path):
    target = notice(tmp_path / "原件.txt")
    (tmp_path / "链接.txt").symlink_to(target)
    archive = tmp_path / "arc"
    ran = gongwen("archive", "add", tmp_path / "链接.txt", "-A", archive, expect=0)
    assert f"已归档 {target}" in ran.out
    assert titles(archive) == ["关于清理仓库的通知"]


def test_fifo_is_refused_at_once_named_or_in_a_folder(tmp_path):
    folder = tmp_path / "收文"
    folder.mkdir()
    notice(folder / "通知.txt")
    os.mkfifo(folder / "管道.txt")
    os.mkfifo(tmp_path / "另一个管道.pdf")
    archive = tmp_path / "arc"
    ran = gongwen("archive", "add", folder, tmp_path / "另一个管道.pdf", "-A", archive,
                  expect=1, timeout=TIMEOUT)
    for path in (folder / "管道.txt", tmp_path / "另一个管道.pdf"):
        assert f"未归档 {path}：不是普通文件（是命名管道（FIFO）），未读取" in ran.err
    assert titles(archive) == ["关于清理仓库的通知"]


@pytest.mark.parametrize("device, kind", [("/dev/zero", "字符设备"), ("/dev/null", "字符设备")])
def test_device_is_refused_at_once(tmp_path, device, kind):
    ran = gongwen("archive", "add", device, "-A", tmp_path / "arc", expect=1, timeout=TIMEOUT,
                  **CAPPED)
    assert f"未归档 {device}：不是普通文件（是{kind}），未读取" in ran.err


def test_fifo_is_refused_by_check_and_import(tmp_path):
    fifo = tmp_path / "管道.docx"
    os.mkfifo(fifo)
    ran = gongwen("check", fifo, expect=2, timeout=TIMEOUT)
    assert "命名管道" in ran.text
    ran = gongwen("import", fifo, "-o", tmp_path / "x.yaml", expect=2, timeout=TIMEOUT)
    assert "命名管道" in ran.text
    assert not (tmp_path / "x.yaml").exists()


def test_input_over_the_size_limit_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "巨大.txt"
    with open(big, "wb") as f:  # sparse: costs no disk, but reading it whole needs 1.5 GB
        f.truncate(3 * GB // 2)
    assert big.stat().st_size > MAX_INPUT_BYTES
    ran = gongwen("archive", "add", big, "-A", tmp_path / "arc", expect=1, timeout=TIMEOUT,
                  **CAPPED)
    assert f"未归档 {big}：文件大小 1.5 GB，超过单个文件 200 MB 的上限，未读取" in ran.err
    ran = gongwen("check", big, expect=2, timeout=TIMEOUT, **CAPPED)
    assert "超过单个文件 200 MB 的上限" in ran.text


def test_a_file_that_vanishes_after_the_walk_is_a_failure_of_that_file(tmp_path):
    folder = tmp_path / "收文"
    folder.mkdir()
    kept, gone = notice(folder / "a.txt"), notice(folder / "b.txt", "关于乙的通知")
    files, refused = collect_files((folder,))
    assert files == [kept, gone] and refused == []
    gone.unlink()
    with Archive(tmp_path / "arc") as archive:
        outcomes = [archive.add_received(path) for path in files]
    assert [o.status for o in outcomes] == ["added", "failed"]
    assert outcomes[1].message == "文件不存在（或已被移走、删除）"


def test_a_folder_that_cannot_be_walked_is_a_failure_of_that_folder(tmp_path):
    folder = tmp_path / "收文"
    folder.mkdir()
    notice(folder / "甲.txt")
    (folder / "坏目录").symlink_to(tmp_path / "不存在", target_is_directory=True)
    files, refused = collect_files((folder, tmp_path / "无此文件.pdf"))
    assert files == [folder / "甲.txt"]
    assert [(r.path, r.message) for r in refused] == [
        (str(folder / "坏目录"), f"符号链接指向文件夹以外（{tmp_path / '不存在'}），未跟随，未归档"),
        (str(tmp_path / "无此文件.pdf"), "文件不存在")]


# -- 2. DOCX: member sizes checked before anything is inflated


def plain_docx() -> bytes:
    import io

    import docx

    document = docx.Document()
    for line in ("关于开展消防检查的通知", "各科室：", "请于月底前完成消防检查。", "某某办公室"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_member(path: Path, name: str, size: int, chunk: bytes = bytes(1 << 22)) -> Path:
    """A valid DOCX whose member `name` is `size` bytes of zeros, written compressed a chunk
    at a time (never held in memory)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(plain_docx())) as base, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in base.infolist():
            if info.filename != name:
                out.writestr(info, base.read(info))
        with out.open(name, "w", force_zip64=True) as member:
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return path


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    """1.5 MB on disk; its docProps/app.xml inflates to 1.5 GB."""
    path = docx_with_member(tmp_path_factory.mktemp("bomb") / "炸弹.docx", "docProps/app.xml",
                            3 * GB // 2)
    assert path.stat().st_size < 2 * 1024 * 1024
    return path


BOMB_REFUSAL = ("DOCX 中的“docProps/app.xml”解压后 1.5 GB（压缩后 1.5 MB），"
                "超过每个部件 100 MB 的上限，未解压")


def test_zip_bomb_is_refused_by_archive_add_in_bounded_memory(tmp_path, zip_bomb):
    ran = gongwen("archive", "add", zip_bomb, "-A", tmp_path / "arc", expect=1, timeout=TIMEOUT,
                  **CAPPED)
    assert f"未归档 {zip_bomb}：{BOMB_REFUSAL}" in ran.err


def test_zip_bomb_is_refused_by_check_and_import(tmp_path, zip_bomb):
    ran = gongwen("check", zip_bomb, expect=2, timeout=TIMEOUT, **CAPPED)
    assert BOMB_REFUSAL in ran.text
    ran = gongwen("import", zip_bomb, "-o", tmp_path / "炸弹.yaml", expect=2, timeout=TIMEOUT,
                  **CAPPED)
    assert BOMB_REFUSAL in ran.text
    assert not (tmp_path / "炸弹.yaml").exists()


def test_docx_member_over_the_ratio_is_refused(tmp_path):
    from archive.extract import ExtractError, extract

    path = docx_with_member(tmp_path / "高压缩比.docx", "word/document.xml", 64 * 1024 * 1024)
    with pytest.raises(ExtractError, match=r"“word/document.xml”解压后 64 MB.*压缩比超过 100:1"):
        extract(path.name, path.read_bytes())


def test_docx_members_over_the_total_are_refused(tmp_path, monkeypatch):
    from archive import limits
    from archive.extract import ExtractError, extract

    data = plain_docx()
    extract("正常.docx", data)  # within every limit
    monkeypatch.setattr(limits, "MAX_DOCX_TOTAL_BYTES", 500_000)  # the template's parts: ~0.8 MB
    with pytest.raises(ExtractError, match=r"DOCX 解压后共 0\.8 MB，超过 0\.5 MB 的上限"):
        extract("正常.docx", data)


def docx_with_app_xml(path: Path, app_xml: bytes) -> Path:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(plain_docx())) as base, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in base.infolist():
            if info.filename != "docProps/app.xml":
                out.writestr(info, base.read(info))
        out.writestr("docProps/app.xml", app_xml, compress_type=zipfile.ZIP_STORED)
    return path


def test_app_xml_is_read_only_as_far_as_the_limit(tmp_path):
    from archive.extract import extract

    near = docx_with_app_xml(tmp_path / "近.docx", b"<Properties><Pages>7</Pages></Properties>")
    assert extract(near.name, near.read_bytes()).pages == 7
    # <Pages> after the first megabyte is never read
    far = docx_with_app_xml(tmp_path / "远.docx",
                            b"<Properties>" + b" " * (1024 * 1024) + b"<Pages>7</Pages>")
    assert extract(far.name, far.read_bytes()).pages is None


# -- 3. PDF: a page limit, a page at a time, encrypted files kept as they are

_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def _rc4(key: bytes, data: bytes) -> bytes:
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


class _Rc4Security:
    """The PDF standard security handler, revision 2 (40-bit RC4), as PDF 1.7 §7.6.3 says."""

    def __init__(self, user: bytes, owner: bytes, file_id: bytes, permissions: int = -44):
        import hashlib

        self.file_id, self.permissions = file_id, permissions
        self.owner_entry = _rc4(hashlib.md5((owner + _PAD)[:32]).digest()[:5], (user + _PAD)[:32])
        self.key = hashlib.md5((user + _PAD)[:32] + self.owner_entry
                               + permissions.to_bytes(4, "little", signed=True)
                               + file_id).digest()[:5]
        self.user_entry = _rc4(self.key, _PAD)

    def encrypt(self, number: int, data: bytes) -> bytes:
        import hashlib

        key = hashlib.md5(self.key + number.to_bytes(3, "little") + b"\0\0").digest()[:10]
        return _rc4(key, data)

    def dictionary(self) -> bytes:
        return (b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
                % (self.owner_entry.hex().encode(), self.user_entry.hex().encode(),
                   self.permissions))


def write_plain_pdf(path: Path, pages: int, password: bytes | None = None,
                    encode=None) -> Path:
    """A minimal PDF written by hand: `pages` A4 pages, each with one line of text; with a
    password, encrypted as Acrobat's "require a password to open" does; `encode` turns a
    page's content stream into (filter entries, stored bytes)."""
    file_id = bytes(range(16))
    security = _Rc4Security(password, b"owner-" + password, file_id) if password else None
    kids = " ".join(f"{4 + 2 * n} 0 R" for n in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for n in range(pages):
        number = 5 + 2 * n
        stream, entries = f"BT /F1 14 Tf 72 760 Td (Notice page {n + 1}) Tj ET".encode(), b""
        if encode:
            entries, stream = encode(stream)
        if security:
            stream = security.encrypt(number, stream)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % number)
        objects.append(b"<< /Length %d %s >>\nstream\n%s\nendstream"
                       % (len(stream), entries, stream))
    if security:
        objects.append(security.dictionary())
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    encrypt = b" /Encrypt %d 0 R" % len(objects) if security else b""
    out += (b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>]%s >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, file_id.hex().encode(), file_id.hex().encode(), encrypt, xref))
    path.write_bytes(bytes(out))
    return path


def test_the_hand_written_pdfs_read_as_written(tmp_path):
    import pdfplumber

    with pdfplumber.open(write_plain_pdf(tmp_path / "三页.pdf", 3)) as pdf:
        assert [p.extract_text() for p in pdf.pages] == [f"Notice page {n}" for n in (1, 2, 3)]
    # the encrypted one opens with its password, and only with it
    with pdfplumber.open(write_plain_pdf(tmp_path / "加密.pdf", 2, b"mima"), password="mima") as pdf:
        assert [p.extract_text() for p in pdf.pages] == ["Notice page 1", "Notice page 2"]


def test_pdf_over_the_page_limit_is_refused_with_the_limit_named(tmp_path):
    from archive.limits import MAX_PDF_PAGES

    assert MAX_PDF_PAGES == 1000
    big = write_plain_pdf(tmp_path / "超长.pdf", MAX_PDF_PAGES + 1)
    refusal = "PDF 超过 1000 页的上限，未读取"
    ran = gongwen("archive", "add", big, "-A", tmp_path / "arc", expect=1, timeout=TIMEOUT)
    assert f"未归档 {big}：{refusal}" in ran.err
    assert refusal in gongwen("check", big, expect=2, timeout=TIMEOUT).text
    assert refusal in gongwen("import", big, "-o", tmp_path / "x.yaml", expect=2,
                              timeout=TIMEOUT).text


def test_pdf_at_the_page_limit_is_archived_and_checked_in_bounded_memory(tmp_path):
    pdf = write_plain_pdf(tmp_path / "一千页.pdf", 1000)
    archive = tmp_path / "arc"
    ran = gongwen("archive", "add", pdf, "-A", archive, expect=0, timeout=600,
                  **CAPPED)
    assert "新归档 1 份" in ran.out
    shown = json.loads(gongwen("archive", "show", "1", "--json", "-A", archive, expect=0).out)
    assert shown["pages"] == 1000
    gongwen("check", pdf, timeout=600, **CAPPED)  # findings, not a refusal


def test_pages_are_released_as_they_are_read(tmp_path):
    from archive.extract import open_pdf

    data = write_plain_pdf(tmp_path / "五页.pdf", 5).read_bytes()
    seen = []
    with open_pdf(data) as pdf:
        assert pdf.count == 5
        for page in pdf.pages():
            assert page.extract_text() == f"Notice page {page.page_number}"
            assert hasattr(page, "_objects")  # parsed, held while this page is in use
            seen.append(page)
            assert all(not hasattr(p, "_objects") for p in seen[:-1])  # earlier ones flushed
    assert not hasattr(seen[-1], "_objects")


def flate_bomb(stream: bytes, size: int = 400 * 1024 * 1024) -> tuple[bytes, bytes]:
    """The page's text followed by `size` bytes of NUL (PDF white space), deflated a chunk
    at a time: about 0.4 MB that pdfminer would inflate whole."""
    import zlib

    deflater, chunk = zlib.compressobj(6), bytes(1 << 22)
    out = [deflater.compress(stream)]
    out += [deflater.compress(chunk) for _ in range(size // len(chunk))]
    return b"/Filter /FlateDecode", b"".join(out) + deflater.flush()


def test_pdf_flate_bomb_is_refused_in_bounded_memory(tmp_path):
    bomb = write_plain_pdf(tmp_path / "压缩炸弹.pdf", 1, encode=flate_bomb)
    assert bomb.stat().st_size < 1024 * 1024
    refusal = "PDF 中压缩的内容解压后超过 256 MB 的上限（疑为压缩炸弹），未读取"
    ran = gongwen("archive", "add", bomb, "-A", tmp_path / "arc", expect=1, timeout=TIMEOUT,
                  **CAPPED)
    assert f"未归档 {bomb}：{refusal}" in ran.err
    assert refusal in gongwen("check", bomb, expect=2, timeout=TIMEOUT,
                              **CAPPED).text


def test_flate_streams_damaged_or_not_are_read_as_pdfminer_reads_them(tmp_path):
    import zlib

    from archive.extract import extract

    def deflated(stream: bytes) -> tuple[bytes, bytes]:
        return b"/Filter /FlateDecode", zlib.compress(stream)

    def bad_checksum(stream: bytes) -> tuple[bytes, bytes]:
        data = bytearray(zlib.compress(stream))
        data[-1] ^= 0xFF
        return b"/Filter /FlateDecode", bytes(data)

    for encode in (deflated, bad_checksum):
        pdf = write_plain_pdf(tmp_path / f"{encode.__name__}.pdf", 2, encode=encode)
        assert extract(pdf.name, pdf.read_bytes()).text == "Notice page 1\nNotice page 2"


def test_encrypted_pdf_is_archived_as_it_is_with_a_note(tmp_path):
    locked = write_plain_pdf(tmp_path / "加密文件.pdf", 2, b"mima")
    archive = tmp_path / "arc"
    ran = gongwen("archive", "add", locked, "-A", archive, expect=0, timeout=TIMEOUT)
    assert f"注意 {locked}：PDF 已加密（需要密码才能打开）：原件照样归档，未提取文字" in ran.err
    assert "损坏" not in ran.text and "扫描件" not in ran.text
    shown = json.loads(gongwen("archive", "show", "1", "--json", "-A", archive, expect=0).out)
    stored = shown["files"][0]
    assert stored["name"] == "加密文件.pdf" and stored["size"] == locked.stat().st_size
    import hashlib

    assert stored["sha256"] == hashlib.sha256(locked.read_bytes()).hexdigest()
    ran = gongwen("check", locked, expect=2, timeout=TIMEOUT)
    assert "PDF 已加密，需要密码才能打开" in ran.text


# -- 4. export: names confined to the package, CSV cells inert, SHA256SUMS for every name


def test_org_with_path_parts_is_refused_at_input(tmp_path):
    report = notice(tmp_path / "报告.txt")
    (tmp_path / "报告.txt.yaml").write_text("机构: ../../..\n", encoding="utf-8")
    archive = tmp_path / "arc"
    ran = gongwen("archive", "add", report, "-A", archive, expect=1)
    assert ("机构（问题）代码只能由汉字、英文字母和数字组成（如 BGS、办公室），"
            "“../../..”中有 “.”、“/”") in ran.err
    ran = gongwen("archive", "add", report, "--org", "A/B", "-A", archive, expect=2)
    assert "“A/B”中有 “/”" in ran.err
    assert not (archive / "catalog.sqlite").exists() or titles(archive) == []
    (tmp_path / "报告.txt.yaml").unlink()
    gongwen("archive", "add", report, "--org", "BGS", "-A", archive, expect=0)
    ran = gongwen("archive", "edit", "1", "机构=办公室/..", "-A", archive, expect=2)
    assert "“办公室/..”中有 “/”、“.”" in ran.err


def archived(tmp_path: Path, names: list[str], *flags: str) -> Path:
    folder = tmp_path / "收文"
    folder.mkdir()
    for n, name in enumerate(names):
        notice(folder / name, f"关于第{n + 1}项工作的通知")
    archive = tmp_path / "arc"
    gongwen("archive", "add", folder, *flags, "-A", archive, expect=0)
    return archive


def package_files(package: Path) -> set[str]:
    return {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}


def test_export_stays_inside_the_package_whatever_the_catalog_says(tmp_path):
    archive = archived(tmp_path, ["甲.txt", "乙.txt"])
    conn = sqlite3.connect(archive / "catalog.sqlite")  # an archive from before the input check
    with conn:
        conn.execute("UPDATE records SET archival_code='../../../逃逸', org='../..' WHERE id=1")
        conn.execute("UPDATE files SET name='../../外面.txt' WHERE record_id=2")
    conn.close()
    package = tmp_path / "深" / "包"
    before = {p for p in tmp_path.rglob("*")}
    gongwen("archive", "export", package, "-A", archive, expect=0)
    made = {p for p in tmp_path.rglob("*")} - before
    assert all(p == package or p == package.parent or p.is_relative_to(package) for p in made)
    files = package_files(package)
    assert "files/.._.._.._逃逸/乙.txt" in files or "files/.._.._.._逃逸/甲.txt" in files
    assert any(f.endswith("/.._.._外面.txt") for f in files)
    assert gongwen_sha256sum(package).returncode == 0


def gongwen_sha256sum(package: Path):
    import subprocess

    return subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=package,
                          capture_output=True, text=True, timeout=TIMEOUT)


def test_sha256sum_checks_names_with_a_newline_or_backslash(tmp_path):
    names = ["换\n行.txt", "反\\斜杠.txt", "回\r车.txt", "普通.txt"]
    archive = archived(tmp_path, names)
    package = tmp_path / "包"
    gongwen("archive", "export", package, "-A", archive, expect=0)
    code = json.loads(gongwen("archive", "show", "1", "--json", "-A", archive).out)["archival_code"]
    assert (package / "files" / code).is_dir()
    assert {p.name for p in (package / "files").rglob("*.txt")} == set(names)
    sums = (package / "SHA256SUMS").read_text(encoding="utf-8")
    assert "\\n行.txt" in sums and "反\\\\斜杠.txt" in sums
    checked = gongwen_sha256sum(package)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == len(names) + 3


def test_csv_cells_that_would_be_formulas_are_quoted(tmp_path):
    import csv

    archive = archived(tmp_path, ["甲.txt"], "--title", "=HYPERLINK(\"http://x\")",
                       "--docno", "+86发〔2020〕1号", "--note", "@SUM(A1)", "--unit", "-某局")
    package = tmp_path / "包"
    gongwen("archive", "export", package, "-A", archive, expect=0)
    with open(package / "归档文件目录.csv", encoding="utf-8-sig", newline="") as f:
        row = next(csv.DictReader(f))
    assert row["题名"] == "'=HYPERLINK(\"http://x\")"
    assert (row["文号"], row["备注"], row["责任者"]) == ("'+86发〔2020〕1号", "'@SUM(A1)", "'-某局")
    assert row["档号"].startswith("Z001-")  # ordinary cells untouched
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["records"][0]["题名"] == "=HYPERLINK(\"http://x\")"  # JSON keeps the value


def _object_of(archive: Path, record_id: int) -> Path:
    sha = json.loads(gongwen("archive", "show", str(record_id), "--json", "-A", archive).out
                     )["files"][0]["sha256"]
    return archive / "objects" / sha[:2] / sha


@pytest.mark.parametrize("damage, said", [
    ("missing", "对象文件缺失"), ("link", "对象文件被替换为符号链接"), ("changed", "对象内容与登记的 SHA-256 不符")])
def test_a_bad_object_fails_the_export_and_leaves_nothing(tmp_path, damage, said):
    archive = archived(tmp_path, ["甲.txt", "乙.txt"])
    target = _object_of(archive, 2)
    target.parent.chmod(0o755)
    target.chmod(0o644)
    if damage == "missing":
        target.unlink()
    elif damage == "link":
        target.unlink()
        target.symlink_to(notice(tmp_path / "别的.txt"))
    else:
        target.write_bytes(target.read_bytes() + b"x")
    shown = json.loads(gongwen("archive", "show", "2", "--json", "-A", archive).out)
    code, name = shown["archival_code"], shown["files"][0]["name"]
    out = tmp_path / "导出"
    package = out / "包"
    ran = gongwen("archive", "export", package, "-A", archive, expect=1)
    assert f"记录 2（档号 {code}）的文件“{name}”无法导出：{said}" in ran.err
    assert "未写出归档包" in ran.err
    assert not out.exists()  # no package, no temporary folder, not even the parent it made


# -- 5. the readers on random and mutated files: only our errors, in bounded time and memory


def run_bounded(test, extra_memory: int = GB, seconds: float = 240) -> None:
    """Run `test` in a forked child that may map only `extra_memory` more than this process
    and must finish within `seconds`; fail with the child's traceback if it raised."""
    import multiprocessing
    import traceback

    with open("/proc/self/status") as f:
        mapped = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize:"))
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)

    def child() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (mapped + extra_memory, mapped + extra_memory))
        try:
            test()
            writer.send("")
        except BaseException:  # report everything, MemoryError included
            writer.send(traceback.format_exc())

    process = context.Process(target=child)
    process.start()
    process.join(seconds)
    if process.is_alive():
        process.kill()
        process.join()
        pytest.fail(f"the readers took over {seconds} s")
    outcome = reader.recv() if reader.poll() else f"the child died (exit {process.exitcode})"
    assert outcome == "", outcome


def read_every_way(folder: Path, name: str, data: bytes) -> None:
    """archive add's reader, the importer's, and check (which must always give a report)."""
    from archive.extract import extract
    from generator.check.run import check_file
    from generator.errors import GongwenError
    from generator.importer.paragraphs import read_paragraphs

    path = folder / name
    path.write_bytes(data)
    for read in (lambda: extract(name, data), lambda: read_paragraphs(path)):
        try:
            read()
        except GongwenError as exc:
            assert str(exc)  # a message to show
    report = check_file(path)
    assert report.unreadable or report.findings is not None


def mutated(seed: bytes):
    from hypothesis import strategies as st

    flips = st.lists(st.tuples(st.integers(0, len(seed) - 1), st.integers(1, 255)), max_size=12)
    cut = st.one_of(st.none(), st.integers(0, len(seed)))

    @st.composite
    def build(draw) -> bytes:
        data = bytearray(seed)
        for at, xor in draw(flips):
            data[at] ^= xor
        end = draw(cut)
        return bytes(data if end is None else data[:end])
    return build()


def fuzz(strategy, suffixes: tuple[str, ...], examples: int) -> None:
    import tempfile

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=strategy, suffix=st.sampled_from(suffixes))
    def readers_refuse_cleanly(data: bytes, suffix: str) -> None:
        with tempfile.TemporaryDirectory() as folder:
            read_every_way(Path(folder), "收文" + suffix, data)

    run_bounded(readers_refuse_cleanly)


def test_random_bytes_as_any_file_type():
    from hypothesis import strategies as st

    fuzz(st.binary(max_size=2048), (".docx", ".pdf", ".txt", ".md"), examples=80)


def test_mutated_docx():
    fuzz(mutated(plain_docx()), (".docx",), examples=40)


def test_mutated_pdf(tmp_path):
    fuzz(mutated(write_plain_pdf(tmp_path / "种子.pdf", 2).read_bytes()), (".pdf",), examples=80)


def test_mutated_weasyprint_pdf(tmp_path):
    from .received import write_pdf

    fuzz(mutated(write_pdf(tmp_path / "种子.pdf").read_bytes()), (".pdf",), examples=30)


def test_mutated_text():
    seed = "关于做好防汛工作的通知\n各村：\n一、加强值守。\n（责任领导：张某　责任人：李某）\n".encode("gbk")
    fuzz(mutated(seed), (".txt",), examples=60)


def test_an_excel_roster_that_would_inflate_far_is_refused_before_it_is_opened(tmp_path):
    import zipfile

    from generator.district.roster import read_rosters

    bomb = tmp_path / "花名册.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 << 20))  # 8 MB in a few KB
    rosters, problems = read_rosters(bomb)
    assert not rosters and len(problems) == 1
    assert "压缩比超过" in problems[0].message and "Excel 文件" in problems[0].message
