"""Write a unit's plan YAML from a template and the unit's roster (gongwen init / batch)."""
from __future__ import annotations

import os
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..dates import parse_date
from ..errors import InputError
from ..source import read_source
from ..yaml_out import dump as _dump, flow as _flow
from .roster import UnitRoster
from .template import Template, slots, title_of
from .unit import resolve_unit

_HOW_TO = """\
{unit}的制度（方案），依据模板“{name}”{version}，由 gongwen init 生成。
只写与模板不同之处，其余内容随模板：
  修改:  {{编号: {{字段: 新内容}}}}      改写模板中的一项，如 M02: {{内容: …}}
  删除:  {{编号: 理由}}                删去一项；标“必备”的须写明理由
  新增:  [{{之后: 编号, …}}]            在某项之后（或“之前”）加入本单位的内容
也可改写 标题、发文字号、成文日期、主送机关 等字段。
模板中各项的编号：
{items}"""


def unit_plan_text(template: Template, roster: UnitRoster, unit: str, out_path: Path,
                   date: str | None = None) -> str:
    """The short form: 继承 + 单位 + 成文日期 + 填写 + the unit's roster, with a guide in
    comments. 成文日期 is `date`; without one it is left for the writer to fill (validation
    names it), never the template's date unseen."""
    plan = CommentedMap()
    plan["继承"] = Path(os.path.relpath(template.path.resolve(),
                                        out_path.resolve().parent)).as_posix()
    plan["单位"] = unit
    plan["成文日期"] = _date_value(date)
    if date is None:
        given = template_date(template)
        plan.yaml_add_eol_comment("待填写：本单位的成文日期，如 2024-06-01" + (
            f"（模板的成文日期 {given} 不沿用）" if given else ""), "成文日期")
    fills = CommentedMap()
    for field in template.header.fields:
        value = roster.fills.get(field.name)
        fills[field.name] = value
        if value is None and field.default is None:
            fills.yaml_add_eol_comment(f"待填写：{field.description or field.name}", field.name)
        elif value is None:
            fills[field.name] = field.default
            fills.yaml_add_eol_comment("模板默认值，可改", field.name)
    if fills:
        plan["填写"] = fills
    people = CommentedSeq()
    for person in roster.people:
        entry = CommentedMap(person.as_yaml())
        entry.fa.set_flow_style()
        if "角色" in entry:
            entry["角色"] = _flow(entry["角色"])
        people.append(entry)
    plan["人员"] = people
    plan.yaml_set_start_comment(_guide(template, unit))
    return _dump(plan)


def _date_value(date: str | None):
    """2024-06-01 as a YAML date (unquoted, as writers write it); other forms as text."""
    if date is not None and "-" in date:
        return parse_date(date)
    return date


def template_date(template: Template) -> str | None:
    """The 成文日期 the template itself carries, as written."""
    value = template.source.data.get("成文日期")
    return str(value).strip() if value is not None and str(value).strip() else None


def full_plan_text(plan_path: Path, text: str, template: Template) -> str:
    """The whole document with the unit's people and text filled in, for units that would
    rather edit everything; it keeps the 编号 so coverage still compares item by item."""
    source, problems = read_source(plan_path, text)
    if source is None:
        raise InputError(problems)
    merged, problems = resolve_unit(source)
    if merged is None or problems:
        raise InputError(problems)
    tree = merged.data
    version = f"（{template.header.version}）" if template.header.version else ""
    tree.yaml_set_start_comment(
        f"{source.data['单位']}：依据模板“{template.header.name}”{version}展开的全文，"
        "由 gongwen init --full 生成。\n各项“编号”是对照模板的依据，请保留；"
        "删去模板中的内容时，在“删除”中写明编号和理由。")
    return _dump(tree)


def _guide(template: Template, unit: str) -> str:
    lines = []
    for slot in slots(template.source.data):
        title = title_of(slot.node)
        mark = "（必备）" if slot.id in template.required else ""
        lines.append(f"  {slot.id}  {slot.kind}  {title}{mark}")
    version = f"（{template.header.version}）" if template.header.version else ""
    return _HOW_TO.format(unit=unit, name=template.header.name, version=version,
                          items="\n".join(lines))
