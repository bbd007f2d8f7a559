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


# -- the real corpus mode (realrun.py): queries over ../shared/corpus's texts, each checked to
# occur there. Phrases run from 2 to 6 pieces of gongwen's analysis (住房公积金 = 住房/公积/金);
# sub-words are parts of one rjieba word (小组 in 领导小组, 刑事 in 刑事责任), which engines that
# index whole words cannot find.
REAL_WORDS = ["工作", "管理", "发展", "经济", "安全", "监督", "企业", "服务"]
REAL_AND = ["经济 发展", "安全 监督", "监督 管理", "企业 服务", "改革 建设", "应急 处罚"]
REAL_PHRASES = ["领导小组", "住房公积金", "住房公积金贷款", "工作领导小组", "安全生产责任制",
                "国务院办公厅", "社会主义市场经济", "依法追究刑事责任", "人民代表大会",
                "全面建成小康社会", "生态环境保护", "县级以上人民政府有关部门"]
REAL_SUBWORDS = ["小组", "公积金", "责任制", "办公厅", "刑事", "代表大会", "小康", "市场经济"]


def real_query_set(unit: str) -> list[Query]:
    out = [Query("word", w) for w in REAL_WORDS]
    out += [Query("and", w) for w in REAL_AND]
    out += [Query("phrase", f'"{w}"') for w in REAL_PHRASES]
    out += [Query("subword", w) for w in REAL_SUBWORDS]
    out += [
        Query("filtered", "管理", {"kind": "办法"}),
        Query("filtered", "安全", {"kind": "规定"}),
        Query("filtered", "发展", {"kind": "报告"}),
        Query("filtered", "监督", {"unit": unit}),
        Query("filtered", "工作", {"date_from": "1990", "date_to": "2010"}),
        Query("filtered", '"法律责任"', {"kind": "规定"}),
        Query("filtered", "管理", {"unit": unit, "kind": "办法"}),
    ]
    return out


def recall_words(queries: list[Query]) -> list[str]:
    """The phrases and sub-words whose documents are checked against a substring scan."""
    return [q.words.strip('"') for q in queries if q.kind in ("phrase", "subword")]
