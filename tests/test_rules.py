"""The rules that live in one place each: numbering, dates, signature placement."""
from __future__ import annotations

import datetime as dt

import pytest

from generator import layout as L
from generator.dates import format_date, parse_date
from generator.numbering import attachment_label, chinese_numeral, marker, parse_numeral


@pytest.mark.parametrize("n,text", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"),
                                    (100, "一百"), (101, "一百零一"), (112, "一百一十二"),
                                    (250, "二百五十")])
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text
    assert parse_numeral(text) == n


def test_markers_by_level():
    assert [marker(level, 3) for level in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]
    assert marker(5, 2) == "（2）"  # deeper levels keep the fourth form


def test_dates():
    assert format_date(dt.date(2020, 2, 9)) == "2020年2月9日"
    assert parse_date("2020-02-19") == parse_date("2020年2月19日") == dt.date(2020, 2, 19)
    with pytest.raises(ValueError, match="不是有效日期"):
        parse_date("2020-02-30")
    with pytest.raises(ValueError, match="日期应写作"):
        parse_date("2020.2.19")


def test_attachment_labels():
    assert attachment_label(1, 1) == "附件"
    assert attachment_label(2, 3) == "附件2"


def test_signature_indents():
    # date (6.5 chars) longer than the name (4): date two in, name's start two left of it
    short = L.signature_indents("某某单位", "2020年2月19日")
    assert short.date == 2.0 and short.organ == 2.0 + 6.5 + 2.0 - 4.0
    # name longer than the date: name two in, date starts two characters right of it
    long = L.signature_indents("青山县第二实验小学", "2020年2月21日")
    assert long.organ == 2.0 and long.date == 2.0 + 9.0 - 2.0 - 6.5


def test_grid_figures():
    assert L.LINE_PITCH_TWIPS == 579
    assert 28 * (L.BODY_SIZE_PT + L.CSS_LETTER_SPACING_PT) <= L.mm_to_pt(L.TEXT_WIDTH_MM)
    assert 29 * (L.BODY_SIZE_PT + L.CSS_LETTER_SPACING_PT) > L.mm_to_pt(L.TEXT_WIDTH_MM)
    run = L.BODY_SIZE_PT + L.DOCX_RUN_SPACING_TWENTIETHS / 20
    assert 28 * run <= L.mm_to_pt(L.TEXT_WIDTH_MM) < 29 * run
