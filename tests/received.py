"""Hand-written documents that gongwen did not generate: a DOCX report and a PDF notice.

All text is our own. Each builder writes a file with an ordinary tool (python-docx,
WeasyPrint from plain HTML), the way other offices produce the files an auditor receives.
"""
from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "received"
TRADITIONAL_TXT = FIXTURES / "關於做好返崗復工期間聯防聯控工作的通知.txt"

REPORT_LINES = [
    "河西镇人民政府",
    "河西政报〔2020〕12号　　　　　　　　签发人：吴德明",
    "河西镇人民政府关于春季复工复产疫情防控工作情况的报告",
    "县人民政府：",
    "按照县委、县政府统一部署，我镇扎实推进复工复产期间的疫情防控工作，现将有关情况报告如下。",
    "一、组织领导",
    "成立镇复工复产疫情防控工作领导小组，组成人员如下：",
    "组　长：吴德明　镇长",
    "副组长：蒋丽华　副镇长",
    "成　员：沈国平、韦建英",
    "二、主要措施",
    "（一）企业复工备案。对申请复工的企业逐家审核防控方案，落实员工健康登记和返岗报备。",
    "（责任领导：蒋丽华　责任人：沈国平　完成时限：2020年3月10日前）",
    "（二）集市错峰管理。集市实行错峰分时段开放，入口测温登记，每日收市后全面消杀。",
    "（责任领导：吴德明　责任人：韦建英、沈国平）",
    "三、下一步打算",
    "我镇将继续抓好防控与发展两手抓，确保复工复产有序推进。",
    "特此报告。",
    "河西镇人民政府",
    "2020年3月5日",
]

NOTICE_LINES = [
    "北岭街道办事处关于开展春季爱国卫生运动的通知",
    "各社区居委会，街道各科室：",
    "为改善辖区人居环境，降低传染病传播风险，街道决定在全辖区开展春季爱国卫生运动。",
    "一、清理卫生死角。各社区组织网格员对背街小巷、老旧小区逐一排查，清运积存垃圾。",
    "（责任领导：石永强　责任人：钟晓梅）",
    "二、开展病媒防制。重点区域每周开展一次灭鼠灭蚊，公共厕所每日保洁两次。",
    "（责任领导：石永强　责任人：龙海波、钟晓梅）",
    "北岭街道办事处",
    "2020年4月8日",
]


def write_docx(path: Path, lines: list[str] = REPORT_LINES) -> Path:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(path)
    return path


def write_pdf(path: Path, lines: list[str] = NOTICE_LINES) -> Path:
    from weasyprint import HTML

    body = "".join(f"<p>{line}</p>" for line in lines)
    HTML(string=f"<html><body style='font-family: \"FandolSong\"'>{body}</body></html>"
         ).write_pdf(path)
    return path
