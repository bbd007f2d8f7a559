"""What the formats of GB/T 9704 chapter 10 put where the 文件格式 has other parts: a 令's
令号 under its mark and its signer's post and name over the date (10.2, 7.3.5.3), a 纪要's
出席, 请假 and 列席 lines after its text (10.3). generator.importer.front places them."""
from __future__ import annotations

import re
from dataclasses import dataclass

ORDER_NUMBER = re.compile(r"^第\s*([1-9]\d*)\s*号$")
_ATTENDANCE = re.compile(r"^(出席|请假|列席)\s*[：:]\s*(.+)$")
_POST_AND_NAME = re.compile(r"^(\S{2,20}?)[\s　]{1,6}([\u4e00-\u9fff·]{2,5})$")
ATTENDANCE_LABELS = ("出席", "请假", "列席")


def is_order_mark(text: str) -> bool:
    """"柳溪镇人民政府令", "…命令": the mark of a 命令（令）."""
    return text.endswith("令") and len(text) <= 30 and "。" not in text


def order_number(text: str) -> str | None:
    """"第3号" -> "第3号" (spaces dropped), or None."""
    found = ORDER_NUMBER.match(text.strip())
    return f"第{found.group(1)}号" if found else None


@dataclass(frozen=True)
class Signer:
    post: str
    name: str


def post_and_name(text: str) -> Signer | None:
    """"镇长　　邓光明": the signer of a 令, the post two characters left of the name."""
    found = _POST_AND_NAME.match(text.strip())
    return Signer(found.group(1), found.group(2)) if found else None


def attendance(text: str) -> tuple[str, list[str]] | None:
    """"出席：镇长邓光明、副镇长罗晓峰" -> ("出席", ["镇长邓光明", "副镇长罗晓峰"]), or None."""
    found = _ATTENDANCE.match(text.strip())
    if not found:
        return None
    names = [n.strip(" 　。") for n in re.split(r"[、，,；;]", found.group(2))]
    return found.group(1), [n for n in names if n]
