"""The fixed query set: 36 queries of six kinds. Filter values (a unit, a person) are taken
from the archive being measured, the same for gongwen and for the naive peer."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Query:
    kind: str  # word | and | phrase | filtered | who
    words: str
    filters: dict = field(default_factory=dict)  # unit, kind, person, date_from, date_to

    def label(self) -> str:
        extra = " ".join(f"{k}={v}" for k, v in self.filters.items())
        return f"{self.kind}: {self.words} {extra}".strip()

    def cli_args(self) -> list[str]:
        names = {"unit": "--unit", "kind": "--type", "person": "--person",
                 "date_from": "--from", "date_to": "--to"}
        args = [part for k, v in self.filters.items() for part in (names[k], v)]
        return ["who" if self.kind == "who" else "search", *self.words.split(), *args]


WORDS = ["消毒", "疫情", "口罩", "值班", "台账", "隔离", "培训", "物资", "报告", "安全"]
AND = ["防控 物资", "值班 报告", "消毒 食堂", "健康 监测", "封闭 管理", "学生 家长"]
PHRASES = ["领导小组", "疫情防控", "联防联控", "工作方案", "健康监测", "一人一档", "值班电话",
           "责任追究"]
WHO = ["消毒", "物资", "值班", "测温", "隔离"]


def query_set(unit: str, person: str) -> list[Query]:
    out = [Query("word", w) for w in WORDS]
    out += [Query("and", w) for w in AND]
    out += [Query("phrase", f'"{w}"') for w in PHRASES]
    out += [
        Query("filtered", "疫情", {"unit": unit}),
        Query("filtered", "消毒", {"kind": "方案"}),
        Query("filtered", "值班", {"kind": "通知"}),
        Query("filtered", "工作", {"date_from": "2020-01", "date_to": "2020-12"}),
        Query("filtered", "物资", {"person": person}),
        Query("filtered", "管理", {"unit": unit, "kind": "制度"}),
        Query("filtered", "安全", {"kind": "方案", "date_from": "2022"}),
    ]
    out += [Query("who", w) for w in WHO]
    return out
