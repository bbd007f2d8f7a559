"""The posting-list scorer gives exactly what Whoosh's own matchers give, on a real index."""
from __future__ import annotations

import numpy as np
import pytest

from archive.core import Archive
from search.index import sync
from search.query import ArchiveSearcher, for_ranking, parse
from search.ranking import Matches, Ranker
from search.segments import read_postings

# (no phrase ending in a one-character piece: those also match a longer piece, which
# Whoosh's phrase does not; see test_search.test_a_phrase_is_found_inside_a_longer_word)
TEXTS = ["消毒", "疫情 防控", '"领导小组"', '"领导小组下设办公"', "消毒 -食堂", "口罩 OR 台账",
         "物资 NOT 值班", '"健康 监测"~3', "集市", "不存在的词语甲乙"]


def whoosh_scores(searcher, q) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}


def assert_same_as_whoosh(session: ArchiveSearcher, kinds=("doc", "measure")):
    ranker = Ranker(session.searcher)
    checked = 0
    for text in TEXTS:
        for kind in kinds:
            q = for_ranking(parse(session.ix.schema, text, kind))
            mine = ranker.matches(q)
            theirs = whoosh_scores(session.searcher, q)
            assert mine.ids.tolist() == sorted(theirs), (text, kind)
            for doc, score in zip(mine.ids.tolist(), mine.scores.tolist()):
                assert score == pytest.approx(theirs[doc], rel=1e-12), (text, kind, doc)
            best = sorted(theirs.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
            assert [d for d, _ in mine.top(5)] == [d for d, _ in best], (text, kind)
            checked += len(mine)
    assert checked > 10  # the queries do find things


def test_scores_and_order_equal_whoosh(built_archive):
    with Archive(built_archive) as archive, ArchiveSearcher(archive) as session:
        assert_same_as_whoosh(session)


def test_deleted_documents_are_left_out_as_whoosh_leaves_them_out(archive_copy, monkeypatch):
    import search.index

    monkeypatch.setattr(search.index, "SMALL_SEGMENT", 0)  # no merge: deletions stay marked
    with Archive(archive_copy) as archive:
        with ArchiveSearcher(archive) as session:
            record_id = next(iter(session.record_ids("消毒")))
        archive.delete(record_id, "测试删除")
        sync(archive)
        with ArchiveSearcher(archive) as session:
            assert session.searcher.reader().has_deletions()
            assert record_id not in session.record_ids("消毒")
            assert_same_as_whoosh(session, kinds=("doc",))


def test_posting_blocks_read_whole_equal_the_postings_read_one_by_one(built_archive):
    with Archive(built_archive) as archive, ArchiveSearcher(archive) as session:
        schema = session.ix.schema
        for leaf, _ in session.searcher.reader().leaf_readers():
            for field, text in [("content", "消毒"), ("content", "领导"), ("title", "方案"),
                                ("kind", "doc")]:
                word = schema[field].to_bytes(text)
                ids, weights, counts, at = read_postings(leaf, field, word, positions=True)
                one_by_one = leaf.postings(field, word)
                expected, places = [], []
                while one_by_one.is_active():
                    expected.append((one_by_one.id(), one_by_one.weight()))
                    if one_by_one.supports("positions"):
                        places.append(one_by_one.value_as("positions"))
                    one_by_one.next()
                assert list(zip(ids.tolist(), weights.tolist())) == expected
                assert len(expected) > 0
                if field == "kind":
                    assert not len(at)
                    continue
                assert counts.tolist() == [len(p) for p in places]
                ends = np.cumsum(counts)
                assert [at[e - c:e].tolist() for c, e in zip(counts, ends)] == places


def test_top_breaks_ties_by_document_number_and_keeps_every_tie():
    found = Matches(np.array([1, 4, 7, 9]), np.array([2.0, 3.0, 2.0, 2.0]))
    assert found.top(2) == [(4, 3.0), (1, 2.0)]
    assert found.top(3) == [(4, 3.0), (1, 2.0), (7, 2.0)]
    assert found.top(10) == [(4, 3.0), (1, 2.0), (7, 2.0), (9, 2.0)]
    assert found.top(0) == []


def test_filters_as_masks_equal_whoosh_document_sets(built_archive):
    from search.query import Filters, filter_query

    filters = [Filters(type="通知"), Filters(unit="实验小学"), Filters(date_from="2020-01",
               date_to="2020-03"), Filters(current_only=True), Filters(date_from="2021"),
               Filters(type="方案", date_to="2020-02-15")]
    with Archive(built_archive) as archive, ArchiveSearcher(archive) as session:
        ranker = Ranker(session.searcher)
        sizes = set()
        for f in filters:
            q = filter_query(f)
            expected = set(session.searcher.docs_for_query(q))
            assert set(np.flatnonzero(ranker.mask(q)).tolist()) == expected, f
            sizes.add(len(expected))
        assert len(sizes) > 3  # the filters select different sets


def test_small_blocks_skipped_by_phrases_give_the_same_as_whoosh(archive_copy, monkeypatch):
    import search.segments
    from search.index import rebuild

    monkeypatch.setattr(search.segments, "BLOCK_POSTINGS", 3)  # many blocks per term
    with Archive(archive_copy) as archive:
        rebuild(archive)
        with ArchiveSearcher(archive) as session:
            leaf, _ = next(iter(session.searcher.reader().leaf_readers()))
            word = session.ix.schema["content"].to_bytes("工作")
            ids, _, counts, at = read_postings(leaf, "content", word, positions=True)
            assert len(ids) >= 6  # two blocks at least
            among = ids[:1]  # in the first block only
            some, _, some_counts, _ = read_postings(leaf, "content", word, True, among)
            assert set(among.tolist()) <= set(some.tolist()) and len(some) < len(ids)
            assert_same_as_whoosh(session)
