"""Metadata a person states (flags, `archive edit`, a sidecar YAML) instead of our guesses."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from generator.dates import parse_date
from generator.errors import InputError, Problem
from generator.source import read_source

from .records import BY_LABEL, LABELS, PERIODS, Metadata

SECRECY_LEVELS = ("绝密", "机密", "秘密")


def sidecar_path(path: Path) -> Path:
    """报告.docx -> 报告.docx.yaml"""
    return path.with_name(path.name + ".yaml")


def is_sidecar(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml") and "." in path.stem


def check_value(name: str, value: str) -> str:
    """The stored form of one metadata value; ValueError (Chinese) when it cannot be."""
    value = str(value).strip()
    control = next((ch for ch in value if _is_control(ch)), None)
    if control is not None:
        raise ValueError(f"不能含控制字符（第 {value.index(control) + 1} 个字符是 U+{ord(control):04X}）")
    if name == "date" and value:
        return parse_date(value).isoformat()
    if name == "period" and value and value not in PERIODS:
        raise ValueError("保管期限应为 " + "、".join(PERIODS))
    if name == "secrecy" and value and value not in SECRECY_LEVELS:
        raise ValueError("密级应为 " + "、".join(SECRECY_LEVELS) + "，或留空")
    if name == "org" and value:
        check_org(value)
    return value


ORG_MAX_CHARS = 10
_ORG_CHAR = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]")


def _is_control(ch: str) -> bool:
    """C0 and C1 controls, DEL and the line/paragraph separators: never in a catalog value
    (a terminal escape in 备注 would reach whoever runs `archive show`)."""
    return (ch < " " and ch not in "\t\n") or "\x7f" <= ch <= "\x9f" or ch in "\u2028\u2029"


def check_org(value: str, what: str = "机构（问题）代码") -> None:
    """A code that becomes part of the 档号 and of folder names in an export (机构（问题）代码,
    全宗号): only letters, digits and hanzi; ValueError (Chinese) naming what is not."""
    bad = sorted({ch for ch in value if not _ORG_CHAR.fullmatch(ch)}, key=value.index)
    if bad:
        shown = "、".join(f"“{ch}”" if ch.isprintable() and not ch.isspace() else repr(ch)
                         for ch in bad)
        raise ValueError(f"{what}只能由汉字、英文字母和数字组成（如 BGS、办公室），"
                         f"“{value}”中有 {shown}")
    if len(value) > ORG_MAX_CHARS:
        raise ValueError(f"{what}不超过 {ORG_MAX_CHARS} 个字，“{value}”有 {len(value)} 个")


def field_name(label: str) -> str:
    """Chinese label (or attribute name) -> attribute name; ValueError with a suggestion."""
    if label in BY_LABEL:
        return BY_LABEL[label]
    if label in LABELS:
        return label
    close = difflib.get_close_matches(label, list(BY_LABEL), n=1)
    hint = f"，是否应为“{close[0]}”？" if close else ""
    raise ValueError(f"未知字段“{label}”{hint}可用字段：" + "、".join(LABELS.values()))


def stated(label: str, value: str) -> tuple[str, str]:
    """(attribute name, stored value) of one "label: value" a person wrote; ValueError."""
    name = field_name(label)
    return name, check_value(name, value)


def from_pairs(pairs: dict[str, str], origin: str) -> Metadata:
    """Metadata from {label: value}; every bad pair is reported at once."""
    meta = Metadata()
    problems = []
    for label, value in pairs.items():
        try:
            setattr(meta, *stated(label, value))
        except ValueError as exc:
            problems.append(Problem(origin, None, None, label, str(exc)))
    if problems:
        raise InputError(problems)
    return meta


def read_sidecar(path: Path) -> Metadata:
    source, problems = read_source(path)
    if source is None:
        raise InputError(problems)
    meta = Metadata()
    for key, value in source.data.items():
        try:
            name = field_name(str(key))
        except ValueError as exc:
            problems.append(Problem(str(path), *source.key_position((key,)), str(key), str(exc)))
            continue
        try:
            if isinstance(value, dict):
                raise ValueError("应为一个文字值")
            if isinstance(value, list):
                value = "，".join(map(str, value))
            setattr(meta, name, check_value(name, "" if value is None else value))
        except ValueError as exc:
            problems.append(Problem(str(path), *source.position((key,)), str(key), str(exc)))
    if problems:
        raise InputError(problems)
    return meta
