"""Page geometry, faces and sizes of GB/T 9704-2012: the one place both renderers read."""
from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0


def mm_to_pt(mm: float) -> float:
    return mm / MM_PER_INCH * PT_PER_INCH


def pt_to_twips(pt: float) -> int:
    return round(pt * 20)


def mm_to_twips(mm: float) -> int:
    return pt_to_twips(mm_to_pt(mm))


# Page (clause 5): A4, 天头 37 mm, 订口 28 mm, 版心 156 x 225 mm.
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0
MARGIN_BOTTOM_MM = 35.0
MARGIN_LEFT_MM = 28.0
MARGIN_RIGHT_MM = 26.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

# Font sizes (号 -> pt).
SIZE_PT = {
    "初号": 42.0, "小初": 36.0, "一号": 26.0, "小一": 24.0, "二号": 22.0, "小二": 18.0,
    "三号": 16.0, "小三": 15.0, "四号": 14.0, "小四": 12.0, "五号": 10.5,
}
BODY_SIZE_PT = SIZE_PT["三号"]
TITLE_SIZE_PT = SIZE_PT["二号"]
IMPRINT_SIZE_PT = SIZE_PT["四号"]  # 版记
PAGE_NUMBER_SIZE_PT = SIZE_PT["四号"]
MARK_MAX_SIZE_PT = SIZE_PT["小初"]  # 发文机关标志: common practice, shrunk to fit the width

# Grid: 22 lines fill the 225 mm block; 28 characters fill the 156 mm line.
# Line pitch is rounded down to whole twips so 22 lines never overflow the block.
LINE_PITCH_TWIPS = int(mm_to_pt(TEXT_HEIGHT_MM) * 20 / LINES_PER_PAGE)  # 579
LINE_PITCH_PT = LINE_PITCH_TWIPS / 20  # 28.95
CHAR_PITCH_PT = mm_to_pt(TEXT_WIDTH_MM) / CHARS_PER_LINE  # 15.79
# Word: w:docGrid/@w:charSpace = (pitch - Normal size) * 4096.
DOCX_CHAR_SPACE = round((CHAR_PITCH_PT - BODY_SIZE_PT) * 4096)
# DOCX run spacing (twentieths of a point) that keeps a 三号 glyph inside one grid cell:
# LibreOffice gives a glyph wider than the cell two cells. Word still fits 28 per line.
DOCX_RUN_SPACING_TWENTIETHS = -5
# CSS: letter-spacing so that 28 body characters fill the line (a hair under, never over).
CSS_LETTER_SPACING_PT = round(CHAR_PITCH_PT - BODY_SIZE_PT - 0.005, 3)

# Header (7.2): mark's top edge 35 mm below the text block's top; red line 4 mm below 发文字号.
MARK_TOP_MM = 35.0
# A line of exact height set to the font size puts the 小标宋 glyph 2.5 mm above the
# line's top at 36 pt in LibreOffice 7.4 (exact lines are filled from the descent up); the
# DOCX lowers the mark's run (w:position) by this much of its size, which measured brings
# its top edge back to 35 mm below the text block's top, as in our PDF.
DOCX_MARK_DROP_EM = 0.167
RED_LINE_GAP_MM = 4.0
RED_LINE_WIDTH_MM = 0.5  # not fixed by the standard; common practice
RED = "FF0000"  # the standard's Y80% M80% printed red; screen red on output

# 信函格式 (10.1): the mark's top edge 30 mm below the page's top edge; a red double line
# (thick over thin) 4 mm below the mark and another (thin over thick) 20 mm above the page's
# bottom edge, both 170 mm long and centred (on the text block, as the mark); 份号 … and 发文字号 under the first, 7/8 of a 3号
# character's height below it. The lines' weights are not fixed by the standard (common
# practice): 1 mm and 0.35 mm, 0.5 mm apart.
LETTER_MARK_TOP_MM = 30.0  # from the page's top edge
LETTER_RULE_GAP_MM = 4.0
LETTER_RULE_BOTTOM_MM = 20.0  # the second line's bottom edge above the page's bottom edge
LETTER_RULE_LENGTH_MM = 170.0
LETTER_RULE_THICK_MM = 1.0
LETTER_RULE_THIN_MM = 0.35
LETTER_RULE_SPACE_MM = 0.5
LETTER_RULE_HEIGHT_MM = LETTER_RULE_THICK_MM + LETTER_RULE_SPACE_MM + LETTER_RULE_THIN_MM
LETTER_TEXT_GAP_MM = BODY_SIZE_PT * 7 / 8 / PT_PER_INCH * MM_PER_INCH  # 7/8 of 3号: 4.94 mm
# centred as the mark is, on the text block (which stands 1 mm right of the page's middle)
LETTER_RULE_LEFT_MM = MARGIN_LEFT_MM + (TEXT_WIDTH_MM - LETTER_RULE_LENGTH_MM) / 2


def letter_rule_top_mm(mark_size_pt: float) -> float:
    """The first double line's top edge, from the page's top edge: 4 mm below the mark."""
    return LETTER_MARK_TOP_MM + mark_size_pt / PT_PER_INCH * MM_PER_INCH + LETTER_RULE_GAP_MM


def letter_second_rule_top_mm() -> float:
    return PAGE_HEIGHT_MM - LETTER_RULE_BOTTOM_MM - LETTER_RULE_HEIGHT_MM


def letter_text_top_mm(mark_size_pt: float) -> float:
    """Top of the first line under the first double line (份号 … and 发文字号)."""
    return letter_rule_top_mm(mark_size_pt) + LETTER_RULE_HEIGHT_MM + LETTER_TEXT_GAP_MM


# 命令（令）格式 (10.2): the mark's top edge 20 mm below the text block's top; 令号 two lines
# below it, the body two lines below the 令号. The closing (7.3.5.3): 签名章 (or the name)
# four characters in from the right, the post two characters left of it, the date four in.
ORDER_MARK_TOP_MM = 20.0
ORDER_SIGN_RIGHT_CHARS = 4.0
ORDER_POST_GAP_CHARS = 2.0
ORDER_DATE_RIGHT_CHARS = 4.0

# 纪要格式 (10.3): "出席：" two characters in, 黑体; wrapped lines under the first name.
ATTENDANCE_LEFT_CHARS = 2.0

# 版记 rules (7.4): first and last 0.35 mm, between 0.25 mm.
IMPRINT_THICK_MM = 0.35
IMPRINT_THIN_MM = 0.25

# Page numbers (7.5): 一字线 top 7 mm below the text block, one character in from the edge.
PAGE_NUMBER_GAP_MM = 7.0


@dataclass(frozen=True)
class Face:
    """A typeface role: the name documents carry (Word/WPS) and the free face behind it."""

    standard: str  # the name written into DOCX and CSS, resolved by fontconfig
    free: str  # the free face fontconfig maps it to (templates/fonts/65-gongwen.conf)
    bold: bool = False


FANGSONG = Face("仿宋_GB2312", "FandolFang")
KAITI = Face("楷体_GB2312", "FandolKai")
HEITI = Face("黑体", "FandolHei")
SONGTI = Face("宋体", "FandolSong")
XIAOBIAOSONG = Face("方正小标宋简体", "FandolSong", bold=True)

BODY_FACE = FANGSONG
TITLE_FACE = XIAOBIAOSONG
MARK_FACE = XIAOBIAOSONG
PAGE_NUMBER_FACE = SONGTI
ATTACHMENT_LABEL_FACE = HEITI
ATTENDANCE_LABEL_FACE = HEITI  # 纪要's 出席：, 请假：, 列席： (10.3)
# Heading levels 一、 （一） 1. （1）
HEADING_FACES = {1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}


# Tables (GB/T 9704 section 8 sets only the landscape page; the rest is common practice):
# 四号 (one size below the body) 仿宋 cells, 黑体 header cells, 0.5 pt black rules, the title
# centred above in 3号黑体.
TABLE_FACE = FANGSONG
TABLE_HEADER_FACE = HEITI
TABLE_TITLE_FACE = HEITI
TABLE_SIZE_PT = SIZE_PT["四号"]
TABLE_LINE_PT = 21.0  # exact line height of cell text (1.5 x 四号)
TABLE_RULE_PT = 0.5
TABLE_CELL_PAD_MM = 1.9  # left and right, inside each cell: Word's 108 twips (Table Grid)
TABLE_CELL_PAD_V_MM = 0.0  # above and below, as Word
# A landscape A4 table page (section 8): the sheet turned a quarter, so the text block is
# the same 225 x 156 mm rectangle; its top is the portrait page's 订口 side.
LANDSCAPE_MARGIN_TOP_MM = MARGIN_LEFT_MM
LANDSCAPE_MARGIN_BOTTOM_MM = MARGIN_RIGHT_MM
LANDSCAPE_MARGIN_LEFT_MM = MARGIN_BOTTOM_MM
LANDSCAPE_MARGIN_RIGHT_MM = MARGIN_TOP_MM


def text_width_chars(text: str) -> float:
    """Width of text in body-character units: ASCII (half-width) counts one half."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


@dataclass(frozen=True)
class SignatureIndents:
    """Right indents, in characters, of the 署名 and 成文日期 lines (7.3.5.2, no seal)."""

    organ: float
    date: float


def signature_indents(organ: str, date_text: str) -> SignatureIndents:
    """署名 two characters in from the right; the date's first character two to the right
    of the name's. A date longer than the name sits two in and pushes the name left."""
    organ_w, date_w = text_width_chars(organ), text_width_chars(date_text)
    if date_w > organ_w:
        date_right = 2.0
        organ_right = date_right + date_w + 2.0 - organ_w
    else:
        organ_right = 2.0
        date_right = organ_right + organ_w - 2.0 - date_w
    return SignatureIndents(organ=organ_right, date=date_right)


def mark_size_pt(mark: str) -> float:
    """发文机关标志 size: 小初 unless the text would not fit on one line of the block."""
    width_at_1pt = text_width_chars(mark)
    fit = mm_to_pt(TEXT_WIDTH_MM) / width_at_1pt if width_at_1pt else MARK_MAX_SIZE_PT
    return min(MARK_MAX_SIZE_PT, int(fit * 2) / 2)
