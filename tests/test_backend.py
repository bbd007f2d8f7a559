"""The search backend interface: Whoosh satisfies it, and behaves through it on a real
archive in tmp_path (add, search, who, delete, rebuild, verify)."""
from __future__ import annotations

from pathlib import Path

import pytest

from archive.core import Archive, ArchiveError
from archive.verify import Finding
from search.backend import SearchBackend, WhooshBackend, backend_for
from search.index import Synced, index_dir
from search.query import Filters, Hit, MeasureHit, Results

from .conftest import run_cli

# our own texts: two notices with one measure each, and a report
TEXTS = {
    "东湖区卫生健康局关于开展夏季灭蚊行动的通知.txt": (
        "东湖区卫生健康局关于开展夏季灭蚊行动的通知\n各街道：\n"
        "一、清理积水容器。各社区对楼道、绿地和地下车库逐一排查，倾倒积水。\n"
        "（责任领导：周明远　责任人：郑晓岚）\n东湖区卫生健康局\n2021年6月1日\n"),
    "西山镇人民政府关于做好防汛准备工作的通知.txt": (
        "西山镇人民政府关于做好防汛准备工作的通知\n各村委会：\n"
        "一、检查排水沟渠。各村对排水沟渠逐段清淤，汛前完成积水点整改。\n"
        "（责任领导：孙立新　责任人：郑晓岚）\n西山镇人民政府\n2022年5月10日\n"),
    "南湾街道办事处关于垃圾分类工作的报告.txt": (
        "南湾街道办事处关于垃圾分类工作的报告\n区人民政府：\n"
        "今年以来，街道在各小区设置分类投放点四十处，居民参与率明显提高。\n"
        "特此报告。\n南湾街道办事处\n2022年7月8日\n"),
}


@pytest.fixture
def archive(tmp_path) -> Archive:
    with Archive(tmp_path / "arc") as opened:
        for name, text in TEXTS.items():
            path = tmp_path / name
            path.write_text(text, encoding="utf-8")
            assert opened.add_received(path).status == "added"
        yield opened


def by_title(archive: Archive, fragment: str) -> int:
    (record,) = [r for r in archive.catalog.records() if fragment in r.metadata.title]
    return record.id


def found(backend: SearchBackend, text: str, **filters) -> set[int]:
    return {hit.record_id for hit in backend.search(text, Filters(**filters), per_page=100).hits}


def test_whoosh_backend_satisfies_the_protocol(archive):
    backend = backend_for(archive)
    assert isinstance(backend, WhooshBackend)
    assert isinstance(backend, SearchBackend)
    assert not isinstance(object(), SearchBackend)
    backend.close()


def test_index_search_who_through_the_backend(archive):
    mosquito = by_title(archive, "灭蚊")
    flood = by_title(archive, "防汛")
    with backend_for(archive) as backend:
        assert backend.index() == Synced(3, 0)
        assert backend.index() == Synced(0, 0)  # nothing pending
        results = backend.search("积水", facets=True)
        assert isinstance(results, Results)
        assert {h.record_id for h in results.hits} == {mosquito, flood}
        assert all(isinstance(h, Hit) and "积水" in h.snippet.replace("\x02", "")
                   .replace("\x03", "") for h in results.hits)
        assert results.facets["文种"] == {"通知": 2}
        assert found(backend, '"积水容器"') == {mosquito}
        assert found(backend, "积水", date_from="2022") == {flood}
        assert found(backend, "积水", unit="西山镇") == {flood}
        paged = backend.search("", per_page=2, page=2)
        assert (paged.total, paged.pages, len(paged.hits)) == (3, 2, 1)
        hits = backend.who("积水", Filters(person="周明远"))
        assert all(isinstance(h, MeasureHit) for h in hits)
        assert [(h.leaders, [s.record_id for s in h.sources]) for h in hits] == [
            (("周明远",), [mosquito])]
        assert backend.verify() == []


def test_delete_takes_deleted_records_out_and_refuses_live_ones(archive):
    mosquito = by_title(archive, "灭蚊")
    flood = by_title(archive, "防汛")
    with backend_for(archive) as backend:
        backend.index()
        assert found(backend, "积水") == {mosquito, flood}
        with pytest.raises(ArchiveError, match="仍是在档记录"):
            backend.delete([flood])
        archive.delete(mosquito, "测试删除")
        pending = backend.verify()  # deleted in the catalog, still in the index
        assert pending and all(isinstance(f, Finding) for f in pending)
        assert {(f.kind, f.subject) for f in pending} == {("index", f"记录 {mosquito}")}
        assert backend.delete([mosquito]) == Synced(0, 1)
        assert found(backend, "积水") == {flood}  # the open searcher sees the change
        assert backend.verify() == []


def test_rebuild_switches_to_a_new_index_and_verify_sees_a_missing_one(archive):
    with backend_for(archive) as backend:
        backend.index()
        first = index_dir(archive)
        assert backend.rebuild() == Synced(3, 0)
        assert index_dir(archive) != first and not first.exists()
        assert len(found(backend, "")) == 3  # reopened on the new folder
        assert backend.verify() == []
        for path in sorted(index_dir(archive).iterdir()):
            path.unlink()
        (finding,) = backend.verify()
        assert (finding.kind, finding.subject) == ("index", "检索索引")
        assert "gongwen index rebuild" in finding.message


def test_cli_commands_go_through_the_backend(archive):
    root: Path = archive.root
    run_cli("index", "rebuild", "-A", root)
    assert "共 2 条" in run_cli("search", "积水", "-A", root).output
    assert "周明远" in run_cli("who", "积水容器", "-A", root).output
    assert "档案库完好" in run_cli("archive", "verify", "-A", root).output
