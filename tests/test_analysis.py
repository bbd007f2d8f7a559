"""The Chinese analysis: honest positions, phrase gaps, 繁/简 and full/half width folded."""
from __future__ import annotations

from search.analysis import JiebaTokenizer, pieces, terms
from search.normalize import Normalized, normalize, normalize_key


def texts(value: str) -> list[str]:
    return [t[0] for t in terms(value)]


def test_positions_are_word_ordinals_not_character_offsets():
    out = terms("成立疫情防控工作领导小组")
    assert [t[0] for t in out] == ["成立", "疫情", "防控", "工作", "领导", "小组"]
    assert [t[1] for t in out] == [0, 1, 2, 3, 4, 5]


def test_long_words_are_split_into_their_pieces():
    assert pieces("疫情防控") == ("疫情", "防控")
    assert pieces("返岗复工") == ("返岗", "复工")
    assert pieces("防控") == ("防控",)


def test_punctuation_breaks_a_phrase():
    (_, first, *_), (_, second, *_) = terms("疫情，防控")
    assert second - first == 2


def test_line_breaks_and_padding_inside_chinese_text_are_not_gaps():
    assert texts("疫情防\n控") == texts("疫情防控")
    assert texts("组　长：王某") == texts("组长：王某")


def test_traditional_and_full_width_fold_to_the_same_terms():
    assert texts("領導小組聯防聯控") == texts("领导小组联防联控")
    assert texts("ＡＢＣ１２３") == texts("abc123")
    assert normalize_key("安義縣 民政局") == "安义县民政局"


def test_character_spans_point_into_the_original_text():
    original = "各單位：\n　　做好聯防聯控工作"
    for term, _pos, start, end in terms(original):
        assert normalize(original[start:end]).text.replace(" ", "") == term


def test_whoosh_contract_positions_and_chars():
    tokens = [(t.text, t.pos, t.startchar, t.endchar)
              for t in JiebaTokenizer()("甲乙，疫情防控", positions=True, chars=True,
                                        start_pos=10, start_char=100)]
    assert tokens[-2:] == [("疫情", 12, 103, 105), ("防控", 13, 105, 107)]


def _raw_sample_texts() -> list[str]:
    from archive.from_spec import document_text
    from generator.build import build_document
    from generator.load import load_document

    from .conftest import FIXTURES, ROOT, SAMPLES
    from .received import NOTICE_LINES, REPORT_LINES

    plans = SAMPLES + sorted((ROOT / "samples" / "district" / "单位").glob("*.yaml"))
    texts = [document_text(build_document(load_document(p))) for p in plans]
    texts += [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").rglob("*.txt"))]
    texts += ["\n".join(NOTICE_LINES), "\n".join(REPORT_LINES)]
    return texts


def _sample_texts() -> list[str]:
    return [normalize(t).text for t in _raw_sample_texts()]


TRICKY = ["组　长：张三\n 李四", "ＡＢＣ１２３　全角", "㈠ 第一条 ℃ Ⅳ……", "  前后  ", "a \n b",
          "開發區 管理", "x\u00a0y 中\u3000\u3000文", "", "\n中", "中\u2028文", "Ⅱ级 响应"]


def _normalize_by_char(text: str) -> Normalized:
    """The normal form computed the slow, obvious way: the reference for `normalize`."""
    from search.normalize import _fold, to_simplified

    chars, origin = [], []
    for index, ch in enumerate(text):
        for out in _fold(ch):
            chars.append(out)
            origin.append(index)
    kept_chars, kept_origin = [], []
    i = 0
    while i < len(chars):
        if not chars[i].isspace():
            kept_chars.append(chars[i])
            kept_origin.append(origin[i])
            i += 1
            continue
        j = i
        while j < len(chars) and chars[j].isspace():
            j += 1
        before = kept_chars[-1] if kept_chars else ""
        after = chars[j] if j < len(chars) else ""
        if not (before and after and not before.isascii() and not after.isascii()):
            kept_chars.append(" ")
            kept_origin.append(origin[i])
        i = j
    joined = "".join(kept_chars)
    simplified = to_simplified(joined)
    if len(simplified) != len(joined):
        simplified = "".join(c2 if len(c2 := to_simplified(c)) == 1 else c for c in joined)
    return Normalized(simplified, tuple(kept_origin))


def test_fast_normalization_equals_the_character_by_character_reference():
    from search.normalize import normalize_text

    for text in _raw_sample_texts() + TRICKY:
        reference = _normalize_by_char(text)
        assert normalize(text) == reference, text[:40]
        assert normalize_text(text) == reference.text, text[:40]


def test_index_terms_are_the_highlighting_terms_without_offsets():
    from search.analysis import placed

    for text in _raw_sample_texts() + TRICKY:
        assert placed(text) == [(piece, pos) for piece, pos, _, _ in terms(text)]


def test_rjieba_cuts_the_test_texts_exactly_as_jieba_does():
    """rjieba stands in for jieba only because it gives the same words (accurate mode, no
    HMM, same dictionary plus ours) on these texts; if an upgrade changes that, this fails."""
    import jieba

    from search.analysis import DOMAIN_DICT, words

    reference = jieba.Tokenizer()
    reference.load_userdict(str(DOMAIN_DICT))
    texts = _sample_texts()
    assert sum(map(len, texts)) > 8_000
    for text in texts:
        assert words(text) == reference.lcut(text, HMM=False)


def test_punctuation_breaks_a_run_of_positions():
    from search.analysis import placed

    assert placed("成立领导小组") == [("成立", 0), ("领导", 1), ("小组", 2)]
    assert placed("疫情\n防控") == [("疫情", 0), ("防控", 1)]  # a line break is no punctuation
    # a comma leaves a gap, so the phrase 领导小组成员 is not in the first text
    assert placed("领导小组，小组成员") == [("领导", 0), ("小组", 1), ("小组", 3), ("成员", 4)]
    assert placed("领导小组成员") == [("领导", 0), ("小组", 1), ("成员", 2)]


def test_positions_pack_as_little_endian_gaps_and_come_back():
    import numpy as np

    from search.segments import PackedPositions, _gaps, pack_positions

    fmt = PackedPositions(field_boost=3.0)
    narrow = pack_positions([0, 3, 65_535])
    assert narrow == bytes([0, 0, 3, 0, 0xFC, 0xFF])  # 2-byte gaps
    wide = pack_positions([5, 70_000, 4_000_000_000])  # a gap of 69,995 needs 4 bytes
    assert len(wide) == 1 + 3 * 4
    for packed, positions in ((narrow, [0, 3, 65_535]), (wide, [5, 70_000, 4_000_000_000])):
        assert fmt.decode_positions(packed) == positions
        assert fmt.decode_frequency(packed) == 3 and fmt.decode_weight(packed) == 9.0
    # a block's values read at once, with and without a wide one among them
    for values in ([narrow, narrow], [narrow, wide]):
        counts, gaps = _gaps(b"".join(values), np.array([len(v) for v in values]))
        assert counts.tolist() == [3, 3]
        assert gaps.tolist() == [g for v in values for g in fmt.decode_positions(v) and
                                 np.diff([0] + fmt.decode_positions(v)).tolist()]
def test_piece_frequencies_are_cached_on_disk_and_a_bad_cache_is_rebuilt(tmp_path, monkeypatch):
    import search.analysis as analysis

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    short, total = analysis._short_frequencies()
    (cache,) = (tmp_path / "gongwen").glob("jieba-short-*.marshal")
    assert short["领导"] > 0 and total > 10_000_000
    cache.write_bytes(b"not marshal")
    assert analysis._short_frequencies() == (short, total)
    import marshal
    assert marshal.loads(cache.read_bytes()) == (short, total)  # mended
