"""Queries over the archive index: ranked search with filters, snippets, facets; `who`."""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from whoosh import query

from archive.core import Archive, ArchiveError
from archive.records import PERIODS, MeasureEntry

from .analysis import dictionary
from .index import TEXT_FIELDS, day_key, index_dir, index_errors, open_index
from .measures import MeasureTerms, matches
from .normalize import docno_key, normalize_key
from .snippets import snippet

if TYPE_CHECKING:
    import numpy as np

FACETS = {"unit_name": "发文机关", "type": "文种", "year": "年度"}


@dataclass(frozen=True)
class Filters:
    unit: str = ""
    type: str = ""
    person: str = ""
    docno: str = ""
    period: str = ""
    date_from: str = ""  # 2020, 2020-01 or 2020-01-15
    date_to: str = ""
    current_only: bool = False  # leave out superseded records


@dataclass(frozen=True)
class Hit:
    record_id: int
    score: float
    archival_code: str
    title: str
    unit: str
    kind: str
    date: str
    doc_number: str
    snippet: str
    superseded_by: int | None


@dataclass(frozen=True)
class Source:
    record_id: int
    seq: int  # the measure's place in that document
    title: str
    archival_code: str


@dataclass
class MeasureHit:
    """One measure; the same measure in several documents (a plan and the notice that
    issues it) is one hit with several sources."""

    score: float
    title: str
    text: str
    leaders: tuple[str, ...]
    doers: tuple[str, ...]
    deadline: str
    snippet: str
    sources: list[Source] = field(default_factory=list)


@dataclass
class Results:
    total: int
    page: int
    pages: int
    hits: list = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class QueryError(ArchiveError):
    """The search words or filters cannot be understood."""


FIELDS = {"doc": ("title", "content"), "measure": ("m_title", "m_content")}


# -- the query language (README, 检索语法): words, "phrases", AND, OR, NOT, -word, brackets.
# OR binds tighter than AND (written or implied), NOT and '-' tightest of all; NOT NOT x is x;
# a query of exclusions only means every document but those.


@dataclass(frozen=True)
class Word:
    text: str
    quoted: bool = False
    slop: int = 1


@dataclass(frozen=True)
class Negated:
    part: "Node"


@dataclass(frozen=True)
class AllOf:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple["Node", ...]


Node = Word | Negated | AllOf | AnyOf
MAX_QUERY_CHARS = 1000
MAX_NESTING = 20  # brackets within brackets
OPERATORS = ("AND", "OR", "NOT")
_PHRASE = re.compile(r'"([^"]*)"(?:~([1-9][0-9]{0,2}))?')
_BARE = re.compile(r'[^\s()"]+')
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "＂": '"', "　": " ",
                         "（": "(", "）": ")"})


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "(", ")", "-", or one of OPERATORS
    text: str = ""
    node: Word | None = None


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char.isspace():
            at += 1
        elif char in "()":
            out.append(_Token(char, char))
            at += 1
        elif char == '"':
            m = _PHRASE.match(text, at)
            if not m:
                raise QueryError(f"检索式“{text}”中的引号不成对")
            if not m.group(1).strip():
                raise QueryError(f"检索式“{text}”中有一对引号内没有检索词")
            out.append(_Token("word", m.group(0), Word(m.group(1), True, int(m.group(2) or 1))))
            at = m.end()
        elif char == "-":
            if at + 1 == len(text) or text[at + 1].isspace() or text[at + 1] == ")":
                raise QueryError(f"检索式“{text}”中的“-”后面缺少排除词（“-”与排除词之间不要空格）")
            out.append(_Token("-", "-"))
            at += 1
        else:
            m = _BARE.match(text, at)
            word = m.group(0)
            at = m.end()
            if word.upper() in OPERATORS:
                out.append(_Token(word.upper(), word))
            else:
                out.append(_Token("word", word, Word(word)))
    return out


class _Parser:
    """Recursive descent over the tokens: all := any (AND? any)*, any := one (OR one)*,
    one := (NOT | -)* (word | phrase | "(" all ")")."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0

    def _peek(self) -> str | None:
        return self.tokens[self.at].kind if self.at < len(self.tokens) else None

    def _fail(self, why: str) -> QueryError:
        return QueryError(f"检索式“{self.text}”有误：{why}")

    def parse(self) -> Node:
        node = self._all()
        if self._peek() == ")":
            raise self._fail("“)”前面没有对应的“(”")
        return node

    def _all(self) -> Node:
        parts = [self._any()]
        while self._peek() not in (None, ")"):
            if self._peek() == "AND":
                self.at += 1
                if self._peek() in (None, ")"):
                    raise self._fail("“AND”后面缺少检索词")
            parts.append(self._any())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def _any(self) -> Node:
        parts = [self._one()]
        while self._peek() == "OR":
            self.at += 1
            if self._peek() in (None, ")", "AND", "OR"):
                raise self._fail("“OR”后面缺少检索词")
            parts.append(self._one())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def _one(self) -> Node:
        kind = self._peek()
        if kind in ("AND", "OR"):
            raise self._fail(f"“{kind}”前面缺少检索词")
        if kind in (None, ")"):
            after_open = self.at > 0 and self.tokens[self.at - 1].kind == "("
            if kind == ")":
                raise self._fail("括号内没有检索词" if after_open else "“)”前面没有对应的“(”")
            raise self._fail("缺少与“(”对应的“)”" if after_open else "缺少检索词")
        negations = 0
        while self._peek() in ("NOT", "-"):
            self.at += 1
            negations += 1
            if self._peek() in (None, ")", "AND", "OR"):
                raise self._fail(f"“{self.tokens[self.at - 1].text}”后面缺少要排除的检索词")
        if self._peek() == "(":
            part = self._group()
        else:
            part = self.tokens[self.at].node
            self.at += 1
        if isinstance(part, Negated):  # NOT (NOT x)
            negations, part = negations + 1, part.part
        return Negated(part) if negations % 2 else part

    def _group(self) -> Node:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self._fail(f"括号嵌套超过 {MAX_NESTING} 层")
        self.at += 1
        inner = self._all()
        if self._peek() != ")":
            raise self._fail("缺少与“(”对应的“)”")
        self.at += 1
        self.depth -= 1
        return inner


def syntax(text: str) -> Node | None:
    """The structure of a search's words; None for no words (every document)."""
    text = text.translate(_QUOTES).strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"检索式过长：{len(text)} 个字符，最多 {MAX_QUERY_CHARS} 个")
    return _Parser(text).parse() if text else None


def _leaf(schema, fieldname: str, word: Word) -> query.Query | None:
    """One word (several pieces: a phrase of them) or quoted phrase in one field; None
    when the analysis leaves nothing of it (punctuation)."""
    pieces = [t.text for t in schema[fieldname].tokenize(word.text, mode="query")]
    if not pieces:
        return None
    if len(pieces) == 1 and not word.quoted:
        return query.Term(fieldname, pieces[0])
    return query.Phrase(fieldname, pieces, slop=word.slop)


def compile_node(schema, node: Node, fields_: tuple[str, ...]) -> query.Query | None:
    """The Whoosh query of `node`; None when nothing searchable is left in it. Exclusions
    beside other parts become an AndNot (scored by the other parts alone)."""
    if isinstance(node, Word):
        leaves = [q for name in fields_ if (q := _leaf(schema, name, node)) is not None]
        return query.Or(leaves) if leaves else None
    if isinstance(node, Negated):
        inner = compile_node(schema, node.part, fields_)
        return None if inner is None else query.Not(inner)
    parts = [q for q in (compile_node(schema, p, fields_) for p in node.parts) if q is not None]
    if not parts:
        return None
    if isinstance(node, AnyOf):
        return parts[0] if len(parts) == 1 else query.Or(parts)
    kept = [q for q in parts if not isinstance(q, query.Not)]
    dropped = [q.query for q in parts if isinstance(q, query.Not)]
    if not kept:
        return query.Not(dropped[0] if len(dropped) == 1 else query.Or(dropped))
    found = kept[0] if len(kept) == 1 else query.And(kept)
    if not dropped:
        return found
    return query.AndNot(found, dropped[0] if len(dropped) == 1 else query.Or(dropped))


EVERYTHING = query.Term("kind", "doc")  # every document (and every measure)


def parse(schema, text: str, kind: str = "doc") -> query.Query:
    """The words of a search for documents (or for measures, kind="measure")."""
    node = syntax(text)
    if node is None:
        return EVERYTHING
    q = compile_node(schema, node, FIELDS[kind])
    if q is None:
        raise QueryError(f"检索式“{text.strip()}”中没有可检索的文字（标点不参与检索）")
    return q


def without_exclusions(q: query.Query) -> query.Query:
    """`q` with every exclusion dropped: the documents holding a measure that matches `q`
    are among these (a document-level exclusion would drop documents whose other
    measures hold the excluded word)."""
    if isinstance(q, query.Not):
        return EVERYTHING
    if isinstance(q, query.AndNot):
        return without_exclusions(q.a)
    if isinstance(q, (query.And, query.Or)):
        return type(q)([without_exclusions(sub) for sub in q.subqueries])
    return q


def _day(text: str, end: bool) -> date:
    """2020 / 2020-01 / 2020-01-15 (or 2020年1月) -> first (or last) day of that span."""
    m = re.fullmatch(r"(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?", text.strip())
    if not m:
        raise QueryError(f"日期“{text}”应写作 2020、2020-01 或 2020-01-15")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            start = date(year, int(month), int(day))
            last = start
        elif month:
            start = date(year, int(month), 1)
            last = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        else:
            start, last = date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        raise QueryError(f"日期“{text}”无效") from None
    return last if end else start


def filter_query(filters: Filters) -> query.Query | None:
    """The documents (and measures) passing `filters`; None when nothing is filtered."""
    parts: list[query.Query] = []
    if filters.unit:
        key = normalize_key(filters.unit)
        parts.append(query.Or([query.Term("unit", key), query.Wildcard("unit", f"*{key}*")]))
    if filters.type:
        parts.append(query.Term("type", filters.type.strip()))
    if filters.person:
        parts.append(query.Term("person", normalize_key(filters.person)))
    if filters.docno:
        parts.append(query.Term("docno", docno_key(filters.docno)))
    if filters.period:
        if filters.period not in PERIODS:
            raise QueryError("保管期限应为 " + "、".join(PERIODS))
        parts.append(query.Term("period", filters.period))
    if filters.date_from or filters.date_to:
        start = day_key(_day(filters.date_from, end=False)) if filters.date_from else None
        end = day_key(_day(filters.date_to, end=True)) if filters.date_to else None
        parts.append(query.TermRange("date", start, end))
    if filters.current_only:
        parts.append(query.Not(query.Term("superseded", True)))
    return query.And(parts) if parts else None


def _content_words(q: query.Query) -> list[str]:
    """The pieces the (unrewritten) query looks for, for snippets."""
    return [text.decode("utf-8") if isinstance(text, bytes) else text
            for field_, text in q.all_terms() if field_ in FIELDS["doc"] + FIELDS["measure"]]


def for_ranking(q: query.Query) -> query.Query:
    """The query as the ranker answers it: a phrase of one piece is that term, and a phrase
    with slop ("..."~3) asks for its words anywhere in the text; other phrases are checked
    over the pieces' positions (ranking.Ranker)."""
    if isinstance(q, query.Phrase) and q.fieldname in TEXT_FIELDS:
        words = list(q.words)
        if q.slop != 1 or len(words) == 1:
            terms = [query.Term(q.fieldname, word, boost=q.boost) for word in words]
            return terms[0] if len(terms) == 1 else query.And(terms)
        return q
    return q.apply(for_ranking)


def _reading(method):
    """An ArchiveSearcher method whose failures reading the index say so (IndexDamaged)."""
    @functools.wraps(method)
    def reading(self, *args, **kwargs):
        with index_errors(self._opened_dir):
            return method(self, *args, **kwargs)
    return reading


FILTER_CACHE = 64  # filters kept as document sets per open searcher


class ArchiveSearcher:
    """The index held open for many queries, as a long-running process (or the benchmark)
    uses it: queries are scored a posting list at a time (ranking.Ranker), filters become
    cached document sets, and a newer index is picked up on the next query. `search()` and
    `who()` below open one for a single call."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self._open()
        dictionary()  # the word cutter, loaded with the index rather than by the first query

    def _open(self) -> None:
        from .ranking import Ranker  # numpy is loaded for searching, not for `--help`

        self.ix = open_index(self.archive)
        path = index_dir(self.archive)
        with index_errors(path):
            self.searcher = self.ix.searcher()
            self.ranker = Ranker(self.searcher)
            self.ranker.prepare(FIELDS["doc"] + FIELDS["measure"])
        self._allowed: dict[Filters, np.ndarray | None] = {}
        self._opened_dir = path

    def __enter__(self) -> "ArchiveSearcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.searcher.close()

    def _current(self):
        """Reopen when the index has changed: opened afresh, not refreshed, since Whoosh's
        refresh keeps readers of segments that a commit has merged away."""
        if index_dir(self.archive) != self._opened_dir or not self.searcher.up_to_date():
            self.close()
            self._open()
        return self.searcher

    @_reading
    def allowed(self, filters: Filters):
        """The documents that pass `filters` as a mask over document numbers (None: all
        do), computed once per open index."""
        if filters not in self._allowed:
            self._current()
            q = filter_query(filters)
            found = None if q is None else self.ranker.mask(q)
            if len(self._allowed) >= FILTER_CACHE:
                self._allowed.pop(next(iter(self._allowed)))
            self._allowed[filters] = found
        return self._allowed[filters]

    def _parse(self, text: str, kind: str = "doc") -> query.Query:
        return parse(self._current().schema, text, kind)

    def _matches(self, asked: query.Query, filters: Filters):
        found = self.ranker.matches(for_ranking(asked)).tied_by(self.ranker.records())
        allowed = self.allowed(filters)
        return found if allowed is None else found.keep(allowed[found.ids])

    @_reading
    def search(self, text: str, filters: Filters = Filters(), page: int = 1,
               per_page: int = 10, facets: bool = False) -> Results:
        asked = self._parse(text)
        found = self._matches(asked, filters)
        shown = found.top(page * per_page)[(page - 1) * per_page:]
        record_of = self.ranker.records()
        catalog = self.archive.catalog
        records = {r.id: r for r in catalog.records(ids=[int(record_of[d]) for d, _ in shown])}
        words = _content_words(asked)
        out = []
        for doc, score in shown:
            record = records[int(record_of[doc])]
            marked = snippet(catalog.text(record.id), words)
            out.append(Hit(record.id, score, record.archival_code,
                           record.metadata.title, record.metadata.organ, record.metadata.kind,
                           record.metadata.date, record.metadata.doc_number,
                           marked, record.superseded_by))
        facet_counts = ({label: self._facet(found.ids, name) for name, label in FACETS.items()}
                        if facets else {})
        total = len(found)
        return Results(total, page, max(1, math.ceil(total / per_page)), out, facet_counts)

    def _facet(self, docs, name: str) -> dict[str, int]:
        if not len(docs):  # an empty index has no columns to read
            return {}
        column = self.searcher.reader().column_reader(name)
        counts = Counter(column[doc] for doc in docs.tolist())
        return dict(sorted(((k or "（未知）", v) for k, v in counts.items()),
                           key=lambda kv: (-kv[1], kv[0])))

    @_reading
    def record_ids(self, text: str, filters: Filters = Filters()) -> set[int]:
        """Every record matching, unranked (for exports and for checking recall)."""
        found = self._matches(self._parse(text), filters)
        return set(self.ranker.records()[found.ids].tolist())

    @_reading
    def who(self, text: str, filters: Filters = Filters(), limit: int = 20) -> list[MeasureHit]:
        """Measures whose text matches, with who answers for them and where they come from:
        the measures of the best-matching documents first, in their order there, until
        `limit` are found (the same measure in several documents counts once per document,
        and is one hit with several sources)."""
        asked = self._parse(text, "measure")
        rewritten = for_ranking(asked)
        person = normalize_key(filters.person) if filters.person else ""
        words = _content_words(asked)
        catalog = self.archive.catalog
        out: dict[MeasureEntry, MeasureHit] = {}
        found = 0
        record_of = self.ranker.records()
        for doc, score in self._matches(without_exclusions(asked), filters).ranked():
            record = catalog.record(int(record_of[doc]))
            for seq, measure in enumerate(catalog.measures(record.id), start=1):
                if found == limit:
                    return list(out.values())
                if person and person not in {normalize_key(n)
                                             for n in measure.leaders + measure.doers}:
                    continue
                if not matches(rewritten, MeasureTerms.of(measure)):
                    continue
                found += 1
                if measure not in out:
                    marked = snippet(measure.text, words) or measure.text[:80]
                    out[measure] = MeasureHit(score, measure.title, measure.text,
                                              measure.leaders, measure.doers,
                                              measure.deadline, marked)
                out[measure].sources.append(Source(record.id, seq, record.metadata.title,
                                                   record.archival_code))
        return list(out.values())


def search(archive: Archive, text: str, filters: Filters = Filters(), page: int = 1,
           per_page: int = 10, facets: bool = False) -> Results:
    with ArchiveSearcher(archive) as session:
        return session.search(text, filters, page, per_page, facets)


def who(archive: Archive, text: str, filters: Filters = Filters(),
        limit: int = 20) -> list[MeasureHit]:
    with ArchiveSearcher(archive) as session:
        return session.who(text, filters, limit)
