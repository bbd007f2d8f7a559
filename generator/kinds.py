"""Every 文种 gongwen knows, with its rules: the one place they live.

The fifteen of the 党政机关公文处理工作条例 (2012) article 8, plus 方案 and 制度 (written as
attachments of a 印发通知, or alone). Each rule is checked on `KindFacts`, which a YAML spec
and a document read back (DOCX, PDF, text) both give, so `validate`, `generate` and `check`
say the same thing about the same document. The severity of each rule is decided in
generator/check/rules.py; an error there stops generation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Direction(Enum):
    UP = "上行文"
    DOWN = "下行文"
    ACROSS = "平行文"
    ANY = "不定"


class Format(Enum):
    """GB/T 9704 chapter 10: the document format, the 信函, 命令（令） and 纪要 formats."""

    DOCUMENT = "文件格式"
    LETTER = "信函格式（10.1）"
    ORDER = "命令（令）格式（10.2）"
    MINUTES = "纪要格式（10.3）"

    @property
    def short(self) -> str:
        """The name writers use in `格式:` ("信函")."""
        return self.value.split("格式")[0]


@dataclass(frozen=True)
class Kind:
    name: str
    direction: Direction
    recipients: str  # required | one (a single 主送机关) | none | optional
    format: Format = Format.DOCUMENT
    what: str = ""  # what it is for, in the writer's words (README's table)


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("决议", Direction.DOWN, "none", what="会议讨论通过的重大决策事项"),
    Kind("决定", Direction.DOWN, "optional", what="重要事项作出决策和部署、奖惩、变更或撤销下级决定"),
    Kind("命令（令）", Direction.DOWN, "optional", Format.ORDER, "公布行政法规和规章、宣布重大强制性措施等"),
    Kind("公报", Direction.DOWN, "none", what="公布重要决定或者重大事项"),
    Kind("公告", Direction.DOWN, "none", what="向国内外宣布重要事项或者法定事项"),
    Kind("通告", Direction.DOWN, "none", what="在一定范围内公布应当遵守或者周知的事项"),
    Kind("意见", Direction.ANY, "optional", what="对重要问题提出见解和处理办法"),
    Kind("通知", Direction.DOWN, "required", what="发布、传达、转发公文，印发方案和制度，布置工作"),
    Kind("通报", Direction.DOWN, "required", what="表彰先进、批评错误、传达重要精神和情况"),
    Kind("报告", Direction.UP, "required", what="向上级机关汇报工作、反映情况、回复询问"),
    Kind("请示", Direction.UP, "one", what="向上级机关请求指示、批准"),
    Kind("批复", Direction.DOWN, "one", what="答复下级机关请示事项"),
    Kind("议案", Direction.UP, "one", what="各级人民政府提请同级人民代表大会或其常务委员会审议事项"),
    Kind("函", Direction.ACROSS, "required", Format.LETTER, "不相隶属机关之间商洽工作、询问和答复问题、请求批准"),
    Kind("纪要", Direction.ANY, "optional", Format.MINUTES, "记载会议主要情况和议定事项"),
    Kind("方案", Direction.DOWN, "optional", what="工作的目标、组织、措施和要求（多随印发通知下发）"),
    Kind("制度", Direction.DOWN, "optional", what="须共同遵守的办事规程（多随印发通知下发）"),
)}

# the formats whose layout is built; a 文种 needing another is refused with the reason
BUILT_FORMATS = {Format.DOCUMENT, Format.LETTER, Format.ORDER, Format.MINUTES}
# formats a writer may ask for with `格式:` whatever the 文种 (10.1: "where a writer asks")
CHOSEN_FORMATS = (Format.DOCUMENT, Format.LETTER)
# the fields only one format prints, and the format
FORMAT_FIELDS = {"令号": Format.ORDER, "签发人职务": Format.ORDER, "出席": Format.MINUTES,
                 "列席": Format.MINUTES, "请假": Format.MINUTES}
KIND_NAMES = tuple(KINDS)
_ALIASES = {"命令": "命令（令）", "令": "命令（令）", "命令(令)": "命令（令）", "会议纪要": "纪要"}


def kind_named(value: object) -> object:
    """A 文种 as writers also write it ("命令", "令", "会议纪要") in the name gongwen uses."""
    return _ALIASES.get(value.strip(), value.strip()) if isinstance(value, str) else value


def format_named(value: str) -> Format | None:
    """"信函", "信函格式" or the full name -> the Format; None if there is none of that name."""
    text = value.strip().removesuffix("格式") if isinstance(value, str) else ""
    for fmt in Format:
        if text in (fmt.short, fmt.value.split("（1")[0]):
            return fmt
    return Format.ORDER if text in ("命令", "令", "命令(令)") else None


def format_of(kind_name: str, asked: str | None) -> Format:
    """The format a document is laid out in: the one asked for when the 文种 allows it,
    else the 文种's own."""
    kind = KINDS.get(kind_name)
    own = kind.format if kind else Format.DOCUMENT
    chosen = format_named(asked) if asked else None
    if chosen in CHOSEN_FORMATS and own in CHOSEN_FORMATS:
        return chosen
    return own


_ASKING = re.compile(r"(妥否|(?<![申邀提])请(?:予)?(?:批示|批准|审批|审定|核准|批复|给予|解决|拨付))")
_PEOPLE_CONGRESS = re.compile(r"人民代表大会")
_ASKS_ABOUT = re.compile(r"请示")


@dataclass(frozen=True)
class KindFacts:
    """What the rules look at, however the document was written."""

    kind: str
    title: str
    recipients: tuple[str, ...] = ()
    body: str = ""
    note: str = ""  # 附注
    masthead: bool = False  # a 版头 (发文机关标志) is there
    signer: str | None = None  # 签发人
    asked_format: str | None = None  # 格式, as written
    fields: tuple[str, ...] = ()  # which FORMAT_FIELDS and 印发机关 the document gives
    signed: bool = False  # a 署名 over the 成文日期 closes the text (a document read back)


@dataclass(frozen=True)
class KindIssue:
    rule: str  # a rule of generator/check/rules.py
    field: str  # the YAML field it is about: 文种, 主送机关, 签发人, 附注, 标题, 正文
    message: str
    fix: str
    missing: bool = False  # the field is not there at all

    @property
    def said(self) -> str:
        """The message as shown: a missing field named first."""
        return f"缺少“{self.field}”：{self.message}" if self.missing else self.message


def kind_issues(facts: KindFacts) -> list[KindIssue]:
    """Everything a document's 文种 asks of it that `facts` do not give."""
    kind = KINDS.get(facts.kind)
    if kind is None:
        return []
    out: list[KindIssue] = []
    fmt = format_of(kind.name, facts.asked_format)
    if fmt not in BUILT_FORMATS:
        out.append(KindIssue("kind-format", "文种", f"{kind.name}用{kind.format.value}排版，"
                             "gongwen 还不能生成这种格式",
                             "暂用“通知”或“意见”等文件格式的文种，或用文字处理软件按该格式排版"))
    out += _format_issues(kind, fmt, facts)
    out += _recipient_issues(kind, facts)
    if kind.direction is Direction.UP:
        out += _upward_issues(kind, facts)
    elif fmt is Format.ORDER:
        pass  # the 签发人 signs a 令 (7.3.5.3); _format_issues asks for it
    elif facts.signer:
        out.append(KindIssue("kind-signer", "签发人", f"签发人只在上行文（请示、报告、议案）的版头标注，"
                             f"{kind.name}不标", "删去“签发人”"))
    if kind.name in ("请示", "报告") and "请示报告" in facts.title:
        out.append(KindIssue("kind-mixed", "标题", "标题把请示和报告混用（“请示报告”）",
                             "请示和报告分开行文：请求批准的用请示，汇报工作的用报告"))
    elif kind.name == "报告":
        asked = _ASKING.search(facts.body)
        if asked:
            out.append(KindIssue("kind-mixed", "正文", f"报告中夹带了请示事项（“{asked.group(1)}”）",
                                 "报告不写请求批准的事项；需要批准的另行请示"))
    if kind.name == "批复" and not _ASKS_ABOUT.search(facts.body):
        out.append(KindIssue("kind-reply", "正文", "批复没有引述所答复的请示",
                             "开头写明来文，如“你局《关于……的请示》（某发〔2024〕5号）收悉”"))
    if kind.name == "议案" and facts.recipients and not any(
            _PEOPLE_CONGRESS.search(r) for r in facts.recipients):
        out.append(KindIssue("kind-recipients", "主送机关", "议案应主送同级人民代表大会或其常务委员会",
                             "主送机关写“某某县人民代表大会常务委员会”"))
    return out


def _format_issues(kind: Kind, fmt: Format, facts: KindFacts) -> list[KindIssue]:
    """What the format (GB/T 9704 chapter 10) asks: the format a writer names, the fields
    only another format prints, the 令's number and signer."""
    out = []
    asked = format_named(facts.asked_format) if facts.asked_format else None
    if facts.asked_format and asked is None:
        names = "、".join(f.short for f in CHOSEN_FORMATS)
        out.append(KindIssue("kind-format", "格式", f"没有“{facts.asked_format}”这种格式",
                             f"写 {names} 之一（命令、纪要的格式随文种而定）"))
    elif asked is not None and asked is not fmt:
        out.append(KindIssue("kind-format", "格式", f"{kind.name}只用{kind.format.value}",
                             "删去“格式”"))
    for name, needs in FORMAT_FIELDS.items():
        if name in facts.fields and fmt is not needs:
            out.append(KindIssue("kind-format", name, f"“{name}”只用于{needs.value}，"
                                 f"这份{kind.name}用{fmt.value}", f"删去“{name}”"))
    if fmt is Format.LETTER and "印发机关" in facts.fields:
        out.append(KindIssue("kind-format", "印发机关", "信函格式的版记不加印发机关和印发日期"
                             "（GB/T 9704—2012 10.1）", "删去“印发机关”和“印发日期”"))
    if fmt is Format.MINUTES and facts.signed:
        out.append(KindIssue("kind-signature", "发文机关", "纪要不署名、不盖章，也不在文末标注成文日期"
                             "（GB/T 9704—2012 10.3）", "删去文末的署名和日期；与会人员列为出席、列席"))
    if fmt is Format.ORDER:
        for name, example in (("令号", "令号: 3"), ("签发人", "签发人: 姓名"),
                              ("签发人职务", "签发人职务: 镇长")):
            if name not in facts.fields and not (name == "签发人" and facts.signer):
                out.append(KindIssue("kind-order", name, f"命令（令）须写{name}"
                                     "（GB/T 9704—2012 10.2、7.3.5.3）", f"写“{example}”",
                                     missing=True))
    return out


def _recipient_issues(kind: Kind, facts: KindFacts) -> list[KindIssue]:
    count = len(facts.recipients)
    if kind.recipients == "none" and count:
        return [KindIssue("kind-recipients", "主送机关", f"{kind.name}面向社会公布，不写主送机关",
                          "删去“主送机关”")]
    if kind.recipients in ("required", "one") and not count:
        return [KindIssue("kind-recipients", "主送机关", f"{kind.name}须写主送机关",
                          "写明主送机关，如 主送机关: [县人民政府]", missing=True)]
    if kind.recipients == "one" and count > 1:
        return [KindIssue("kind-recipients", "主送机关",
                          f"{kind.name}一般只写一个主送机关，这里写了 {count} 个",
                          "只主送负责答复的机关；需要其他机关知道的列入抄送")]
    return []


def _upward_issues(kind: Kind, facts: KindFacts) -> list[KindIssue]:
    out = []
    if facts.masthead and not facts.signer:
        out.append(KindIssue("kind-signer-missing", "签发人", f"上报的{kind.name}须在版头标注签发人"
                             "（GB/T 9704—2012 7.2.6）", "写“签发人: 姓名”", missing=True))
    if kind.name == "请示" and not ("联系人" in facts.note and re.search(r"电话|\d{7,}", facts.note)):
        out.append(KindIssue("kind-contact", "附注", "请示应在附注中注明联系人和电话",
                             "写“附注: 联系人：某某，电话：0000-1234567”",
                             missing=not facts.note))
    return out
