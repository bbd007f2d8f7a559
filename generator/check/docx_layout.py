"""Layout of a DOCX as Word will lay it out: page and margins from the section, faces and
sizes resolved through run, character style, paragraph style and document defaults, the
line and character grid, footers with page numbers, the red header and the 版记."""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from archive.extract import body_paragraphs, paragraph_text

from .. import layout as L
from ..importer.document import Imported
from ..importer.markers import Form, read_marker
from .faces import face_name, face_of
from .findings import Finding, Location, finding

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TWIPS_PER_MM = 1440 / 25.4
_TOLERANCE_TWIPS = 1.0 * _TWIPS_PER_MM  # GB/T 9704 allows ± 1 mm
_CJK_LINE_HEIGHT = 1.3  # single spacing of 仿宋 and the like, in ems (measured in Word: ~1.3)
_HEADING_FACES = {Form.CN: L.HEADING_FACES[1], Form.CN_PAREN: L.HEADING_FACES[2]}


def _w(name: str) -> str:
    return _W + name


class Styles:
    """Run properties as Word resolves them: run, character style, paragraph style chain,
    document defaults."""

    def __init__(self, document):
        root = document.styles.element
        self.by_id = {s.get(_w("styleId")): s for s in root.iter(_w("style"))}
        self.default_para = next((s.get(_w("styleId")) for s in root.iter(_w("style"))
                                  if s.get(_w("type")) == "paragraph" and s.get(_w("default")) == "1"), None)
        defaults = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        self.defaults = defaults
        self.default_ppr = root.find(f"{_w('docDefaults')}/{_w('pPrDefault')}/{_w('pPr')}")

    def _chain(self, style_id: str | None):
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            based = style.find(_w("basedOn"))
            style_id = based.get(_w("val")) if based is not None else None

    def run_property(self, p, r, tag: str, attr: str) -> str | None:
        """An attribute of a run property (rFonts@eastAsia, sz@val, color@val …)."""
        for rpr in self._rprs(p, r):
            node = rpr.find(_w(tag)) if rpr is not None else None
            if node is not None and node.get(_w(attr)) is not None:
                return node.get(_w(attr))
            if node is not None and tag == "rFonts" and node.get(_w(attr + "Theme")) is not None:
                return "theme"
        return None

    def paragraph_property(self, p, path: list[str], attr: str) -> str | None:
        """An attribute of a paragraph property (spacing@line, jc@val …) through its styles."""
        chain = [p.find(_w("pPr"))] + [s.find(_w("pPr")) for s in self._chain(self.pstyle(p))]
        for ppr in chain + [self.default_ppr]:
            node = ppr
            for part in path:
                node = node.find(_w(part)) if node is not None else None
            if node is not None and node.get(_w(attr)) is not None:
                return node.get(_w(attr))
        return None

    def pstyle(self, p) -> str | None:
        node = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        return node.get(_w("val")) if node is not None else self.default_para

    def _rprs(self, p, r):
        yield r.find(_w("rPr"))
        rstyle = r.find(f"{_w('rPr')}/{_w('rStyle')}")
        if rstyle is not None:
            for style in self._chain(rstyle.get(_w("val"))):
                yield style.find(_w("rPr"))
        for style in self._chain(self.pstyle(p)):
            yield style.find(_w("rPr"))
        yield self.defaults


def check_docx_layout(path: Path, display: str, imported: Imported) -> list[Finding]:
    import docx

    document = docx.Document(str(path))
    styles = Styles(document)
    paragraphs = list(enumerate(body_paragraphs(document), start=1))
    out = _page(document, display)
    out += _fonts(paragraphs, styles, imported, display)
    out += _grid(document, paragraphs, styles, display)
    out += _page_numbers(document, styles, display)
    out += _red_header(paragraphs, styles, imported, display)
    out += _imprint(paragraphs, styles, imported, display)
    return out


# -- page

def _page(document, display: str) -> list[Finding]:
    out = []
    for n, section in enumerate(document.sections, start=1):
        at = Location(display)
        where = f"第{n}节" if len(document.sections) > 1 else ""
        width, height = section.page_width, section.page_height
        w, h = (width.twips if width else 0), (height.twips if height else 0)
        # a landscape A4 section (a wide table's, GB/T 9704 section 8): the block turned
        landscape = _a4(h, w) and not _a4(w, h)
        if width is None or height is None or not (_a4(w, h) or landscape):
            size = f"{_mm(width)} × {_mm(height)} mm" if width and height else "未设置"
            out.append(finding("page-size", at, f"{where}纸张为 {size}", "改为 A4 纵向（210 × 297 mm）"))
        margins = ((L.LANDSCAPE_MARGIN_TOP_MM, L.LANDSCAPE_MARGIN_BOTTOM_MM, L.LANDSCAPE_MARGIN_LEFT_MM,
                    L.LANDSCAPE_MARGIN_RIGHT_MM) if landscape else
                   (L.MARGIN_TOP_MM, L.MARGIN_BOTTOM_MM, L.MARGIN_LEFT_MM, L.MARGIN_RIGHT_MM))
        wanted = {side: (have, mm) for side, have, mm in zip(
            "上下左右", (section.top_margin, section.bottom_margin, section.left_margin,
                       section.right_margin), margins)}
        wrong = [f"{side} {_mm(have)} mm（应为 {mm:g}）" for side, (have, mm) in wanted.items()
                 if have is None or not _near(have.twips, L.mm_to_twips(mm))]
        if wrong:
            out.append(finding("page-margin", at, f"{where}页边距：{'，'.join(wrong)}",
                               "天头37 mm、订口28 mm，版心156 × 225 mm（下35、右26 mm）"))
    return out


def _a4(width_twips: float, height_twips: float) -> bool:
    return (_near(width_twips, L.mm_to_twips(L.PAGE_WIDTH_MM))
            and _near(height_twips, L.mm_to_twips(L.PAGE_HEIGHT_MM)))


def _near(twips: float, wanted: float) -> bool:
    return abs(twips - wanted) <= _TOLERANCE_TWIPS


def _mm(length) -> str:
    return f"{length.mm:.1f}" if length is not None else "—"


# -- faces and sizes

def _roles(imported: Imported) -> dict[int, str]:
    """Paragraph number -> role, for paragraphs whose face is not the body's."""
    roles: dict[int, str] = {}
    found = imported.found_at
    for key, role in (("发文机关标志", "mark"), ("密级", "head"), ("紧急程度", "head"),
                      ("发文字号", "number"), ("抄送", "imprint"), ("印发机关", "imprint"),
                      ("出席", "attendance"), ("请假", "attendance"), ("列席", "attendance")):
        if key in found:
            roles[found[key].line] = role
    if "标题" in found:
        first = found["标题"].line
        lines = imported.fields["标题"].count("\n") + 1
        roles |= {first + k: "title" for k in range(lines)}
    return roles


def _fonts(paragraphs, styles: Styles, imported: Imported, display: str) -> list[Finding]:
    roles = _roles(imported)
    body: dict[tuple, list[int]] = defaultdict(list)  # (face, size) -> paragraph numbers
    headings: dict[tuple, list[int]] = defaultdict(list)
    titles: dict[tuple, list[int]] = defaultdict(list)
    unset: list[int] = []
    for number, p in paragraphs:
        text = paragraph_text(p).strip()
        if (not _has_cjk(text) or roles.get(number) in ("mark", "imprint", "head") or _in_table(p)
                or _table_title(p)):
            continue
        runs = [(r, _run_text(r)) for r in p.iter(_w("r"))]
        runs = [(r, t) for r, t in runs if _has_cjk(t)]
        unset += [number for r, _ in runs[:1]
                  if styles.run_property(p, r, "rFonts", "eastAsia") in (None, "theme")]
        sizes = [_size(styles, p, r) for r, _ in runs]
        if roles.get(number) == "title" or max(sizes, default=0) >= 18:  # an attachment's too
            r = runs[0][0]
            titles[(_face(styles, p, r), max(sizes))].append(number)
            continue
        marker = read_marker(text)
        heading_end = _heading_end(text, marker)
        # a 纪要's "出席：" is 黑体 (GB/T 9704 10.3); the names after it are body text
        label_end = text.find("：") + 1 if roles.get(number) == "attendance" else 0
        offset = 0
        for r, t in runs:
            face, size = _face(styles, p, r), _size(styles, p, r)
            if offset < label_end:
                pass
            elif marker and marker.form in _HEADING_FACES and offset < heading_end:
                headings[(marker.form, face)].append(number)
            elif not text.startswith("附件") and roles.get(number) != "number":
                body[(face, size)].append(number)
            offset += len(t)
    out = _body_findings(body, display)
    for (form, face), numbers in headings.items():
        wanted = _HEADING_FACES[form]
        if face is not wanted and face is not None:
            out.append(finding("heading-font", Location(display, paragraph=numbers[0]),
                               f"“{form.sample}”级标题用了{face_name(face)}（共{len(set(numbers))}段）",
                               f"改用{face_name(wanted)}"))
    for (face, size), numbers in titles.items():
        if face is not L.XIAOBIAOSONG or abs(size - L.TITLE_SIZE_PT) > 0.25:
            out.append(finding("title-font", Location(display, paragraph=numbers[0]),
                               f"标题为{face_name(face)} {size:g}pt", "改为二号（22pt）小标宋"))
    if unset:
        out.append(finding("font-east-asian", Location(display, paragraph=unset[0]),
                           f"{len(unset)}段的中文字体未指定（w:eastAsia），Word 将按主题字体显示",
                           "为正文样式设置中文字体（仿宋_GB2312）"))
    return out


def _body_findings(body: dict[tuple, list[int]], display: str) -> list[Finding]:
    out = []
    for (face, size), numbers in sorted(body.items(), key=lambda item: min(item[1])):
        if face in (L.FANGSONG, None) and abs(size - L.BODY_SIZE_PT) <= 0.25:
            continue
        if face is L.KAITI and abs(size - L.BODY_SIZE_PT) <= 0.25:
            continue  # 签发人 names and the like are set in 楷体 by design
        numbers = sorted(set(numbers))
        out.append(finding("body-font", Location(display, paragraph=numbers[0]),
                           f"正文用了{face_name(face)} {size:g}pt（共{len(numbers)}段）",
                           "改为三号（16pt）仿宋"))
    return out


def _heading_end(text: str, marker) -> int:
    """Where a heading ends: its "。" for a run-in heading, else the paragraph's end."""
    if marker is None:
        return 0
    stop = text.find("。")
    return stop + 1 if stop > 0 else len(text)


def _face(styles: Styles, p, r):
    bold = styles.run_property(p, r, "b", "val")
    return face_of(styles.run_property(p, r, "rFonts", "eastAsia"),
                   bold=bold not in (None, "0", "false"))


def _size(styles: Styles, p, r) -> float:
    value = styles.run_property(p, r, "sz", "val")
    return int(value) / 2 if value else 10.0  # Word's built-in default is 10 pt


def _run_text(r) -> str:
    return "".join(t.text or "" for t in r.iter(_w("t")))


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _table_title(p) -> bool:
    """A paragraph right above a table: its title, in whatever face the unit uses."""
    after = p.getnext()
    return after is not None and after.tag == _w("tbl")


def _in_table(p) -> bool:
    return any(a.tag == _w("tc") for a in p.iterancestors())


# -- grid: 22 lines of 28 characters

def _grid(document, paragraphs, styles: Styles, display: str) -> list[Finding]:
    section = document.sections[-1]
    if None in (section.page_height, section.page_width, section.top_margin, section.bottom_margin,
                section.left_margin, section.right_margin):
        return []
    height = section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
    width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    grid = section._sectPr.find(_w("docGrid"))
    grid_type = grid.get(_w("type")) if grid is not None else None
    body = [p for _, p in paragraphs if _has_cjk(paragraph_text(p)) and not _in_table(p)]
    if not body:
        return []
    p = _typical(body, styles)
    out = []
    pitch = _line_pitch(styles, p, grid, grid_type)
    if pitch:
        lines = int(height / pitch + 0.02)
        if lines != L.LINES_PER_PAGE:
            out.append(finding("grid-lines", Location(display),
                               f"行距约 {pitch / 20:.1f}pt，每页约{lines}行",
                               f"行距设为固定值 {L.LINE_PITCH_PT:g}pt，或文档网格每页22行"))
    char_pitch = _char_pitch(styles, p, grid, grid_type)
    chars = int(width / char_pitch + 0.02)
    if chars != L.CHARS_PER_LINE:
        out.append(finding("grid-chars", Location(display),
                           f"每行约{chars}字（字距 {char_pitch / 20:.2f}pt）",
                           "文档网格设为每行28字，或字符间距紧缩约0.25pt"))
    return out


def _typical(body: list, styles: Styles):
    """A paragraph in the style most body paragraphs have; titles and marks (set larger than
    the body) are not body paragraphs, however many lines a title has."""
    def size(p) -> float:
        r = p.find(f".//{_w('r')}")
        return _size(styles, p, r) if r is not None else L.BODY_SIZE_PT

    body = [p for p in body if size(p) < L.TITLE_SIZE_PT] or body
    style_of = [styles.pstyle(p) for p in body]
    common = Counter(style_of).most_common(1)[0][0]
    return body[style_of.index(common)]


def _line_pitch(styles: Styles, p, grid, grid_type) -> float | None:
    """Twips from one body line to the next."""
    line = styles.paragraph_property(p, ["spacing"], "line")
    rule = styles.paragraph_property(p, ["spacing"], "lineRule") or "auto"
    if line and rule == "exact":
        return float(line)
    if grid is not None and grid_type in ("lines", "linesAndChars", "snapToChars"):
        pitch = float(grid.get(_w("linePitch")) or 360)
        return pitch * (float(line) / 240 if line and rule == "auto" else 1.0)
    if rule == "auto":  # the font's own line height: about 1.3 times its size for CJK faces
        r = p.find(f".//{_w('r')}")
        size = _size(styles, p, r) if r is not None else L.BODY_SIZE_PT
        return size * 20 * _CJK_LINE_HEIGHT * (float(line) / 240 if line else 1.0)
    return None


def _char_pitch(styles: Styles, p, grid, grid_type) -> float:
    """Twips one body character takes: its size, plus character spacing or the grid's."""
    r = p.find(f".//{_w('r')}")
    size = (_size(styles, p, r) if r is not None else L.BODY_SIZE_PT) * 20
    if grid is not None and grid_type in ("linesAndChars", "snapToChars"):
        return size + float(grid.get(_w("charSpace")) or 0) / 4096 * 20
    spacing = styles.run_property(p, r, "spacing", "val") if r is not None else None
    return size + float(spacing or 0)


# -- page numbers

def _page_numbers(document, styles: Styles, display: str) -> list[Finding]:
    section = document.sections[-1]
    odd = _footer_number(section.footer, styles)
    even_pages = document.settings.odd_and_even_pages_header_footer
    even = _footer_number(section.even_page_footer, styles) if even_pages else odd
    at = Location(display)
    if odd is None and even is None:
        return [finding("page-number", at, "页脚中没有页码", "在页脚插入“— 页码 —”，单页居右、双页居左")]
    out = []
    for which, footer, side in (("单页", odd, "right"), ("双页", even, "left")):
        if footer is None:
            out.append(finding("page-number", at, f"{which}页脚中没有页码", "插入“— 页码 —”"))
            continue
        text, align, size, face = footer
        problems = []
        if text.replace(" ", "").replace("\u3000", "") not in ("—#—", "－#－"):
            problems.append(f"写作“{text.replace('#', '1')}”（应为“— 1 —”）")
        if align != side:
            problems.append(f"{'居右' if align == 'right' else '居左' if align == 'left' else '居中'}"
                            f"（应{'居右' if side == 'right' else '居左'}）")
        if abs(size - L.PAGE_NUMBER_SIZE_PT) > 0.25:
            problems.append(f"字号 {size:g}pt（应为四号 14pt）")
        if problems:
            out.append(finding("page-number", at, f"{which}页码" + "，".join(problems),
                               "四号半角宋体“— 1 —”，单页居右空一字，双页居左空一字"))
    return out


def _footer_number(footer, styles: Styles):
    """(text with # for the number, alignment, size, face) of the footer's page number."""
    if footer is None or footer.is_linked_to_previous:
        return None
    for p in footer._element.iter(_w("p")):
        instr = "".join(t.text or "" for t in p.iter(_w("instrText")))
        simple = [f.get(_w("instr")) or "" for f in p.iter(_w("fldSimple"))]
        if "PAGE" not in instr and not any("PAGE" in s for s in simple):
            continue
        text = _with_field_marked(p)
        align = styles.paragraph_property(p, ["jc"], "val") or "left"
        r = next(iter(p.iter(_w("r"))), None)
        size = _size(styles, p, r) if r is not None else 10.0
        return text, {"end": "right", "start": "left"}.get(align, align), size, None
    return None


def _with_field_marked(p) -> str:
    """The paragraph's text with the page field's result shown as #."""
    out, in_result = [], False
    for node in p.iter(_w("t"), _w("fldChar"), _w("fldSimple")):
        if node.tag == _w("fldChar"):
            kind = node.get(_w("fldCharType"))
            if kind == "separate":
                in_result = True
                out.append("#")
            elif kind == "end":
                in_result = False
        elif node.tag == _w("fldSimple"):
            out.append("#")
        elif not in_result and not any(a.tag == _w("fldSimple") for a in node.iterancestors()):
            out.append(node.text or "")
    return "".join(out)


# -- red header and 版记

def _red_header(paragraphs, styles: Styles, imported: Imported, display: str) -> list[Finding]:
    found = imported.found_at
    out = []
    by_number = dict(paragraphs)
    if "发文机关标志" in found:
        p = by_number[found["发文机关标志"].line]
        colours = {styles.run_property(p, r, "color", "val") for r in p.iter(_w("r"))
                   if _run_text(r).strip()}
        if not all(_is_red(c) for c in colours):
            out.append(finding("red-header", Location(display, paragraph=found["发文机关标志"].line),
                               "发文机关标志不是红色", "发文机关标志用红色小标宋"))
    if "发文字号" in found:
        number = found["发文字号"].line
        near = [by_number[n] for n in range(number, number + 3) if n in by_number]
        if not any(_red_rule(styles, p) for p in near):
            out.append(finding("red-header", Location(display, paragraph=number),
                               "发文字号下没有红色分隔线",
                               "在发文字号之下4 mm处加与版心等宽的红色分隔线"))
    return out


def _red_rule(styles: Styles, p) -> bool:
    """A red bottom border on the paragraph, or a red line drawn in it."""
    if _is_red(styles.paragraph_property(p, ["pBdr", "bottom"], "color")):
        return True
    xml = p.xml if hasattr(p, "xml") else ""
    return any(f'"{red}"' in xml for red in ("FF0000", "ff0000", "red", "#FF0000", "#ff0000")) and (
        "<v:line" in xml or "a:ln" in xml or "<v:rect" in xml or "wps:" in xml)


def _is_red(colour: str | None) -> bool:
    if not colour or colour == "auto" or len(colour) != 6:
        return False
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return r >= 180 and g <= 90 and b <= 90


def _imprint(paragraphs, styles: Styles, imported: Imported, display: str) -> list[Finding]:
    """版记: 四号, after everything else, or in a frame anchored low on the page."""
    found = imported.found_at
    numbers = sorted(found[k].line for k in ("抄送", "印发机关") if k in found)
    if not numbers:
        return []
    by_number = dict(paragraphs)
    out = []
    for number in numbers:
        p = by_number[number]
        sizes = {_size(styles, p, r) for r in p.iter(_w("r"))
                 if _run_text(r).strip()}
        if any(abs(s - L.IMPRINT_SIZE_PT) > 0.25 for s in sizes):
            out.append(finding("imprint-position", Location(display, paragraph=number),
                               f"版记字号为 {'、'.join(f'{s:g}pt' for s in sorted(sizes))}", "版记用四号（14pt）仿宋"))
    last_text = max(n for n, p in paragraphs if paragraph_text(p).strip())
    anchored = _anchored_low(by_number[numbers[-1]])
    if numbers[-1] != last_text and not anchored:
        out.append(finding("imprint-position", Location(display, paragraph=numbers[-1]),
                           "版记之后还有正文", "版记置于最后一页的最下端，其后不再有文字"))
    return out


def _anchored_low(p) -> bool:
    """In a footnote (set at the foot of its page), or in a table positioned from the
    page's top edge into its lower third."""
    if any(a.tag == _w("footnote") for a in p.iterancestors()):
        return True
    table = next((a for a in p.iterancestors() if a.tag == _w("tbl")), None)
    position = table.find(f"{_w('tblPr')}/{_w('tblpPr')}") if table is not None else None
    if position is None or position.get(_w("vertAnchor")) != "page":
        return False
    return int(position.get(_w("tblpY")) or 0) > L.mm_to_twips(L.PAGE_HEIGHT_MM) * 2 / 3
