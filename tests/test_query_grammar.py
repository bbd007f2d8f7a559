"""The query language's corners (README, 检索语法) on a real archive and index: NOT, AND, OR,
-word, brackets and quotes, each compared with the record sets it should mean."""
from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.core import Archive
from search.normalize import normalize
from search.query import ArchiveSearcher, QueryError

from .clirun import gongwen

# words of the sample archive; each one's documents are checked against the plain text below
WORDS = ("消毒", "值班", "学校", "社区", "口罩", "火箭")


@pytest.fixture(scope="module")
def session(built_archive):
    with Archive(built_archive, create=False) as archive, ArchiveSearcher(archive) as opened:
        yield opened


@pytest.fixture(scope="module")
def sets(session) -> dict[str, set[int]]:
    """Each word's records, by plain substring search over every record's title and text,
    and "*" for every record."""
    catalog = session.archive.catalog
    texts = {r.id: normalize(r.metadata.title + "\n" + catalog.text(r.id)).text
             for r in catalog.records()}
    out = {w: {rid for rid, text in texts.items() if normalize(w).text in text} for w in WORDS}
    out["*"] = set(texts)
    return out


def found(session, text: str) -> set[int]:
    return session.record_ids(text)


def test_the_words_are_found_where_they_are_written_and_differ(session, sets):
    for word in WORDS:
        assert found(session, word) == sets[word], word
    everything = sets["*"]
    assert len({frozenset(sets[w]) for w in WORDS}) == len(WORDS)  # the cases below can differ
    assert sets["火箭"] == set() and set() < sets["值班"] < everything and sets["社区"] < everything
    assert sets["学校"] - sets["值班"] and sets["值班"] - sets["社区"]


CASES = {
    "值班": lambda s: s["值班"],
    "-值班": lambda s: s["*"] - s["值班"],
    "NOT 值班": lambda s: s["*"] - s["值班"],
    "NOT NOT 值班": lambda s: s["值班"],
    "--值班": lambda s: s["值班"],
    "-NOT 值班": lambda s: s["值班"],
    "NOT -值班": lambda s: s["值班"],
    "-值班 -社区": lambda s: s["*"] - s["值班"] - s["社区"],
    "学校 -值班": lambda s: s["学校"] - s["值班"],
    "学校 NOT 值班": lambda s: s["学校"] - s["值班"],
    "学校 AND NOT 值班": lambda s: s["学校"] - s["值班"],
    "学校 OR -值班": lambda s: s["学校"] | (s["*"] - s["值班"]),
    "社区 OR NOT 值班": lambda s: s["社区"] | (s["*"] - s["值班"]),
    "(-值班) 学校": lambda s: s["学校"] - s["值班"],
    "(-值班)": lambda s: s["*"] - s["值班"],
    "-(值班 OR 社区)": lambda s: s["*"] - (s["值班"] | s["社区"]),
    "NOT (值班 社区)": lambda s: s["*"] - (s["值班"] & s["社区"]),
    "-\"值班\"": lambda s: s["*"] - s["值班"],
    "学校 值班 OR 社区": lambda s: s["学校"] & (s["值班"] | s["社区"]),
    "学校 AND 值班 OR 社区": lambda s: s["学校"] & (s["值班"] | s["社区"]),
    "值班 OR 社区 学校": lambda s: (s["值班"] | s["社区"]) & s["学校"],
    "(学校 值班) OR 社区": lambda s: (s["学校"] & s["值班"]) | s["社区"],
    "（学校 值班） OR 社区": lambda s: (s["学校"] & s["值班"]) | s["社区"],
    "((值班))": lambda s: s["值班"],
    "值班 or 社区": lambda s: s["值班"] | s["社区"],
    "值班 and not 社区": lambda s: s["值班"] - s["社区"],
    "火箭 OR 值班": lambda s: s["值班"],
    "-火箭": lambda s: s["*"],
    "值班 ，": lambda s: s["值班"],  # punctuation is not searched
    "值班 OR -，": lambda s: s["值班"],
    "“值班”": lambda s: s["值班"],
    '"学校 值班"~3': lambda s: s["学校"] & s["值班"],
    "": lambda s: s["*"],
}


@pytest.mark.parametrize("text", list(CASES))
def test_each_combination_means_what_it_says(session, sets, text):
    assert found(session, text) == CASES[text](sets)


ERRORS = {
    "NOT OR 消毒": "“NOT”后面缺少要排除的检索词",
    "NOT": "“NOT”后面缺少",
    "消毒 NOT": "“NOT”后面缺少",
    "消毒 -": "“-”后面缺少排除词",
    "- 消毒": "“-”与排除词之间不要空格",
    "-)": "“-”后面缺少排除词",
    "OR 消毒": "“OR”前面缺少检索词",
    "消毒 OR": "“OR”后面缺少检索词",
    "消毒 OR OR 值班": "“OR”后面缺少检索词",
    "AND": "“AND”前面缺少检索词",
    "消毒 AND": "“AND”后面缺少检索词",
    "消毒 AND OR 值班": "“OR”前面缺少检索词",
    "(消毒": "缺少与“(”对应的“)”",
    "消毒)": "“)”前面没有对应的“(”",
    "()": "括号内没有检索词",
    "消毒 (NOT)": "“NOT”后面缺少",
    '"消毒': "引号不成对",
    '""': "引号内没有检索词",
    "，": "没有可检索的文字",
    "-，": "没有可检索的文字",
}


@pytest.mark.parametrize("text", list(ERRORS))
def test_what_cannot_be_read_is_a_chinese_message(session, text):
    with pytest.raises(QueryError, match=re.escape(ERRORS[text])):
        session.record_ids(text)
    with pytest.raises(QueryError):
        session.who(text)


def test_who_excludes_measure_by_measure(session):
    """A measure without the excluded word is listed even when another measure of its
    document holds that word."""
    def measure_has(hit, word):
        return normalize(word).text in normalize(hit.title + "\n" + hit.text).text

    every = session.who("消毒", limit=1000)
    kept = session.who("消毒 -通风", limit=1000)
    assert any(measure_has(h, "通风") for h in every)
    assert {h.title for h in kept} == {h.title for h in every if not measure_has(h, "通风")}
    sources_with_vent = {s.record_id for h in every if measure_has(h, "通风") for s in h.sources}
    assert sources_with_vent & {s.record_id for h in kept for s in h.sources}
    assert {h.title for h in session.who("-通风 消毒", limit=1000)} == {h.title for h in kept}


def test_cli_takes_a_bare_minus_word_as_an_exclusion(built_archive, session, sets):
    expected = len(sets["学校"] - sets["值班"])
    for args in (["学校", "-值班", "-A", built_archive],
                 ["-A", built_archive, "学校", "-值班", "--per-page", "50"],
                 ["-A", built_archive, "--", "学校", "-值班"],
                 ["学校", "-值班", f"-A{built_archive}", "--json"]):
        ran = gongwen("search", *args, expect=0)
        if "--json" in args:
            assert json.loads(ran.out)["total"] == expected
        else:
            assert f"共 {expected} 条" in ran.out, args
    ran = gongwen("search", "学校", "OR", "-值班", "--unit", "-不存在", "-A", built_archive,
                  expect=0)
    assert "共 0 条" in ran.out  # an option's value starting with "-" stays its value
    ran = gongwen("who", "消毒", "-通风", "-A", built_archive, "--json", expect=0)
    assert {h["title"] for h in json.loads(ran.out)} == {
        h.title for h in session.who("消毒 -通风", limit=20)}
    ran = gongwen("search", "学校", "--unti", "x", "-A", built_archive, expect=2)
    assert "--unti" in ran.err  # a mistyped long option is still reported as one


@pytest.mark.parametrize("words", [["NOT", "OR", "消毒"], ["(-x)", "消毒"], ["NOT", "NOT", "值班"],
                                   ["学校", "OR", "-值班"], ["(消毒"], ["-"]])
def test_cli_hostile_queries_never_trace_back(built_archive, words):
    ran = gongwen("search", *words, "-A", built_archive)
    assert ran.code in (0, 2), ran.text
    if ran.code == 2:
        assert "检索式" in ran.err
    if words[0] == "NOT":
        ran = gongwen("who", *words, "-A", built_archive)
        assert ran.code in (0, 2), ran.text


# -- property: random token sequences, against a naive evaluation of the same rules

VOCAB = ("消毒", "值班", "社区", "火箭", "，")
TOKENS = st.sampled_from(
    [*VOCAB, *(f"-{w}" for w in VOCAB), *(f'"{w}"' for w in VOCAB),
     "NOT", "not", "AND", "OR", "or", "(", ")", '"'])

_RANK = {"OR": 2, "AND": 1}


class Invalid(Exception):
    pass


def naive(tokens: list[str], leaf: dict[str, set[int] | None], everything: set[int]):
    """Shunting-yard over the token list, sets for values, None for a word with nothing to
    search (punctuation). Raises Invalid where the query language reports an error."""
    flat = []
    for token in tokens:
        if token.startswith("-"):
            flat += ["NOT", token[1:]]
        else:
            flat.append(token.upper() if token.upper() in ("AND", "OR", "NOT") else token)
    values, ops = [], []

    def apply(op):
        if op == "NOT":
            v = values.pop()
            values.append(None if v is None else everything - v)
            return
        b, a = values.pop(), values.pop()
        if a is None or b is None:
            values.append(b if a is None else a)
        else:
            values.append(a | b if op == "OR" else a & b)

    expect_operand = True
    for token in flat:
        if expect_operand:
            if token == "NOT" or token == "(":
                ops.append(token)
            elif token in ("AND", "OR", ")"):
                raise Invalid(token)
            else:
                values.append(leaf[token.strip('"')])
                expect_operand = False
            continue
        if token == ")":
            while ops and ops[-1] != "(":
                apply(ops.pop())
            if not ops:
                raise Invalid(")")
            ops.pop()
            while ops and ops[-1] == "NOT":
                apply(ops.pop())
            continue
        op = token if token in _RANK else "AND"
        while ops and ops[-1] != "(" and (ops[-1] == "NOT" or _RANK[ops[-1]] >= _RANK[op]):
            apply(ops.pop())
        ops.append(op)
        if op == "AND" and token != "AND":  # implied: this token starts the next operand
            if token in ("NOT", "("):
                ops.append(token)
            else:
                values.append(leaf[token.strip('"')])
                continue
        expect_operand = True
    if expect_operand or "(" in ops:
        raise Invalid("end")
    while ops:
        apply(ops.pop())
    (value,) = values
    if value is None:
        raise Invalid("nothing to search")
    return value


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, max_size=9))
def test_random_queries_fail_only_in_words_and_agree_with_a_naive_evaluation(built_archive,
                                                                             session, tokens):
    everything = found(session, "")
    leaf = {w: (None if w == "，" else found(session, w)) for w in VOCAB}
    text = " ".join(tokens)
    try:
        got = session.record_ids(text)
    except QueryError as exc:
        assert str(exc)
        got = None
    else:
        assert got <= everything
    if '"' in tokens:  # a lone quote joins what follows into a phrase: no naive meaning
        return
    try:
        expected = naive(tokens, leaf, everything) if tokens else everything
    except Invalid:
        expected = None
    assert got == expected, text


def test_deep_or_long_queries_are_refused_in_words(session, sets):
    assert found(session, "(" * 20 + "值班" + ")" * 20) == sets["值班"]
    with pytest.raises(QueryError, match="括号嵌套超过 20 层"):
        session.record_ids("(" * 21 + "值班" + ")" * 21)
    with pytest.raises(QueryError, match="括号嵌套"):
        session.record_ids("(" * 900)
    assert found(session, "NOT " * 201 + "值班") == sets["*"] - sets["值班"]
    assert found(session, "-" * 900 + "值班") == sets["值班"]
    with pytest.raises(QueryError, match="检索式过长"):
        session.record_ids("值班 " * 400)
