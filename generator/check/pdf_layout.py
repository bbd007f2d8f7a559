"""Layout of a PDF as printed: page size, the text block's edges, faces and sizes of the
characters, the line and character grid, page numbers, the red header, the 版记, and
whether every font is embedded. Lines are numbered per page as the importer numbers them."""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from archive.pdftext import text_lines

from .. import layout as L
from ..importer.document import Imported
from ..importer.markers import Form, read_marker

from .faces import face_name, face_of
from .findings import Finding, Location, finding

MM_PER_PT = 25.4 / 72
LEFT = L.MARGIN_LEFT_MM
RIGHT = L.PAGE_WIDTH_MM - L.MARGIN_RIGHT_MM
TOP = L.MARGIN_TOP_MM
BOTTOM = L.PAGE_HEIGHT_MM - L.MARGIN_BOTTOM_MM
PITCH_MM = L.LINE_PITCH_PT * MM_PER_PT  # 22 lines fill the block
_CHAR_KEYS = ("text", "size", "x1", "fontname", "non_stroking_color")  # what the rules read
_HANGING = set("，。、；：？！”’）》〕】")
_HEADING_FACES = {Form.CN: L.HEADING_FACES[1], Form.CN_PAREN: L.HEADING_FACES[2]}


@dataclass
class Line:
    page: int
    number: int
    text: str
    x0: float  # mm from the left edge
    x1: float
    top: float  # mm from the top edge
    bottom: float
    chars: list[dict]
    in_table: bool = False  # inside a ruled table: its cells are not body text
    turned: bool = False  # set a quarter turn, read top to bottom (a landscape page's number)

    @property
    def size(self) -> float:
        sizes = [round(c["size"], 1) for c in self.chars if c["text"].strip()]
        return max(set(sizes), key=sizes.count) if sizes else 0.0

    @property
    def core_x1(self) -> float:
        """Right edge without punctuation hanging past the block."""
        kept = [c for c in self.chars if c["text"].strip() and c["text"] not in _HANGING]
        return max(c["x1"] for c in kept) * MM_PER_PT if kept else self.x1

    def faces(self, start: int = 0, end: int | None = None) -> Counter:
        chars = [c for c in self.chars if c["text"].strip()][start:end]
        return Counter(face_of(c["fontname"]) for c in chars if "\u4e00" <= c["text"] <= "\u9fff")


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    red_rules: list[float]  # top and bottom edges (mm) of red shapes at least 100 mm wide

    @property
    def landscape(self) -> bool:
        """A landscape A4 table page (GB/T 9704 section 8), its block the portrait one turned."""
        return self.width > self.height

    @property
    def bottom(self) -> float:
        """The text block's bottom edge (mm from the top)."""
        return self.height - L.LANDSCAPE_MARGIN_BOTTOM_MM if self.landscape else BOTTOM

    @property
    def edges(self) -> tuple[float, float]:
        """The text block's left and right edges (mm from the left)."""
        if self.landscape:
            return L.LANDSCAPE_MARGIN_LEFT_MM, self.width - L.LANDSCAPE_MARGIN_RIGHT_MM
        return LEFT, RIGHT

    def footer(self) -> Line | None:
        """The page number's line: below the block, or on a landscape page turned with the
        sheet in the left margin (the upright sheet's foot)."""
        if self.landscape:
            side = [line for line in self.lines if self._in_side_margin(line)]
            if side:
                return side[-1]
        below = [line for line in self.lines if line.top > self.bottom + 2]
        return below[-1] if below else None

    def _in_side_margin(self, line: Line) -> bool:
        return line.turned and line.x1 < L.LANDSCAPE_MARGIN_LEFT_MM - 2

    def text_lines(self) -> list[Line]:
        return [line for line in self.lines if line.top <= self.bottom + 2
                and not (self.landscape and self._in_side_margin(line))]

    def body_lines(self) -> list[Line]:
        """The text block's lines outside tables."""
        return [line for line in self.text_lines() if not line.in_table]


def read_pages(path: Path) -> tuple[list[Page], dict[str, bool]]:
    """Every page's lines and red rules, and the fonts, a page at a time (the input limits
    and the page limit of archive.extract.open_pdf apply)."""
    from archive.extract import ExtractError, damaged
    from archive.inputs import read_input

    data = read_input(path)
    try:
        return _read_pages(data)
    except ExtractError:
        raise
    except Exception as exc:  # pdfminer raises anything on damaged files
        raise damaged(exc) from exc


def _read_pages(data: bytes) -> tuple[list[Page], dict[str, bool]]:
    from archive.extract import open_pdf

    pages, fonts = [], {}
    with open_pdf(data) as pdf:
        for number, page in enumerate(pdf.pages(), start=1):
            lines = [Line(number, n, line["text"], line["x0"] * MM_PER_PT, line["x1"] * MM_PER_PT,
                          line["top"] * MM_PER_PT, line["bottom"] * MM_PER_PT,
                          [{key: c.get(key) for key in _CHAR_KEYS} for c in line["chars"]],
                          turned=line["turned"])
                     for n, line in enumerate(text_lines(page), start=1)]
            _mark_tables(lines, page)
            # a CSS border is filled as a frame, so either edge may be the rule that shows
            # (a filled rectangle Word or LibreOffice draws, a 信函's double line, is a curve)
            rules = [shape[edge] * MM_PER_PT for shape in page.rects + page.lines + page.curves
                     for edge in ("top", "bottom")
                     if (shape["x1"] - shape["x0"]) * MM_PER_PT >= 100
                     and (_is_red(shape.get("non_stroking_color")) or _is_red(shape.get("stroking_color")))]
            pages.append(Page(number, float(page.width) * MM_PER_PT, float(page.height) * MM_PER_PT,
                              lines, rules))
            fonts |= page_fonts(page)
    return pages, fonts


def _mark_tables(lines: list[Line], page) -> None:
    """Mark the lines inside the tables pdfplumber finds from the page's rules."""
    boxes = [[v * MM_PER_PT for v in table.bbox] for table in page.find_tables()]
    for line in lines:
        middle = (line.top + line.bottom) / 2
        line.in_table = any(x0 - 1 <= line.x0 and line.x1 <= x1 + 1 and top <= middle <= bottom
                            for x0, top, x1, bottom in boxes)


def _is_red(colour) -> bool:
    if not isinstance(colour, (tuple, list)):
        return False
    if len(colour) == 3:
        r, g, b = colour
        return r >= 0.7 and g <= 0.35 and b <= 0.35
    if len(colour) == 4:
        c, m, y, k = colour
        return c <= 0.2 and m >= 0.6 and y >= 0.6 and k <= 0.2
    return False


def embedded_fonts(pdf) -> dict[str, bool]:
    """Base font name -> whether its font program is in the file."""
    found: dict[str, bool] = {}
    for page in pdf.pages:
        found |= page_fonts(page)
    return found


def page_fonts(page) -> dict[str, bool]:
    """The fonts of one page's resources: base font name -> whether it is embedded."""
    from pdfminer.pdftypes import resolve1

    found: dict[str, bool] = {}
    resources = resolve1(page.page_obj.resources) or {}
    for ref in (resolve1(resources.get("Font")) or {}).values():
        font = resolve1(ref)
        if not isinstance(font, dict):  # a damaged font entry: no font to report
            continue
        name = str(resolve1(font.get("BaseFont"))).strip("/'")
        if font.get("Subtype") and str(font.get("Subtype")).strip("/'") == "Type3":
            found[name] = True  # drawn with PDF operators: nothing to embed
            continue
        descriptor = None
        for child in resolve1(font.get("DescendantFonts")) or [font]:
            descriptor = resolve1(resolve1(child).get("FontDescriptor"))
        found[name] = bool(descriptor) and any(
            k in descriptor for k in ("FontFile", "FontFile2", "FontFile3"))
    return found


def check_pdf_layout(path: Path, display: str, imported: Imported) -> list[Finding]:
    pages, fonts = read_pages(path)
    if not any(page.lines for page in pages):
        return []  # a scan: no text to measure
    out = _page_size(pages, display)
    body_size = _body_size(pages)
    body = [line for page in pages if not page.landscape
            for line in page.body_lines() if abs(line.size - body_size) < 0.3]
    out += _margins(pages, body, display)
    out += _fonts(pages, body, body_size, imported, display)
    out += _grid(body, display)
    letter = _is_letter(pages, imported)
    out += _page_numbers(pages, display, letter)
    out += _letterhead(pages, imported, display) if letter else _red_header(pages, imported, display)
    out += _imprint(pages, imported, display)
    missing = sorted(name.split("+")[-1] for name, embedded in fonts.items() if not embedded)
    if missing:
        out.append(finding("font-embedded", Location(display), f"未嵌入的字体：{'、'.join(missing)}",
                           "导出 PDF 时选择嵌入全部字体，否则换一台电脑会显示为别的字体"))
    return out


def _page_size(pages: list[Page], display: str) -> list[Finding]:
    """A4 upright; a landscape A4 page (a wide table's, section 8) too."""
    wrong = [p for p in pages if not _is_a4(p.width, p.height) and not _is_a4(p.height, p.width)]
    if not wrong:
        return []
    first = wrong[0]
    return [finding("page-size", Location(display, page=first.number),
                    f"纸张为 {first.width:.0f} × {first.height:.0f} mm（共{len(wrong)}页）",
                    "改为 A4 纵向（210 × 297 mm）")]


def _is_a4(width: float, height: float) -> bool:
    return abs(width - L.PAGE_WIDTH_MM) <= 1 and abs(height - L.PAGE_HEIGHT_MM) <= 1


def _body_size(pages: list[Page]) -> float:
    sizes = Counter(round(c["size"], 1) for p in pages for line in p.body_lines()
                    for c in line.chars if c["text"].strip())
    return sizes.most_common(1)[0][0] if sizes else L.BODY_SIZE_PT


def _margins(pages: list[Page], body: list[Line], display: str) -> list[Finding]:
    if len(body) < 3:
        return []
    problems = []
    left = min(line.x0 for line in body)
    if abs(left - LEFT) > 1:
        problems.append(f"左 {left:.1f} mm（应为 {LEFT:g}）")
    wide = [line for line in body if line.x1 - left > 120]
    if len(wide) >= 5:
        right = max(line.core_x1 for line in wide)
        if abs(right - RIGHT) > 1.2:
            problems.append(f"右 {L.PAGE_WIDTH_MM - right:.1f} mm（应为 {L.MARGIN_RIGHT_MM:g}）")
    tops = [p.text_lines()[0].top for p in pages[1:] if p.text_lines() and not p.landscape]
    if tops:
        top = statistics.median(tops)
        if top < TOP - 1 or top > TOP + 8:
            problems.append(f"上 约{top:.0f} mm（应为 {TOP:g}）")
    low = max((line.bottom for line in body), default=0)
    if low > BOTTOM + 1:
        problems.append(f"下 约{L.PAGE_HEIGHT_MM - low:.0f} mm（应为 {L.MARGIN_BOTTOM_MM:g}）")
    if not problems:
        return []
    return [finding("page-margin", Location(display), "版心位置不符：" + "，".join(problems),
                    "天头37 mm、订口28 mm，版心156 × 225 mm（下35、右26 mm）")]


def _fonts(pages: list[Page], body: list[Line], body_size: float, imported: Imported,
           display: str) -> list[Finding]:
    out = []
    if abs(body_size - L.BODY_SIZE_PT) > 0.3:
        out.append(finding("body-font", Location(display),
                           f"正文字号为 {body_size:g}pt", "改为三号（16pt）"))
    faces: Counter = Counter()
    first_at: dict = {}
    headings: dict[tuple, list[Line]] = defaultdict(list)
    for line in body:
        marker = read_marker(line.text.strip())
        if marker and marker.form in _HEADING_FACES and line.x0 > LEFT + 3:
            face = line.faces(0, 4).most_common(1)
            if face and face[0][0] is not None:
                headings[(marker.form, face[0][0])].append(line)
            stop = line.text.find("。")
            counted = line.faces(stop + 1) if stop > 0 else Counter()
        else:
            counted = line.faces()
        faces += counted
        for face in counted:
            first_at.setdefault(face, line)
    total = sum(faces.values())
    if total and faces[L.FANGSONG] + faces[L.KAITI] < total * 0.5:
        face, _ = faces.most_common(1)[0]
        line = first_at[face]
        out.append(finding("body-font", Location(display, page=line.page, line=line.number),
                           f"正文主要用{face_name(face)}", "改用仿宋"))
    for (form, face), lines in headings.items():
        wanted = _HEADING_FACES[form]
        if face is not wanted:
            out.append(finding("heading-font", Location(display, page=lines[0].page, line=lines[0].number),
                               f"“{form.sample}”级标题用了{face_name(face)}（共{len(lines)}处）",
                               f"改用{face_name(wanted)}"))
    out += _title_font(pages, imported, display)
    return out


def _line_at(pages: list[Page], paragraph) -> Line | None:
    """The line an importer paragraph starts on (both number lines per page alike)."""
    return next((x for x in pages[paragraph.page - 1].lines if x.number == paragraph.line), None)


def _title_font(pages: list[Page], imported: Imported, display: str) -> list[Finding]:
    at = imported.found_at.get("标题")
    if at is None or at.page is None:
        return []
    line = _line_at(pages, at)
    if line is None:
        return []
    face = line.faces().most_common(1)
    face = face[0][0] if face else None
    if face is L.XIAOBIAOSONG and abs(line.size - L.TITLE_SIZE_PT) < 0.3:
        return []
    return [finding("title-font", Location(display, page=line.page, line=line.number),
                    f"标题为{face_name(face)} {line.size:g}pt", "改为二号（22pt）小标宋")]


def _grid(body: list[Line], display: str) -> list[Finding]:
    out = []
    gaps = [round(b.top - a.top, 1) for a, b in zip(body, body[1:])
            if a.page == b.page and 0 < b.top - a.top < 2.5 * PITCH_MM]
    if len(gaps) >= 5:
        gap = Counter(gaps).most_common(1)[0][0]
        if abs(gap - PITCH_MM) > 0.25:
            out.append(finding("grid-lines", Location(display),
                               f"行距约 {gap:.1f} mm，每页约{int(225 / gap)}行",
                               f"行距 {PITCH_MM:.2f} mm（{L.LINE_PITCH_PT:g}pt），每页22行"))
    left = min((line.x0 for line in body), default=LEFT)
    # a line that starts at the margin and wraps into another is full, however it is justified
    full = [a for a, b in zip(body, body[1:]) if a.page == b.page and abs(a.x0 - left) < 1
            and abs(b.x0 - left) < 1 and 0 < b.top - a.top < 2 * PITCH_MM and not a.text.isascii()]
    if len(full) >= 3:
        counts = Counter(_cells(line) for line in full)
        common = counts.most_common(1)[0][0]
        if common != L.CHARS_PER_LINE:
            out.append(finding("grid-chars", Location(display),
                               f"满行多为{common}字", "每行28字（字距约 15.79pt）"))
    return out


def _cells(line: Line) -> int:
    """Grid cells a full line takes: CJK characters count one, Latin and digits half."""
    chars = [c for c in line.chars if c["text"].strip()]
    if chars and chars[-1]["text"] in _HANGING and chars[-1]["x1"] * MM_PER_PT > RIGHT + 0.5:
        chars = chars[:-1]  # punctuation hung past the edge takes no cell
    # a glyph may stand for several characters (a ligature, a damaged ToUnicode map)
    return round(sum(1.0 if ord(ch) >= 0x2E80 else 0.5 for c in chars for ch in c["text"]))


def _page_numbers(pages: list[Page], display: str, letter: bool = False) -> list[Finding]:
    """`letter`: the 信函格式, whose first page shows no number (GB/T 9704 10.1)."""
    one_char = L.PAGE_NUMBER_SIZE_PT * MM_PER_PT
    missing, wrong = [], []
    out = []
    for page in pages:
        footer = page.footer()
        if letter and page.number == 1:
            if footer is not None:
                out.append(finding("page-number", Location(display, page=1),
                                   "信函格式首页不显示页码（GB/T 9704—2012 10.1）", "删去首页页码"))
            continue
        if footer is None:
            last_imprint = page is pages[-1] and any(
                line.text.startswith(("抄送", "抄 送")) or line.text.endswith("印发") for line in page.lines)
            if not last_imprint:
                missing.append(page.number)
            continue
        problems = []
        if footer.text.replace(" ", "") not in (f"—{page.number}—", f"－{page.number}－"):
            problems.append(f"写作“{footer.text}”")
        if abs(footer.size - L.PAGE_NUMBER_SIZE_PT) > 0.5:
            problems.append(f"字号 {footer.size:g}pt")
        if footer.turned:  # a landscape page's: the upright sheet's right is this page's bottom
            if page.number % 2 and abs(footer.bottom - (page.bottom - one_char)) > 2:
                problems.append("横排表格页的单页页码应在版心下端之上空一字（竖放时居右空一字）")
            if not page.number % 2 and abs(footer.top - (L.LANDSCAPE_MARGIN_TOP_MM + one_char)) > 2:
                problems.append("横排表格页的双页页码应在版心上端之下空一字（竖放时居左空一字）")
        else:
            left, right = page.edges
            if page.number % 2 and abs(footer.x1 - (right - one_char)) > 2:
                problems.append("单页页码应居右空一字")
            if not page.number % 2 and abs(footer.x0 - (left + one_char)) > 2:
                problems.append("双页页码应居左空一字")
        if problems:
            wrong.append((page, problems))
    if missing:
        out.append(finding("page-number", Location(display, page=missing[0]),
                           f"第{'、'.join(map(str, missing[:5]))}页没有页码" + ("等" if len(missing) > 5 else ""),
                           "页码用四号半角宋体“— 1 —”，置于版心下边缘之下"))
    if wrong:
        page, problems = wrong[0]
        out.append(finding("page-number", Location(display, page=page.number),
                           f"页码{'，'.join(problems)}（共{len(wrong)}页有此类问题）",
                           "四号半角宋体“— 1 —”，单页居右空一字，双页居左空一字"))
    return out


def _red_header(pages: list[Page], imported: Imported, display: str) -> list[Finding]:
    found = imported.found_at
    out = []
    mark = found.get("发文机关标志")
    if mark is not None and mark.page:
        line = _line_at(pages, mark)
        if line is not None and not all(_is_red(c.get("non_stroking_color"))
                                        for c in line.chars if c["text"].strip()):
            out.append(finding("red-header", Location(display, page=line.page, line=line.number),
                               "发文机关标志不是红色", "发文机关标志用红色小标宋"))
    number = found.get("发文字号")
    if number is not None and number.page:
        line = _line_at(pages, number)
        below = [top for top in pages[number.page - 1].red_rules
                 if line is not None and line.bottom - 1 < top < line.bottom + 15]
        if line is not None and not below:
            out.append(finding("red-header", Location(display, page=line.page, line=line.number),
                               "发文字号下没有红色分隔线", "在发文字号之下4 mm处加与版心等宽的红色分隔线"))
    return out


def _is_letter(pages: list[Page], imported: Imported) -> bool:
    """The 信函格式 (10.1): a 发文机关标志 above the text block, where a letterhead stands, with
    a red line under it (or in a 函)."""
    mark = imported.found_at.get("发文机关标志")
    line = _line_at(pages, mark) if mark is not None and mark.page == 1 else None
    if line is None or line.top >= TOP - 2:
        return False
    ruled = any(line.bottom < y < line.bottom + 15 for y in pages[0].red_rules)
    return ruled or imported.fields.get("文种") == "函"


def _letterhead(pages: list[Page], imported: Imported, display: str) -> list[Finding]:
    """A red double line under the letter's mark and one under the text block (10.1)."""
    first = pages[0]
    mark = _line_at(pages, imported.found_at["发文机关标志"])
    out = []
    if not _is_red_line(mark):
        out.append(finding("red-header", Location(display, page=1, line=mark.number),
                           "发文机关标志不是红色", "发文机关标志用红色小标宋"))
    under = [line for line in first.lines if line.top > mark.bottom + 1]
    upper = [y for y in first.red_rules if mark.bottom < y < (under[0].top if under else BOTTOM)]
    lower = [y for y in first.red_rules if y > BOTTOM]
    if not upper or not lower:
        where = "发文机关标志下" if not upper else "页面下端"
        out.append(finding("letter-rules", Location(display, page=1, line=mark.number),
                           f"信函格式{where}没有红色双线",
                           "发文机关标志下4 mm和距页面下边缘20 mm处各印一条长170 mm的红色双线"))
    elif abs(min(upper) - mark.bottom - L.LETTER_RULE_GAP_MM) > 2 or \
            abs(max(lower) - (L.PAGE_HEIGHT_MM - L.LETTER_RULE_BOTTOM_MM)) > 2:
        out.append(finding("letter-rules", Location(display, page=1, line=mark.number),
                           f"红色双线位置不符：标志下 {min(upper) - mark.bottom:.1f} mm，"
                           f"距页面下边缘 {L.PAGE_HEIGHT_MM - max(lower):.1f} mm",
                           "第一条双线在发文机关标志下4 mm，第二条距页面下边缘20 mm"))
    return out


def _is_red_line(line: Line) -> bool:
    return all(_is_red(c.get("non_stroking_color")) for c in line.chars if c["text"].strip())


def _imprint(pages: list[Page], imported: Imported, display: str) -> list[Finding]:
    """版记 on the last page, its last line at the foot of the text block, in 四号."""
    found = [imported.found_at[k] for k in ("抄送", "印发机关") if k in imported.found_at]
    lines = [_line_at(pages, p) for p in found if p.page]
    lines = [line for line in lines if line is not None]
    if not lines:
        return []
    out = []
    last = max(lines, key=lambda x: (x.page, x.top))
    if last.page != len(pages) or last.bottom < BOTTOM - 2 * PITCH_MM:
        out.append(finding("imprint-position", Location(display, page=last.page, line=last.number),
                           "版记不在最后一页的最下端", "版记置于最后一页版心的最下端"))
    sizes = sorted({line.size for line in lines if abs(line.size - L.IMPRINT_SIZE_PT) > 0.3})
    if sizes:
        out.append(finding("imprint-position", Location(display, page=lines[0].page, line=lines[0].number),
                           f"版记字号为 {'、'.join(f'{s:g}pt' for s in sizes)}", "版记用四号（14pt）仿宋"))
    return out
