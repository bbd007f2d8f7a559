"""archive add reads a received document through the importer: the catalog's metadata,
people and measures are what `gongwen import` reads, in the source's own characters, and
what reading noted (page furniture, info-table fallbacks, OCR, 年度) stays with the record.
Every text here is made up for the test."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from archive.core import Archive
from generator.importer.document import import_file

from .conftest import run_cli
from .test_formats import ARTICLES, FOOTER, HEADER, page_pdf
from .test_import_structure import source_text


def write(folder: Path, lines: list[str], name: str = "来文.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def archived(root: Path, path: Path):
    """(record, people, measures, text, outcome) of `path` archived in `root`."""
    with Archive(root) as archive:
        outcome = archive.add_received(path)
        assert outcome.status == "added", outcome.message
        rid = outcome.record_id
        return (archive.get(rid), archive.catalog.people(rid), archive.catalog.measures(rid),
                archive.catalog.text(rid), outcome)


def _named(items, key: str) -> list[str]:
    """Every name (not {角色: …}) under `key` anywhere in the imported 正文."""
    if isinstance(items, list):
        return [n for item in items for n in _named(item, key)]
    if isinstance(items, dict):
        return [n for k, v in items.items()
                for n in ([x for x in (v if isinstance(v, list) else [v]) if isinstance(x, str)]
                          if k == key else _named(v, key))]
    return []


def _found(items, key: str) -> list:
    """Every entry of the lists under `key` anywhere in the imported 正文, in order."""
    if isinstance(items, list):
        return [x for item in items for x in _found(item, key)]
    if isinstance(items, dict):
        return [x for k, v in items.items()
                for x in (v if k == key and isinstance(v, list) else _found(v, key))]
    return []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=source_text())
def test_the_catalog_holds_what_import_reads(tmp_path_factory, lines):
    work = tmp_path_factory.mktemp("one")
    source = write(work, lines)
    imported = import_file(source)
    record, people, measures, text, _ = archived(work / "arc", source)
    fields = imported.fields
    assert record.metadata.title == fields["标题"].replace("\n", "")
    assert record.metadata.organ == (fields["发文机关"] or "")
    assert record.metadata.date == (str(fields["成文日期"]) if fields["成文日期"] else "")
    assert record.year == (fields["成文日期"].year if fields["成文日期"] else 0)
    documents = [fields] + [child.fields for child in imported.attached]
    assert [m.title for m in measures] == [m.get("标题", "") for d in documents
                                           for m in _found(d["正文"], "工作措施")]
    for role, key in (("责任领导", "责任领导"), ("责任人", "责任人"), ("组长", "组长"), ("副组长", "副组长")):
        expected = sorted(n for d in documents for n in _named(d["正文"], key))
        assert sorted(p.name for p in people if p.role == role) == expected, role
    for person in people:  # nobody invented: each name stands in the source
        assert person.name in text
    assert [t for t in text.split("\n") if t] == [line for line in lines if line.strip()]  # whole


def test_measures_of_a_plan_keep_their_owners_and_order(tmp_path):
    source = write(tmp_path, [
        "青禾县河道清淤工作方案",
        "一、工作措施",
        "（一）摸清底数。逐段登记淤积情况。（责任领导：周立新　责任人：郑雅琴）",
        "（二）分段清淤。汛前完成主河道清淤。（责任领导：吴光明　责任人：郑雅琴、冯家宝）",
        "青禾县水利局", "2023年3月6日"])
    record, people, measures, _, _ = archived(tmp_path / "arc", source)
    assert [(m.title, m.leaders, m.doers) for m in measures] == [
        ("摸清底数", ("周立新",), ("郑雅琴",)), ("分段清淤", ("吴光明",), ("郑雅琴", "冯家宝"))]
    assert ("冯家宝", "责任人", "分段清淤") in {(p.name, p.role, p.group) for p in people}
    assert (record.metadata.kind, record.metadata.organ, record.metadata.date) == (
        "方案", "青禾县水利局", "2023-03-06")


def test_traditional_wording_stays_in_the_catalog(tmp_path):
    source = write(tmp_path, [
        "青禾縣衛生健康局關於加強學校衛生工作的通知",
        "各鄉鎮衛生院：",
        "一、成立學校衛生工作領導小組。",
        "組　長：馮志遠　局長",
        "成　員：鄭嘉禾",
        "二、開展環境衛生整治。逐校檢查飲水衛生。（責任領導：馮志遠　責任人：鄭嘉禾）",
        "青禾縣衛生健康局", "2023年4月2日"])
    record, people, measures, _, _ = archived(tmp_path / "arc", source)
    meta = record.metadata
    assert meta.title == "青禾縣衛生健康局關於加強學校衛生工作的通知"
    assert (meta.organ, meta.recipients, meta.kind) == ("青禾縣衛生健康局", "各鄉鎮衛生院", "通知")
    assert ("馮志遠", "组长", "局長") in {(p.name, p.role, p.post) for p in people}
    assert measures[0].title == "開展環境衛生整治" and measures[0].doers == ("鄭嘉禾",)


def test_the_attached_plan_of_an_issuing_notice_gives_its_people(tmp_path):
    source = write(tmp_path, [
        "青禾县人民政府办公室关于印发青禾县河道清淤工作方案的通知",
        "各镇人民政府：",
        "现将《青禾县河道清淤工作方案》印发给你们，请认真贯彻执行。",
        "青禾县人民政府办公室", "2023年3月1日",
        "青禾县河道清淤工作方案",
        "一、组织领导",
        "成立河道清淤工作领导小组。",
        "组  长：周立新  副县长",
        "副组长：吴光明  水利局局长",
        "二、工作措施",
        "（一）分段清淤。汛前完成。（责任领导：吴光明　责任人：冯家宝）"])
    record, people, measures, _, _ = archived(tmp_path / "arc", source)
    assert record.metadata.kind == "通知" and record.metadata.date == "2023-03-01"
    assert {("周立新", "组长", "副县长"), ("吴光明", "副组长", "水利局局长"),
            ("冯家宝", "责任人", "")} <= {(p.name, p.role, p.post) for p in people}
    assert [m.title for m in measures] == ["分段清淤"]


def test_web_copy_fields_from_the_info_table_are_said_and_kept(tmp_path):
    source = write(tmp_path, [
        "首页 | 政务公开 | 通知公告", "访问量：1234",
        "索引号：00123-4567", "发布机构：青禾县水利局", "生成日期：2023-05-06", "文号：青水发〔2023〕3号",
        "关于做好河道清淤工作的通知", "各镇人民政府：", "一、做好清淤。", "【打印】【关闭】"])
    record, _, _, text, outcome = archived(tmp_path / "arc", source)
    meta = record.metadata
    assert (meta.title, meta.organ, meta.doc_number, meta.date, meta.recipients) == (
        "关于做好河道清淤工作的通知", "青禾县水利局", "青水发〔2023〕3号", "2023-05-06", "各镇人民政府")
    assert any(w.startswith("发文机关取自网页信息栏“发布机构”") for w in outcome.warnings)
    assert "访问量：1234" in text  # the catalog text is the file's, whole
    shown = run_cli("archive", "show", record.id, "-A", tmp_path / "arc").stdout
    assert "读取说明：发文字号取自网页信息栏“文号”" in shown


def test_a_newspaper_page_gets_no_kind_or_organ(tmp_path):
    source = write(tmp_path, ["青禾日报 2023年5月6日 星期六", "要闻 2023年5月6日 星期六 责编：林岚",
                              "（上接第2版）", "关于河道清淤的通知", "全县河道清淤进展顺利。"])
    record, *_ = archived(tmp_path / "arc", source)
    assert record.metadata.kind == "" and record.metadata.organ == ""


def test_a_pdf_archives_without_its_page_furniture_and_says_so(tmp_path):
    pdf = page_pdf(tmp_path / "办法.pdf")
    record, _, _, text, outcome = archived(tmp_path / "arc", pdf)
    assert HEADER not in text and FOOTER not in text
    assert text.split("\n") == ["青石县山林巡护办法", *ARTICLES]
    assert record.metadata.title == "青石县山林巡护办法" and record.metadata.kind == "办法"
    (note,) = [w for w in outcome.warnings if "去除了页眉" in w]
    assert f"第1页页眉“{HEADER}”" in note
    shown = json.loads(run_cli("archive", "show", record.id, "--json", "-A", tmp_path / "arc").stdout)
    assert note in shown["reading_notes"]
    report = run_cli("import", pdf, "-o", tmp_path / "办法.yaml", "--report", expect=None).stdout
    assert f"删除第1页页眉“{HEADER}”" in report


def test_an_undated_document_takes_its_year_from_a_stated_date_and_says_where(tmp_path):
    source = write(tmp_path, ["关于河道清淤进展情况的说明", "截至2022年11月30日，已完成清淤十二公里。",
                              "下一步于2099年1月1日前全部完成。"])
    record, _, _, _, outcome = archived(tmp_path / "arc", source)
    assert record.metadata.date == "" and record.year == 2022  # a deadline ahead is not the year
    assert any("第2行" in w and "2022-11-30" in w for w in outcome.warnings)
    undated = write(tmp_path, ["关于河道清淤的说明", "清淤进展顺利。"], "无日期.txt")
    record, _, _, _, outcome = archived(tmp_path / "arc", undated)
    assert record.year == 0 and "WS·0000" in record.archival_code
