"""The fast paths of search: an open searcher with cached filters, phrases from positions,
an index written by parallel workers, and an index built by other analysis."""
from __future__ import annotations

import pytest
from whoosh import query

import search.index as search_index
from archive.core import Archive
from search.index import IndexUnavailable, index_dir, open_index, rebuild, sync
from search.query import ArchiveSearcher, Filters, for_ranking, parse, search, who

from .received import write_docx

QUERIES = [("消毒", Filters()), ('"领导小组下设办公室"', Filters()), ("疫情 防控", Filters()),
           ("疫情", Filters(type="通知")), ("工作", Filters(date_from="2020-01", date_to="2020-03")),
           ("防控", Filters(unit="实验小学"))]


def summary(results):
    return results.total, [(h.record_id, round(h.score, 4), h.snippet) for h in results.hits]


def test_an_open_searcher_answers_as_single_searches_do(archive_copy):
    with Archive(archive_copy) as archive:
        with ArchiveSearcher(archive) as session:
            for text, filters in QUERIES:
                assert summary(session.search(text, filters)) == summary(
                    search(archive, text, filters))
            assert session.who("消毒") == who(archive, "消毒")
            assert session.allowed(Filters(type="通知")) is session.allowed(Filters(type="通知"))
            assert session.allowed(Filters()) is None


def test_an_open_searcher_sees_what_is_archived_after_it_opened(archive_copy, tmp_path):
    report = write_docx(tmp_path / "关于冷链食品排查情况的报告.docx",
                        ["关于冷链食品排查情况的报告", "本周共排查冷链仓库十二处。"])
    with Archive(archive_copy) as archive:
        with ArchiveSearcher(archive) as session:
            assert session.search("冷链仓库").total == 0
            cached = session.allowed(Filters(type="报告"))
            archive.add_received(report)
            sync(archive)  # the commit merges the small segments the session has open
            assert session.search("冷链仓库").total == 1
            assert session.allowed(Filters(type="报告")) is not cached
            assert summary(session.search("消毒")) == summary(search(archive, "消毒"))
            rebuild(archive)  # a new index folder
            assert summary(session.search("消毒")) == summary(search(archive, "消毒"))


def test_phrases_are_checked_over_the_positions_of_their_pieces(archive_copy, tmp_path):
    with Archive(archive_copy) as archive:
        schema = open_index(archive).schema
    long = for_ranking(parse(schema, '"领导小组下设办公室"'))
    phrases = [q for q in long.leaves() if isinstance(q, query.Phrase)]
    assert {q.fieldname for q in phrases} == {"title", "content"}
    assert all(q.words == ["领导", "小组", "下设", "办公", "室"] for q in phrases)
    assert set(for_ranking(parse(schema, '"防控"')).leaves()) == {
        query.Term("title", "防控"), query.Term("content", "防控")}

    split = write_docx(tmp_path / "关于调整成员的通知.docx",
                       ["关于调整成员的通知", "经研究，调整领导小组，小组成员名单附后。"])
    joined = write_docx(tmp_path / "关于增补成员的通知.docx",
                        ["关于增补成员的通知", "经研究，增补领导小组成员二名。"])
    with Archive(archive_copy) as archive:
        added = {archive.add_received(path).record_id: path for path in (split, joined)}
        sync(archive)
        with ArchiveSearcher(archive) as session:
            found = session.record_ids('"领导小组成员"')
    assert {added[rid].name for rid in found & set(added)} == {joined.name}


def test_parallel_writers_index_the_same_as_one(archive_copy, monkeypatch):
    with Archive(archive_copy) as archive:
        ix = open_index(archive)
        few = search_index._writer(ix, 10)
        assert type(few).__name__ == "SegmentWriter"
        few.cancel()
        many = search_index._writer(ix, 10_000)
        assert type(many).__name__ == ("MpWriter" if search_index.os.cpu_count() > 1
                                       else "SegmentWriter")
        many.cancel()
        # (compared with a fresh build: a merged segment's length statistics are rounded)
        monkeypatch.setattr(search_index, "PARALLEL_FROM", 10**9)
        rebuild(archive)
        one = [summary(search(archive, t, f)) for t, f in QUERIES]
        monkeypatch.setattr(search_index, "PARALLEL_FROM", 1)
        monkeypatch.setattr(search_index, "REBUILD_RECORDS", 3)  # several commits,
        monkeypatch.setattr(search_index, "SMALL_SEGMENT", 0)  # each its own segments
        rebuild(archive)
        assert len(open_index(archive).reader().leaf_readers()) > 1
        assert [summary(search(archive, t, f)) for t, f in QUERIES] == one


def test_small_segments_are_folded_into_the_next_commit_large_ones_kept(archive_copy,
                                                                        monkeypatch):
    with Archive(archive_copy) as archive:
        monkeypatch.setattr(search_index, "PARALLEL_FROM", 10**9)
        monkeypatch.setattr(search_index, "REBUILD_RECORDS", 2)
        monkeypatch.setattr(search_index, "SMALL_SEGMENT", 1)  # none is small: all stay
        rebuild(archive)
        before = len(open_index(archive).reader().leaf_readers())
        assert before > 2
        archive.add_received(write_docx(archive_copy.parent / "关于补充物资的通知.docx",
                                        ["关于补充物资的通知", "请各单位补充口罩。"]))
        sync(archive)
        assert len(open_index(archive).reader().leaf_readers()) == before + 1
        monkeypatch.setattr(search_index, "SMALL_SEGMENT", 1000)
        archive.add_received(write_docx(archive_copy.parent / "关于清点物资的通知.docx",
                                        ["关于清点物资的通知", "请各单位清点口罩。"]))
        sync(archive)
        assert open_index(archive).reader().is_atomic()  # all folded into one
        assert search(archive, "口罩").total > 0


def test_no_more_than_max_segments_stay_after_a_commit(archive_copy, monkeypatch):
    with Archive(archive_copy) as archive:
        monkeypatch.setattr(search_index, "PARALLEL_FROM", 10**9)
        monkeypatch.setattr(search_index, "REBUILD_RECORDS", 2)
        monkeypatch.setattr(search_index, "SMALL_SEGMENT", 1)
        rebuild(archive)
        before = len(open_index(archive).reader().leaf_readers())
        expected = summary(search(archive, "口罩"))
        monkeypatch.setattr(search_index, "MAX_SEGMENTS", before - 2)
        archive.add_received(write_docx(archive_copy.parent / "关于清洗物资的通知.docx",
                                        ["关于清洗物资的通知", "请各单位清洗水壶。"]))
        sync(archive)
        assert len(open_index(archive).reader().leaf_readers()) == before - 2
        assert search(archive, "水壶").total == 1
        assert summary(search(archive, "口罩"))[0] == expected[0]


def test_an_index_built_by_other_analysis_is_refused_then_rebuilt_by_the_next_write(
        archive_copy):
    with Archive(archive_copy) as archive:
        with archive.catalog.transaction() as conn:
            archive.catalog.set_meta(conn, "index_format", "gongwen-1/jieba-0.42/schema-1")
        old = index_dir(archive)
        with pytest.raises(IndexUnavailable, match="另一版本的分词规则"):
            search(archive, "消毒")
        result = sync(archive)
        assert result.indexed == len(archive.catalog.records())
        assert index_dir(archive) != old and not old.exists()
        assert search(archive, "消毒").total > 0
