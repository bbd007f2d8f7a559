"""The Chinese analysis: honest positions, phrase gaps, 繁/简 and full/half width folded."""
from __future__ import annotations

from search.analysis import JiebaTokenizer, pieces, terms
from search.normalize import normalize, normalize_key


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
