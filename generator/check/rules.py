"""Every rule `gongwen check` knows: its id, how serious it is, what it checks and the clause
of the standard it rests on. The one place a rule's severity is decided."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    ERROR = ("error", "错误")
    WARNING = ("warning", "警告")
    NOTE = ("note", "提示")

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str  # what the rule checks, in Chinese
    clause: str = ""  # "GB/T 9704—2012 7.3.5", "GB/T 15834—2011 4.11" …
    applies_to: str = "text"  # text (all inputs), yaml, layout (DOCX and PDF)


_GB = "GB/T 9704—2012 "
_PUNCT = "GB/T 15834—2011 "
_REGS = "党政机关公文处理工作条例 "
E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTE

_ALL = [
    # numbering (7.3.3)
    Rule("number-gap", E, "结构层次序数跳号", _GB + "7.3.3"),
    Rule("number-repeat", E, "结构层次序数重复", _GB + "7.3.3"),
    Rule("number-backward", E, "结构层次序数倒序", _GB + "7.3.3"),
    Rule("number-start", W, "结构层次序数未从一开始", _GB + "7.3.3"),
    Rule("number-level", E, "结构层次次序颠倒（应为 一、（一）1.（1））", _GB + "7.3.3"),
    Rule("number-form", W, "序数写法不规范（半角括号、“1、”、“（一）、”）", _GB + "7.3.3"),
    Rule("number-manual", W, "YAML 标题中手写了序数（生成时会自动编号）", _GB + "7.3.3", "yaml"),
    # punctuation and characters
    Rule("bracket-unbalanced", E, "括号不成对", _PUNCT + "4.9"),
    Rule("quote-unbalanced", W, "引号不成对", _PUNCT + "4.8"),
    Rule("punct-half-width", W, "中文中夹用半角标点", "GB/T 15834—2011"),
    Rule("punct-ellipsis", W, "省略号应为“……”", _PUNCT + "4.11"),
    Rule("punct-dash", W, "破折号应为“——”", _PUNCT + "4.10"),
    Rule("digit-full-width", W, "使用了全角数字", "GB/T 15835—2011"),
    # fields
    Rule("date-form", E, "成文日期写法不规范（应为 2020年2月19日）", _GB + "7.3.5"),
    Rule("date-invalid", W, "日期无效（不存在的月、日）"),
    Rule("doc-number-form", E, "发文字号写法不规范（〔〕、四位年份、不加“第”、不编虚位）", _GB + "7.2.5"),
    Rule("title-punct", E, "标题末尾带标点", _GB + "7.3.1"),
    Rule("title-lines", W, "标题回行不当（超出版心、一两个字单独成行、拆开词语）", _GB + "7.3.1"),
    Rule("recipients-colon", E, "主送机关后缺全角冒号", _GB + "7.3.2"),
    Rule("cc-full-stop", E, "抄送机关末尾缺句号", _GB + "7.4.2"),
    Rule("attachment-mismatch", W, "附件说明与所附附件不符", _GB + "7.3.4"),
    Rule("attachment-punct", W, "附件名称后加了标点", _GB + "7.3.4"),
    Rule("measure-owner", W, "工作措施没有责任领导或责任人"),
    Rule("clause-form", N, "责任分工写法不规范"),
    # 文种 (generator/kinds.py)
    Rule("kind-format", E, "格式与文种不合（格式名、只用于命令或纪要格式的字段、信函的印发机关）", _GB + "10", "yaml"),
    Rule("kind-signature", W, "纪要署名或标注了成文日期（纪要不署名、不盖章）", _GB + "10.3"),
    Rule("kind-order", E, "命令（令）缺令号、签发人或签发人职务", _GB + "10.2、7.3.5.3"),
    Rule("kind-recipients", W, "主送机关不合文种要求（请示一个、公告通告不写、议案主送人大）", _REGS + "第十五条"),
    Rule("kind-signer-missing", E, "上行文版头缺签发人", _GB + "7.2.6"),
    Rule("kind-signer", W, "非上行文标注了签发人", _GB + "7.2.6"),
    Rule("kind-mixed", W, "请示与报告混用，或报告夹带请示事项", _REGS + "第十五条"),
    Rule("kind-reply", W, "批复未引述所答复的请示", _REGS + "第八条"),
    Rule("kind-contact", W, "请示附注未注明联系人和电话", _GB + "7.3.6"),
    Rule("person-not-in-roster", E, "责任人、组员等不在人员名单中", "", "yaml"),
    Rule("yaml-syntax", E, "YAML 语法错误", "", "yaml"),
    Rule("yaml-schema", E, "YAML 字段不符合要求", "", "yaml"),
    # layout (DOCX and PDF)
    Rule("page-size", E, "纸张不是 A4（210 mm × 297 mm）", _GB + "5.2.1", "layout"),
    Rule("page-margin", E, "页边距不符（上37、下35、左28、右26 mm）", _GB + "5.2.2.1", "layout"),
    Rule("body-font", E, "正文不是三号仿宋", _GB + "5.2.2.2", "layout"),
    Rule("heading-font", W, "各级标题字体不符（一级黑体、二级楷体）", _GB + "7.3.3", "layout"),
    Rule("title-font", W, "标题不是二号小标宋", _GB + "7.3.1", "layout"),
    Rule("grid-lines", W, "每页不是22行", _GB + "5.2.2.3", "layout"),
    Rule("grid-chars", W, "每行不是28字", _GB + "5.2.2.3", "layout"),
    Rule("page-number", W, "页码不符（四号半角宋体“— 1 —”，单页居右、双页居左）", _GB + "7.5", "layout"),
    Rule("red-header", E, "版头发文机关标志或分隔线不是红色", _GB + "7.2.4、7.2.7", "layout"),
    Rule("letter-rules", E, "信函格式缺红色双线或位置不符（标志下4 mm、距页面下边缘20 mm）", _GB + "10.1", "layout"),
    Rule("imprint-position", W, "版记不在末页下端或字号不是四号", _GB + "7.4", "layout"),
    Rule("font-embedded", E, "PDF 未嵌入字体", "", "layout"),
    Rule("font-east-asian", W, "DOCX 中文字体未设置（由主题字体决定）", "", "layout"),
    Rule("no-text-layer", N, "PDF 页面无文字层（扫描件），文字未检查或按 OCR 识别的文字检查", "", "layout"),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}
