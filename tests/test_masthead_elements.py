"""GB/T 9704 7.2: 份号, 密级, 紧急程度 and 签发人, each in its face and place, in our PDF and in
LibreOffice's PDF of our DOCX."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
import yaml

from generator import layout as L
from generator.pipeline import FORMATS, generate_file

from .conftest import libreoffice_convert

PT_TO_MM = 25.4 / 72
ONE_CHAR_MM = L.TEXT_WIDTH_MM / L.CHARS_PER_LINE
RIGHT_EDGE_MM = L.MARGIN_LEFT_MM + L.TEXT_WIDTH_MM

SPEC = {
    "文种": "通知", "标题": "关于上报汛期值班人员名单的通知", "发文机关": "河口镇人民政府",
    "发文机关标志": "河口镇人民政府文件", "发文字号": "河政发〔2024〕12号", "签发人": "周明远",
    "份号": "000031", "密级": "秘密", "紧急程度": "加急", "成文日期": "2024-05-21",
    "主送机关": ["县人民政府"], "正文": ["现将汛期值班人员名单报上，请审阅。"],
}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("masthead")
    source = folder / "上行文.yaml"
    source.write_text(yaml.safe_dump(SPEC, allow_unicode=True), encoding="utf-8")
    outputs = {p.suffix[1:]: p for p in generate_file(source, folder, FORMATS).outputs}
    lo = tmp_path_factory.mktemp("masthead-lo")
    libreoffice_convert([outputs["docx"]], lo, tmp_path_factory.mktemp("lo-profile"))
    return {"pdf": outputs["pdf"], "lo": lo / (outputs["docx"].stem + ".pdf")}


def _chars_of(pdf: Path, text: str) -> list[dict]:
    """The characters of the first occurrence of `text` on page 1, in reading order."""
    with pdfplumber.open(pdf) as document:
        chars = [c for c in document.pages[0].chars if c["text"].strip()]
    chars.sort(key=lambda c: (round(c["bottom"]), c["x0"]))
    stream = "".join(c["text"] for c in chars)
    start = stream.find(text)
    assert start >= 0, (pdf.name, text, stream[:120])
    return chars[start:start + len(text)]


def _faces(chars: list[dict]) -> set[str]:
    return {c["fontname"].split("+")[-1] for c in chars}


CLIENTS = ["pdf", "lo"]


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("text", ["000031", "秘密", "加急"])
def test_copy_number_secrecy_and_urgency_are_heiti_flush_left(pdfs, client, text):
    chars = _chars_of(pdfs[client], text)
    assert all("Hei" in face for face in _faces(chars)), _faces(chars)
    assert abs(chars[0]["x0"] * PT_TO_MM - L.MARGIN_LEFT_MM) < 1.0
    assert round(chars[0]["size"]) == 16  # 3号


@pytest.mark.parametrize("client", CLIENTS)
def test_the_three_stand_above_the_mark_in_the_standards_order(pdfs, client):
    tops = [_chars_of(pdfs[client], text)[0]["top"] for text in ("000031", "秘密", "加急")]
    mark = _chars_of(pdfs[client], "河口镇人民政府文件")[0]["top"]
    assert tops == sorted(tops) and tops[-1] < mark


@pytest.mark.parametrize("client", CLIENTS)
def test_signer_label_fangsong_name_kaiti_right_one_char_in(pdfs, client):
    label = _chars_of(pdfs[client], "签发人")
    name = _chars_of(pdfs[client], "周明远")
    assert all("Fang" in face for face in _faces(label)), _faces(label)
    assert all("Kai" in face for face in _faces(name)), _faces(name)
    assert abs(name[-1]["x1"] * PT_TO_MM - (RIGHT_EDGE_MM - ONE_CHAR_MM)) < 1.0


@pytest.mark.parametrize("client", CLIENTS)
def test_doc_number_shares_the_signers_line_one_char_in_from_the_left(pdfs, client):
    number = _chars_of(pdfs[client], "河政发")
    name = _chars_of(pdfs[client], "周明远")
    assert abs(number[0]["bottom"] - name[0]["bottom"]) * PT_TO_MM < 1.0
    assert abs(number[0]["x0"] * PT_TO_MM - (L.MARGIN_LEFT_MM + ONE_CHAR_MM)) < 1.0
