"""Our PDF read back as what it draws: glyphs, filled shapes, stroked lines and the embedded
fonts, in millimetres from the page's top left corner (OFD's space).

The OFD is written from the PDF WeasyPrint laid out, so the two cannot differ: one layout,
two outputs. pdfminer (pdfplumber's reader) interprets the content streams; this module adds
what pdfminer leaves out, the clipping path, because WeasyPrint draws each border side as an
even-odd frame (the element's outer box less its inner box) clipped to that side: only the
clipped band is ink.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

from .errors import RenderError

MM_PER_PT = 25.4 / 72

Point = tuple[float, float]
Colour = tuple[int, int, int]  # 0-255 RGB


@dataclass(frozen=True)
class Glyph:
    text: str  # one character (what the PDF's ToUnicode says it is), a space too
    glyph_id: int  # in the embedded font (CID = GID: Identity)
    font: str  # Font.key
    size: float  # mm
    x: float  # the glyph's origin on the baseline, mm
    y: float
    advance: float  # mm, along the baseline
    turn: tuple[float, float]  # unit baseline direction (1, 0) for upright text, OFD space
    colour: Colour


@dataclass(frozen=True)
class Segment:
    op: str  # "M", "L", "B" (cubic), "C" (close)
    points: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Shape:
    """A path that is filled or stroked (or both)."""

    segments: tuple[Segment, ...]
    fill: Colour | None
    stroke: Colour | None
    line_width: float = 0.0  # mm
    even_odd: bool = False
    dash: tuple[float, ...] = ()  # mm
    clip: tuple[Segment, ...] = ()  # a clip that could not be folded into the shape

    def points(self) -> list[Point]:
        return [p for s in self.segments for p in s.points]


@dataclass(frozen=True)
class Font:
    key: str  # the PDF's BaseFont, subset tag included ("ABCDEF+FandolFang")
    name: str  # without the subset tag
    data: bytes  # the embedded OpenType / TrueType program, as the PDF has it
    suffix: str  # "otf" or "ttf"


@dataclass
class MarkedPage:
    width: float  # mm
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)


@dataclass
class Marks:
    pages: list[MarkedPage]
    fonts: dict[str, Font]
    title: str = ""
    author: str = ""


def read_marks(pdf: bytes) -> Marks:
    """Every page's marks and the fonts they use. RenderError for what OFD output does not
    take over (a font not embedded, or embedded in a form OFD cannot hold; an image)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(pdf)))
    manager = PDFResourceManager(caching=True)
    device = _Device(manager)
    interpreter = _Interpreter(manager, device)
    pages = []
    for page in PDFPage.create_pages(document):
        x0, y0, x1, y1 = page.mediabox
        device.page = MarkedPage((x1 - x0) * MM_PER_PT, (y1 - y0) * MM_PER_PT)
        interpreter.process_page(page)
        pages.append(device.page)
    info = document.info[0] if document.info else {}
    return Marks(pages, device.fonts, _info_text(info.get("Title")), _info_text(info.get("Author")))


def _info_text(value) -> str:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    value = resolve1(value)
    if isinstance(value, bytes):
        return decode_text(value)
    return value if isinstance(value, str) else ""


# ---- the interpreter: pdfminer's, keeping the clipping path ----------------------------------

def _interpreter_base():
    from pdfminer.pdfinterp import PDFPageInterpreter

    return PDFPageInterpreter


class _Interpreter(_interpreter_base()):
    def __init__(self, manager, device):
        super().__init__(manager, device)
        self.clips: list = []

    def init_state(self, ctm) -> None:
        super().init_state(ctm)
        self.device.clip = ()

    def do_q(self) -> None:
        super().do_q()
        self.clips.append(self.device.clip)

    def do_Q(self) -> None:
        super().do_Q()
        if self.clips:
            self.device.clip = self.clips.pop()

    def do_W(self) -> None:
        self._clip()

    def do_W_a(self) -> None:
        self._clip()

    def _clip(self) -> None:
        """The path just built becomes the clip (a clip already set and larger is replaced:
        WeasyPrint's clips nest inside one another)."""
        self.device.clip = tuple(self.device.segments(self.curpath))

    def do_Do(self, xobjid) -> None:
        from pdfminer.pdftypes import stream_value
        from pdfminer.psparser import literal_name

        xobj = stream_value(self.xobjmap.get(literal_name(xobjid)))
        if xobj is not None and literal_name(xobj.get("Subtype")) == "Image":
            raise RenderError("OFD 输出暂不支持图片（如印章图片）：请只生成 DOCX 和 PDF")
        super().do_Do(xobjid)


def _device_base():
    from pdfminer.pdfdevice import PDFTextDevice

    return PDFTextDevice


class _Device(_device_base()):
    def __init__(self, manager):
        super().__init__(manager)
        self.page = MarkedPage(0, 0)
        self.fonts: dict[str, Font] = {}
        self.clip: tuple[Segment, ...] = ()

    # -- coordinates

    def _point(self, x: float, y: float, matrix=None) -> Point:
        a, b, c, d, e, f = matrix or self.ctm
        px, py = a * x + c * y + e, b * x + d * y + f
        return (px * MM_PER_PT, self.page.height - py * MM_PER_PT)

    def segments(self, path) -> list[Segment]:
        out = []
        for item in path:
            op, values = item[0], item[1:]
            points = tuple(self._point(values[i], values[i + 1]) for i in range(0, len(values) - 1, 2))
            if op == "m":
                out.append(Segment("M", points))
            elif op == "l":
                out.append(Segment("L", points))
            elif op == "c":
                out.append(Segment("B", points))
            elif op in ("v", "y"):  # one control point given: make the full cubic
                last = out[-1].points[-1] if out and out[-1].points else points[0]
                if op == "v":
                    out.append(Segment("B", (last, points[0], points[1])))
                else:
                    out.append(Segment("B", (points[0], points[1], points[1])))
            elif op == "h":
                out.append(Segment("C"))
        return out

    def _scale(self) -> float:
        a, b, c, d, _, _ = self.ctm
        return math.sqrt(abs(a * d - b * c))

    # -- paths

    def paint_path(self, graphicstate, stroke, fill, evenodd, path) -> None:
        segments = tuple(self.segments(path))
        if not segments or not (stroke or fill):
            return
        stroke_colour = _rgb(graphicstate.scolor) if stroke else None
        fill_colour = _rgb(graphicstate.ncolor) if fill else None
        # pdfminer scales the line width by the CTM when it is set (do_w); the dash it keeps raw
        width = graphicstate.linewidth * MM_PER_PT if stroke else 0.0
        dash = ()
        if stroke and graphicstate.dash and graphicstate.dash[0]:
            dash = tuple(float(v) * self._scale() * MM_PER_PT for v in graphicstate.dash[0])
        shape = Shape(segments, fill_colour, stroke_colour, width, bool(evenodd), dash)
        if self.clip:
            shape = _clipped(shape, self.clip)
            if shape is None:
                return
        self.page.shapes.append(shape)

    # -- text

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        from pdfminer.pdffont import PDFUnicodeNotDefined

        key = self._font(font)
        advance = font.char_width(cid) * fontsize * scaling
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = ""
        if text:
            a, b, c, d, _, _ = matrix
            scale = math.hypot(a, b)
            x, y = self._point(0, rise, matrix)
            size = fontsize * math.sqrt(abs(a * d - b * c)) * MM_PER_PT
            self.page.glyphs.append(Glyph(
                text, cid, key, size, x, y, advance * scale * MM_PER_PT,
                (a / scale, -b / scale) if scale else (1.0, 0.0), _rgb(graphicstate.ncolor)))
        return advance

    def _font(self, font) -> str:
        key = getattr(font, "basefont", None) or getattr(font, "fontname", "") or "?"
        if key not in self.fonts:
            self.fonts[key] = _embedded(key, font.descriptor or {})
        return key


def _embedded(key: str, descriptor: dict) -> Font:
    from pdfminer.pdftypes import resolve1

    name = key.split("+", 1)[1] if "+" in key[:7] else key
    program = resolve1(descriptor.get("FontFile2"))
    suffix = "ttf"
    if program is None:
        program = resolve1(descriptor.get("FontFile3"))
        subtype = getattr(resolve1(program.get("Subtype")), "name", "") if program is not None else ""
        if program is not None and subtype != "OpenType":
            raise RenderError(f"PDF 中的字体“{name}”以 {subtype or '未知'} 形式嵌入，"
                              "OFD 无法直接使用；请检查字体安装（bash setup.sh）")
        suffix = "otf"
    if program is None:
        raise RenderError(f"PDF 中的字体“{name}”没有嵌入，无法写入 OFD；"
                          "请检查字体是否已安装（bash setup.sh）")
    return Font(key, name, program.get_data(), suffix)


def _rgb(colour) -> Colour:
    """A PDF colour (gray, RGB or CMYK components 0-1) as 0-255 RGB."""
    if isinstance(colour, (int, float)):
        colour = (colour,)
    values = [float(v) for v in colour if isinstance(v, (int, float))]
    if len(values) == 3:
        r, g, b = values
    elif len(values) == 4:
        c, m, y, k = values
        r, g, b = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    else:
        r = g = b = values[0] if values else 0.0
    return tuple(max(0, min(255, round(v * 255))) for v in (r, g, b))


# ---- clipping ------------------------------------------------------------------------

def _bbox(points: list[Point]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _inside(inner, outer, slack: float = 0.01) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def _overlap(a, b, slack: float = 0.01) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def _subpaths(segments) -> list[list[Segment]]:
    out: list[list[Segment]] = []
    for segment in segments:
        if segment.op == "M" or not out:
            out.append([])
        out[-1].append(segment)
    return out


def _clipped(shape: Shape, clip: tuple[Segment, ...]) -> Shape | None:
    """The shape as it shows through the clip, as a plain shape where that is exact:
    - all of the shape inside the clip: the shape;
    - nothing of it inside: nothing;
    - a filled even-odd frame (WeasyPrint's border) whose clip lies in the band between the
      outer and the inner box: the clip's own outline, filled.
    Anything else keeps the clip for the OFD (Clips)."""
    clip_points = [p for s in clip for p in s.points]
    if not clip_points:
        return shape
    clip_box, box = _bbox(clip_points), _bbox(shape.points())
    margin = shape.line_width / 2
    grown = (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)
    if _inside(grown, clip_box):
        return shape
    if not _overlap(grown, clip_box) and shape.line_width == 0:
        return None
    rings = _subpaths(shape.segments)
    if shape.fill and not shape.stroke and shape.even_odd and len(rings) == 2:
        outer, inner = sorted((_bbox([p for s in r for p in s.points]) for r in rings),
                              key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
        if _inside(clip_box, outer) and not _overlap(clip_box, inner):
            return Shape(clip, shape.fill, None)
    return Shape(shape.segments, shape.fill, shape.stroke, shape.line_width, shape.even_odd,
                 shape.dash, clip)
