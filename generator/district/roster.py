"""Rosters (花名册): who works in each unit and which template roles they hold.

Read from YAML, CSV or Excel .xlsx (one sheet per unit, or a 单位 column). Columns are found by
their Chinese headers; bad rows are reported by file, sheet and row number."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pydantic import Field, ValidationError

from ..access import refused_reference
from ..errors import Problem
from ..limits import MAX_TABLE_BYTES
from ..positions import describe_error, problem_at
from ..schema import Model, Person, Text
from ..source import field_path, read_source
from ..yaml_in import UnreadableFile, not_regular_reason, read_bytes_bounded

ROSTER_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")
UNIT_INFO = "单位信息"  # sheet or file with one row per unit: 单位 + fill-in fields

# canonical column -> headers people actually write
HEADERS = {
    "单位": ("单位", "单位名称", "学校", "学校名称", "所在单位"),
    "姓名": ("姓名", "名字", "人员姓名"),
    "职务": ("职务", "职位", "岗位", "职务职称", "现任职务"),
    "角色": ("角色", "承担角色", "模板角色", "担任角色"),
    "电话": ("电话", "联系电话", "手机", "手机号", "手机号码", "联系方式", "办公电话"),
}
_ROLE_SPLIT = re.compile(r"[、，,；;/\s]+")


@dataclass(frozen=True)
class Where:
    """Where a roster fact was written, to report problems about it later."""

    file: str
    line: int | None = None
    column: int | None = None
    field: str = ""

    def problem(self, message: str) -> Problem:
        return Problem(self.file, self.line, self.column, self.field, message)


@dataclass(frozen=True)
class RosterPerson:
    name: str
    post: str
    roles: tuple[str, ...]
    phone: str | None
    where: Where

    def as_yaml(self) -> dict:
        out: dict = {"姓名": self.name}
        if self.post:
            out["职务"] = self.post
        if self.roles:
            out["角色"] = list(self.roles)
        if self.phone:
            out["电话"] = self.phone
        return out


@dataclass
class UnitRoster:
    unit: str
    people: list[RosterPerson]
    where: Where
    fills: dict[str, str] = field(default_factory=dict)

    def holders(self, role: str) -> list[RosterPerson]:
        return [p for p in self.people if role in p.roles]

    def person(self, name: str) -> RosterPerson | None:
        return next((p for p in self.people if p.name == name), None)


def split_roles(text: str) -> tuple[str, ...]:
    return tuple(r for r in _ROLE_SPLIT.split(text.strip()) if r)


def clean_name(text: str) -> str:
    """Names padded for alignment in spreadsheets ("王　丽") lose their inner spaces."""
    return re.sub(r"\s+", "", text)


# ---- entry points -------------------------------------------------------------------

def read_rosters(path: Path) -> tuple[list[UnitRoster], list[Problem]]:
    """Every unit's roster in a file or a folder of files, and the problems found."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir()
                       if p.suffix.lower() in ROSTER_SUFFIXES and not p.name.startswith((".", "~$")))
        if not files:
            return [], [Problem(str(path), None, None, "",
                                "文件夹中没有花名册（.yaml、.csv 或 .xlsx 文件）")]
    elif path.is_file():
        files = [path]
    else:
        return [], [Problem(str(path), None, None, "", "找不到花名册文件")]
    rosters: list[UnitRoster] = []
    infos: list[tuple[Where, dict[str, str], str]] = []
    problems: list[Problem] = []
    for file in files:
        refused = refused_reference(file, file.name, "花名册") if file != path else None
        if refused:
            problems.append(Problem(str(file), None, None, "", refused))
            continue
        found_rosters, found_infos, found = _read_file(file)
        rosters += found_rosters
        infos += found_infos
        problems += found
    problems += _merge_units(rosters)
    problems += _apply_unit_info(rosters, infos)
    return rosters, problems


def _read_file(path: Path) -> tuple[list[UnitRoster], list, list[Problem]]:
    try:
        reason = not_regular_reason(path.stat().st_mode)  # a FIFO or device is never opened
    except OSError:
        reason = "无法读取"
    if reason:
        return [], [], [Problem(str(path), None, None, "", f"花名册{reason}")]
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        rosters, problems = _read_yaml(path)
        return rosters, [], problems
    if suffix == ".csv":
        rows, problems = _csv_rows(path)
        if problems:
            return [], [], problems
        return _read_table(rows, str(path), path.stem, is_info=path.stem == UNIT_INFO)
    if suffix == ".xlsx":
        return _read_workbook(path)
    return [], [], [Problem(str(path), None, None, "", "花名册应为 .yaml、.csv 或 .xlsx 文件")]


# ---- YAML ---------------------------------------------------------------------------

class _YamlUnit(Model):
    unit: Text | None = Field(None, alias="单位")
    fills: dict[str, str | int] = Field(default_factory=dict, alias="填写")
    people: list[Person] = Field(alias="人员")


def _read_yaml(path: Path) -> tuple[list[UnitRoster], list[Problem]]:
    source, problems = read_source(path)
    if source is None:
        return [], problems
    units = source.data.get("单位列表") if "单位列表" in source.data else None
    entries = [(("单位列表", i), u) for i, u in enumerate(units)] if isinstance(units, list) \
        else [((), source.data)]
    rosters: list[UnitRoster] = []
    for loc, entry in entries:
        try:
            spec = _YamlUnit.model_validate(entry)
        except ValidationError as exc:
            problems += [problem_at(source, loc + tuple(e["loc"]), describe_error(e))
                         for e in exc.errors()]
            continue
        people = [
            RosterPerson(clean_name(p.name), p.post, tuple(p.roles), p.phone,
                         _yaml_where(source, loc + ("人员", i)))
            for i, p in enumerate(spec.people)
        ]
        unit = spec.unit or path.stem
        rosters.append(UnitRoster(unit, people, _yaml_where(source, loc),
                                  {k: str(v) for k, v in spec.fills.items()}))
    return rosters, problems


def people_from_yaml(source, loc: tuple, unit: str) -> tuple[UnitRoster | None, list[Problem]]:
    """A roster written inline in a unit plan (its 人员 list)."""
    try:
        people = [Person.model_validate(p) for p in source.data[loc[0]]]
    except (ValidationError, TypeError) as exc:
        errors = exc.errors() if isinstance(exc, ValidationError) else []
        return None, [problem_at(source, loc + tuple(e["loc"]), describe_error(e)) for e in errors] \
            or [problem_at(source, loc, "应为人员列表")]
    roster = UnitRoster(unit, [
        RosterPerson(clean_name(p.name), p.post, tuple(p.roles), p.phone,
                     _yaml_where(source, loc + (i,))) for i, p in enumerate(people)
    ], _yaml_where(source, loc))
    return roster, _merge_units([roster])


def _yaml_where(source, loc: tuple) -> Where:
    path, line, col = source.locate(loc)
    return Where(str(path), line, col, field_path(loc))


# ---- tables (CSV and Excel) ---------------------------------------------------------

Row = tuple[int, list[str]]  # 1-based row number, cells as text


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _csv_rows(path: Path) -> tuple[list[Row], list[Problem]]:
    try:
        raw = read_bytes_bounded(path, MAX_TABLE_BYTES, "花名册")
    except UnreadableFile as exc:
        return [], [Problem(str(path), None, None, "", str(exc))]
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], [Problem(str(path), None, None, "", "无法识别文件编码，请另存为 UTF-8 的 CSV")]
    reader = csv.reader(text.splitlines())
    return [(n, [_cell_text(c) for c in row]) for n, row in enumerate(reader, start=1)], []


def _read_workbook(path: Path) -> tuple[list[UnitRoster], list, list[Problem]]:
    import openpyxl  # only when an .xlsx is read
    from openpyxl.utils.exceptions import InvalidFileException
    from zipfile import BadZipFile

    from archive.extract import ExtractError, check_zip_sizes
    from archive.inputs import InputRefused, read_input

    try:
        data = read_input(path)
        check_zip_sizes(data, "Excel 文件")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InputRefused, ExtractError) as exc:
        return [], [], [Problem(str(path), None, None, "", str(exc))]
    except (InvalidFileException, BadZipFile, OSError, KeyError) as exc:
        return [], [], [Problem(str(path), None, None, "", f"无法打开 Excel 文件：{exc}")]
    rosters: list[UnitRoster] = []
    infos: list = []
    problems: list[Problem] = []
    try:
        for sheet in book.worksheets:
            rows = [(n, [_cell_text(c) for c in row])
                    for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
            title = sheet.title.strip()
            found_rosters, found_infos, found = _read_table(
                rows, f"{path}（工作表“{title}”）", title, is_info=title == UNIT_INFO)
            rosters += found_rosters
            infos += found_infos
            problems += found
    finally:
        book.close()
    return rosters, infos, problems


def _canonical(header: str) -> str | None:
    text = re.sub(r"[（(].*?[）)]|[\s*＊:：]", "", header)
    return next((name for name, spellings in HEADERS.items() if text in spellings), None)


def _read_table(rows: list[Row], where: str, default_unit: str,
                is_info: bool) -> tuple[list[UnitRoster], list, list[Problem]]:
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        return [], [], [] if is_info else [Problem(where, None, None, "", "花名册为空")]
    header_line, header = rows[0]
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        name = _canonical(text)
        if name and name not in columns:
            columns[name] = index
    if is_info:
        return [], _read_info(rows, where, header, columns), []
    if "姓名" not in columns:
        found = "、".join(h for h in header if h) or "（空）"
        return [], [], [Problem(where, header_line, None, "",
                                f"第一行应为表头，须有“姓名”列；实际表头：{found}。"
                                "可用的列：单位、姓名、职务、角色、电话")]
    units: dict[str, UnitRoster] = {}
    problems: list[Problem] = []
    for line, cells in rows[1:]:
        def cell(name: str) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        name = clean_name(cell("姓名"))
        if not name:
            problems.append(Problem(where, line, columns["姓名"] + 1, "姓名",
                                    "这一行有内容但缺少姓名"))
            continue
        unit = cell("单位") or default_unit
        if "单位" in columns and not cell("单位"):
            problems.append(Problem(where, line, columns["单位"] + 1, "单位",
                                    f"“{name}”缺少所在单位"))
            continue
        phone = cell("电话") or None
        if phone and not re.fullmatch(r"[\d\-－（）()\s转]+", phone):
            problems.append(Problem(where, line, columns["电话"] + 1, "电话",
                                    f"电话“{phone}”应只含数字、“-”和括号"))
        person = RosterPerson(name, cell("职务"), split_roles(cell("角色")), phone,
                              Where(where, line, columns.get("角色", 0) + 1, "角色"))
        roster = units.setdefault(unit, UnitRoster(unit, [], Where(where, header_line)))
        roster.people.append(person)
    return list(units.values()), [], problems


def _read_info(rows: list[Row], where: str, header: list[str],
               columns: dict[str, int]) -> list[tuple[Where, dict[str, str], str]]:
    """(where, fills, unit) per row of a 单位信息 table: 单位 + one column per fill-in field."""
    unit_column = columns.get("单位", 0)
    names = {i: h.strip() for i, h in enumerate(header) if h.strip() and i != unit_column}
    out = []
    for line, cells in rows[1:]:
        unit = cells[unit_column].strip() if unit_column < len(cells) else ""
        fills = {names[i]: cells[i] for i in names if i < len(cells) and cells[i]}
        out.append((Where(where, line, unit_column + 1, "单位"), fills, unit))
    return out


# ---- cross-checks -------------------------------------------------------------------

def _merge_units(rosters: list[UnitRoster]) -> list[Problem]:
    """One roster per unit, and each person once in it (the second mention is reported)."""
    problems: list[Problem] = []
    units: dict[str, UnitRoster] = {}
    for roster in rosters:
        if roster.unit in units:
            problems.append(roster.where.problem(
                f"“{roster.unit}”有两份花名册（另见 {units[roster.unit].where.file}）"))
        units[roster.unit] = roster
        seen: dict[str, RosterPerson] = {}
        for person in roster.people:
            first = seen.get(person.name)
            if first is not None:
                problems.append(person.where.problem(
                    f"“{person.name}”在“{roster.unit}”的花名册中重复出现（另见第 {first.where.line} 行）"
                    if first.where.line else f"“{person.name}”在花名册中重复出现"))
            seen[person.name] = person
    return problems


def _apply_unit_info(rosters: list[UnitRoster],
                     infos: Iterable[tuple[Where, dict[str, str], str]]) -> list[Problem]:
    by_unit = {r.unit: r for r in rosters}
    problems: list[Problem] = []
    for where, fills, unit in infos:
        if not unit:
            problems.append(where.problem("缺少单位名称"))
        elif unit not in by_unit:
            problems.append(where.problem(f"单位信息中的“{unit}”没有对应的花名册"))
        else:
            by_unit[unit].fills.update(fills)
    return problems



def pick_roster(rosters: list[UnitRoster], unit: str | None) -> tuple[UnitRoster | None, str]:
    """The roster for `unit`, or why there is none. A file holding one roster serves any name."""
    names = "、".join(r.unit for r in rosters)
    if unit is None:
        if len(rosters) == 1:
            return rosters[0], ""
        return None, f"花名册中有多个单位，请指明是哪一个：{names}"
    chosen = [r for r in rosters if r.unit == unit]
    if chosen:
        return chosen[0], ""
    if len(rosters) == 1:  # a file with no unit column: named after the file, serves `unit`
        return dataclasses.replace(rosters[0], unit=unit), ""
    return None, f"花名册中没有“{unit}”；其中的单位有：{names}"
