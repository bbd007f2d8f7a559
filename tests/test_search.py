"""Search over a real archive on disk: generated samples plus received DOCX, PDF and 繁體 TXT."""
from __future__ import annotations

import json

import pytest

from archive.core import Archive
from search.normalize import normalize
from search.query import Filters, QueryError, search, who

from .conftest import run_cli


@pytest.fixture(scope="module")
def archive(built_archive):
    with Archive(built_archive, create=False) as opened:
        yield opened


def ids(results) -> set[int]:
    return {hit.record_id for hit in results.hits}


def find(archive, text="", **filters) -> set[int]:
    return ids(search(archive, text, Filters(**filters), per_page=100))


def by_title(archive, fragment: str) -> int:
    (record,) = [r for r in archive.catalog.records()
                 if fragment in r.metadata.title and not r.metadata.title.startswith("关于印发")]
    return record.id


def containing(archive, phrase: str) -> set[int]:
    """Records whose text holds the phrase, by plain substring search over the catalog."""
    wanted = normalize(phrase).text
    return {r.id for r in archive.catalog.records()
            if wanted in normalize(archive.catalog.text(r.id)).text}


@pytest.mark.parametrize("phrase", ["疫情防控", "领导小组下设办公室", "返岗复工", "复工复产",
                                    "责任领导", "联防联控", "每日消毒"])
def test_phrase_query_returns_exactly_the_documents_containing_the_phrase(archive, phrase):
    expected = containing(archive, phrase)
    assert expected, f"no document contains {phrase}"
    assert find(archive, f'"{phrase}"') == expected


def test_phrase_query_does_not_match_words_apart(archive):
    assert find(archive, "小组 领导")  # both words occur, never as 小组领导
    assert containing(archive, "小组领导") == set()
    assert find(archive, '"小组领导"') == set()


def test_sub_word_matches_inside_a_longer_word(archive):
    only_long = by_title(archive, "聯防聯控")  # says 聯防聯控, never 联控 on its own
    assert only_long in find(archive, "联控")
    assert find(archive, "防控") >= find(archive, '"疫情防控"')


def test_traditional_and_simplified_match_each_other(archive):
    traditional = by_title(archive, "聯防聯控")
    assert traditional in find(archive, '"预检分诊"')  # simplified query, 繁體 text
    assert find(archive, "領導小組") == find(archive, "领导小组")
    assert traditional in find(archive, unit="湖滨区卫生健康局")


def test_full_width_digits_match_half_width(archive):
    notice = by_title(archive, "开学前疫情防控")
    assert notice in find(archive, "８６６００１１５")  # the phone number, written 86600115


def test_filters(archive):
    plan = by_title(archive, "青山县第二实验小学新冠肺炎疫情防控工作方案")
    rules = by_title(archive, "联防联控工作制度")
    report = by_title(archive, "复工复产疫情防控工作情况")
    assert find(archive, "疫情", type="方案") == {plan}
    assert find(archive, unit="城东街道") == {rules}
    assert plan in find(archive, person="周明远")
    assert report in find(archive, person="蒋丽华")
    assert find(archive, docno="河西政报〔2020〕12号") == {report}
    assert find(archive, docno="河西政报[2020]12号") == {report}  # brackets folded
    permanent = {r.id for r in archive.catalog.records() if r.metadata.period == "永久"}
    assert rules in permanent and find(archive, period="永久") == permanent  # 制度, 意见 …
    in_feb = find(archive, date_from="2020-02", date_to="2020-02")
    assert plan in in_feb and report not in in_feb
    assert find(archive, date_from="2020-03-05", date_to="2020-03-05") == {report}


def test_boolean_operators(archive):
    a, b = find(archive, "晨午检"), find(archive, "预检分诊")
    assert a and b and not a & b
    assert find(archive, "晨午检 OR 预检分诊") == a | b
    assert find(archive, "疫情 NOT 晨午检") == find(archive, "疫情") - a
    assert find(archive, "疫情 -晨午检") == find(archive, "疫情") - a


def test_title_weighs_more_than_body(archive):
    results = search(archive, "联防联控")
    assert "联防联控" in normalize(results.hits[0].title).text


def test_facets_count_by_unit_type_and_year(archive):
    results = search(archive, "", facets=True)
    records = archive.catalog.records()
    assert results.total == len(records)
    kinds = {}
    for r in records:
        kinds[r.metadata.kind] = kinds.get(r.metadata.kind, 0) + 1
    assert results.facets["文种"] == dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    years = {}
    for r in records:
        years[str(r.year)] = years.get(str(r.year), 0) + 1
    assert results.facets["年度"] == dict(sorted(years.items(), key=lambda kv: (-kv[1], kv[0])))
    assert years["2021"] == 1 and years["2020"] >= 6  # the fixture's spread, so the facet is not trivial
    assert results.facets["发文机关"]["青山县第二实验小学"] == 2


def test_snippets_mark_the_hits(archive):
    (hit,) = search(archive, '"集市错峰"').hits
    assert "\x02" in hit.snippet
    marked = hit.snippet.replace("\x02", "[").replace("\x03", "]")
    assert "[集市][错峰]" in marked or "[集市错峰]" in marked


def test_paging(archive):
    everything = search(archive, "疫情", per_page=100)
    second = search(archive, "疫情", page=2, per_page=2)
    assert second.total == everything.total and second.pages == -(-everything.total // 2)
    assert [h.record_id for h in second.hits] == [h.record_id for h in everything.hits[2:4]]


def test_who_names_the_responsible_people_and_the_documents(archive):
    hits = who(archive, "消毒")
    disinfection = next(h for h in hits if h.title == "做好环境消毒")
    assert disinfection.leaders == ("陈志刚",) and disinfection.doers == ("孙强", "赵敏")
    assert {s.title for s in disinfection.sources} == {
        "青山县第二实验小学新冠肺炎疫情防控工作方案",
        "关于印发《青山县第二实验小学新冠肺炎疫情防控工作方案》的通知"}
    received = next(h for h in who(archive, "集市") if "集市" in h.title)
    assert received.leaders == ("吴德明",) and received.doers == ("韦建英", "沈国平")
    traditional = next(h for h in who(archive, "预检分诊"))
    assert traditional.leaders == ("馮雅琴",) and traditional.deadline == "2021年3月1日前"


def test_bad_query_and_dates_are_reported(archive):
    with pytest.raises(QueryError, match="日期"):
        search(archive, "疫情", Filters(date_from="2020年13"))
    with pytest.raises(QueryError, match="保管期限"):
        search(archive, "疫情", Filters(period="五年"))


def test_cli_search_json(built_archive):
    result = run_cli("search", "消毒", "返岗", "--json", "-A", built_archive)
    data = json.loads(result.stdout)
    assert data["total"] == len(data["hits"]) > 0
    assert all("<mark>" in hit["snippet"] for hit in data["hits"])


def test_cli_who_and_facets_text(built_archive):
    out = run_cli("who", "消毒", "-A", built_archive).stdout
    assert "责任领导：陈志刚" in out and "出自 记录" in out
    out = run_cli("search", "--facets", "疫情防控", "-A", built_archive).stdout
    assert "文种：" in out and "年度：2020" in out


def test_cli_bad_date_is_an_input_error(built_archive):
    result = run_cli("search", "疫情", "--from", "去年", "-A", built_archive, expect=2)
    assert "日期" in result.stderr


def test_who_matches_each_measure_on_its_own(archive):
    # 开窗通风 and 观察室 are in two measures of one plan: that plan matches, no measure does
    assert search(archive, "开窗通风 观察室").total > 0
    assert who(archive, "开窗通风 观察室") == []
    assert {h.title for h in who(archive, "开窗通风 消毒")} == {"做好环境消毒"}
    assert {h.title for h in who(archive, '"临时观察室"')} == {"设置临时观察室", "落实晨午检制度"}


def test_who_by_person_lists_only_that_persons_measures(archive):
    mine = who(archive, "", Filters(person="孙强"))
    assert {"做好环境消毒", "设置临时观察室"} <= {h.title for h in mine}
    assert all("孙强" in h.leaders + h.doers for h in mine)
    assert all("孙强" in h.leaders + h.doers for h in who(archive, "消毒", Filters(person="孙强")))


def test_a_phrase_is_found_inside_a_longer_word(tmp_path):
    """责任制 stands in 责任制度 (cut 责任 / 制度): a phrase is a substring of the text."""
    from search.index import sync

    texts = {"甲": "关于建立制度的通知\n\n各单位要建立安全生产责任制度。\n",
             "乙": "关于落实责任的通知\n\n各单位要落实安全生产责任制。\n",
             "丙": "关于上墙的通知\n\n责任落实到人，制度上墙。\n"}
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    with Archive(tmp_path / "arc") as archive:
        names = {archive.add_received(folder / f"{n}.txt").record_id: n for n in texts}
        sync(archive)
        for phrase in ("责任制", "安全生产责任制", "生产责任制"):
            found = {names[i] for i in find(archive, f'"{phrase}"')}
            assert found == {n for n, t in texts.items() if phrase in t}, phrase
        assert {names[i] for i in find(archive, '"责任制度"')} == {"甲"}
