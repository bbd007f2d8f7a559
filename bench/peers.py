"""The peers of the real corpus mode: SQLite FTS5 (Python's sqlite3) and tantivy (PyPI
`tantivy`, the `bench` extra), both fed the SAME words as gongwen: the text normalised as
gongwen normalises it (search.normalize.normalize_text: NFKC, simplified, lower case), cut by
rjieba in accurate mode without HMM with gongwen's domain dictionary (search/gongwen_dict.txt)
added, and joined by spaces, so that their whitespace tokenizers (FTS5 unicode61, tantivy's
"whitespace") index exactly those words. A query word is cut the same way: one word is a term,
several are a phrase in the engine's own phrase syntax; the words of a query are ANDed.

Each engine gets the metadata gongwen's archive extracted (unit, type, date), so filtered
queries mean the same everywhere: unit contains the value, type is equal, dates in a range.

    python bench/peers.py query ENGINE INDEX_DIR 'QUERY' ['FILTERS JSON']

runs one query in this (fresh) process: what "fresh process, one query" measures for a peer.
"""
from __future__ import annotations

import json
import re
import sqlite3
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
DOMAIN_DICT = ROOT / "search" / "gongwen_dict.txt"
LIMIT = 10
MARK = ("<b>", "</b>")


class Words:
    """rjieba with gongwen's domain words, no HMM, over gongwen's normal form."""

    def __init__(self):
        import rjieba

        from search.normalize import normalize_text

        self.normalize = normalize_text
        self.cutter = rjieba.Jieba()
        for line in DOMAIN_DICT.read_text(encoding="utf-8").splitlines():
            word, freq, tag = (line.split() + ["", ""])[:3]
            if word:
                self.cutter.add_word(word, int(freq), tag or None)

    def cut(self, text: str) -> list[str]:
        return [w for w in self.cutter.cut(self.normalize(text), False) if not w.isspace()]

    def joined(self, text: str) -> str:
        return " ".join(self.cut(text))


_ITEM = re.compile(r'"([^"]*)"|(\S+)')


def query_items(words: Words, text: str) -> list[list[str]]:
    """The query's items (a quoted phrase or a bare word), each as its words."""
    items = []
    for m in _ITEM.finditer(text):
        cut = words.cut(m[1] if m[1] is not None else m[2])
        cut = [w for w in cut if any(ch.isalnum() for ch in w)]
        if cut:
            items.append(cut)
    return items


def day_bounds(date_from: str, date_to: str) -> tuple[str | None, str | None]:
    """gongwen's --from/--to (2020, 2020-01, 2020-01-15) as ISO days, both inclusive."""
    def first(text):
        parts = [int(p) for p in text.split("-")] + [1, 1]
        return date(parts[0], parts[1], parts[2]).isoformat()

    def last(text):
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 1:
            return f"{parts[0]}-12-31"
        if len(parts) == 2:
            nxt = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1).isoformat()
        return date(*parts).isoformat()

    return (first(date_from) if date_from else None, last(date_to) if date_to else None)


def _day_int(day: str) -> int:
    return int(day.replace("-", "")) if day else 0


# -- SQLite FTS5 ---------------------------------------------------------------------------


class Fts5:
    name = "fts5"

    @staticmethod
    def build(folder: Path, records, words: Words) -> dict:
        folder.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(folder / "fts5.sqlite")  # grown in --grow mode: rows are added
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(title, body, unit UNINDEXED, "
                   "kind UNINDEXED, day UNINDEXED)")
        with db:
            db.executemany("INSERT INTO docs(rowid, title, body, unit, kind, day) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                           ((r["id"], words.joined(r["title"]), words.joined(r["text"]),
                             r["unit"], r["kind"], r["date"]) for r in records))
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        db.commit()
        db.close()
        return {}

    def __init__(self, folder: Path, words: Words):
        self.db = sqlite3.connect(folder / "fts5.sqlite")
        self.words = words
        self.db.execute("SELECT count(*) FROM docs WHERE docs MATCH '工作'").fetchone()

    def _where(self, text: str, filters: dict) -> tuple[str, list]:
        items = query_items(self.words, text)
        match = " AND ".join('"' + " ".join(item) + '"' for item in items)
        sql, args = "docs MATCH ?", [match]
        if filters.get("unit"):
            sql += " AND instr(unit, ?) > 0"
            args.append(filters["unit"])
        if filters.get("kind"):
            sql += " AND kind = ?"
            args.append(filters["kind"])
        lo, hi = day_bounds(filters.get("date_from", ""), filters.get("date_to", ""))
        if lo:
            sql += " AND day >= ?"
            args.append(lo)
        if hi:
            sql += " AND day <> '' AND day <= ?"
            args.append(hi)
        return sql, args

    def search(self, text: str, filters: dict) -> tuple[int, list]:
        where, args = self._where(text, filters)
        total = self.db.execute(f"SELECT count(*) FROM docs WHERE {where}", args).fetchone()[0]
        hits = self.db.execute(
            f"SELECT rowid, snippet(docs, -1, '{MARK[0]}', '{MARK[1]}', '…', 24) FROM docs "
            f"WHERE {where} ORDER BY rank LIMIT {LIMIT}", args).fetchall()
        return total, hits

    def plain(self, text: str, filters: dict) -> tuple[int, list]:
        """The same top 10 and total without snippets (to see what the snippets cost)."""
        where, args = self._where(text, filters)
        total = self.db.execute(f"SELECT count(*) FROM docs WHERE {where}", args).fetchone()[0]
        hits = self.db.execute(f"SELECT rowid FROM docs WHERE {where} ORDER BY rank "
                               f"LIMIT {LIMIT}", args).fetchall()
        return total, hits

    def all_ids(self, text: str) -> set[int]:
        where, args = self._where(text, {})
        return {row[0] for row in self.db.execute(f"SELECT rowid FROM docs WHERE {where}", args)}

    def close(self) -> None:
        self.db.close()


# -- tantivy -------------------------------------------------------------------------------


def _tantivy_schema():
    import tantivy

    b = tantivy.SchemaBuilder()
    b.add_integer_field("id", stored=True, indexed=True, fast=True)
    b.add_text_field("title", stored=True, tokenizer_name="whitespace")
    b.add_text_field("body", stored=True, tokenizer_name="whitespace")
    b.add_text_field("unit", stored=True, tokenizer_name="raw")
    b.add_text_field("kind", stored=True, tokenizer_name="raw")
    b.add_integer_field("day", stored=True, indexed=True, fast=True)
    return b.build()


class Tantivy:
    name = "tantivy"

    @staticmethod
    def build(folder: Path, records, words: Words) -> dict:
        import tantivy

        folder.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(_tantivy_schema(), path=str(folder), reuse=True)  # grown in --grow mode
        writer = index.writer()  # tantivy's defaults: 128 MB heap, threads = cores
        for r in records:
            writer.add_document(tantivy.Document(
                id=r["id"], title=words.joined(r["title"]), body=words.joined(r["text"]),
                unit=r["unit"], kind=r["kind"], day=_day_int(r["date"])))
        writer.commit()
        writer.wait_merging_threads()
        return {}

    def __init__(self, folder: Path, words: Words):
        import tantivy

        self.t = tantivy
        self.index = tantivy.Index.open(str(folder))
        self.index.reload()
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.words = words

    def _query(self, text: str, filters: dict):
        t = self.t
        items = query_items(self.words, text)
        asked = " AND ".join('"' + " ".join(item) + '"' for item in items)
        q = self.index.parse_query(asked, ["title", "body"])
        parts = [(t.Occur.Must, q)]
        if filters.get("unit"):
            parts.append((t.Occur.Must, t.Query.regex_query(
                self.schema, "unit", ".*" + re.escape(filters["unit"]) + ".*")))
        if filters.get("kind"):
            parts.append((t.Occur.Must, t.Query.term_query(self.schema, "kind", filters["kind"])))
        lo, hi = day_bounds(filters.get("date_from", ""), filters.get("date_to", ""))
        if lo or hi:
            parts.append((t.Occur.Must, t.Query.range_query(
                self.schema, "day", t.FieldType.Integer, _day_int(lo) if lo else 1,
                _day_int(hi) if hi else None)))
        return q, (q if len(parts) == 1 else t.Query.boolean_query(parts))

    def search(self, text: str, filters: dict) -> tuple[int, list]:
        words_q, q = self._query(text, filters)
        result = self.searcher.search(q, limit=LIMIT, count=True)
        snippets = self.t.SnippetGenerator.create(self.searcher, words_q, self.schema, "body")
        hits = []
        for _score, address in result.hits:
            doc = self.searcher.doc(address)
            hits.append((doc["id"][0], snippets.snippet_from_doc(doc).to_html()))
        return result.count, hits

    def plain(self, text: str, filters: dict) -> tuple[int, list]:
        """The same top 10 and total without snippets (to see what the snippets cost)."""
        _, q = self._query(text, filters)
        result = self.searcher.search(q, limit=LIMIT, count=True)
        return result.count, [self.searcher.doc(a)["id"][0] for _s, a in result.hits]

    def all_ids(self, text: str) -> set[int]:
        _, q = self._query(text, {})
        total = self.searcher.search(q, limit=1, count=True).count
        if not total:
            return set()
        result = self.searcher.search(q, limit=total, count=False)
        return {self.searcher.doc(a)["id"][0] for _s, a in result.hits}

    def close(self) -> None:
        pass


ENGINES = {"fts5": Fts5, "tantivy": Tantivy}


def main() -> None:
    import time

    start = time.perf_counter()
    _, engine, folder, text, *rest = sys.argv[1:] if sys.argv[1] == "query" else [None] * 4
    filters = json.loads(rest[0]) if rest else {}
    searcher = ENGINES[engine](Path(folder), Words())
    total, hits = searcher.search(text, filters)
    print(json.dumps({"total": total, "hits": len(hits),
                      "in_process_ms": round((time.perf_counter() - start) * 1000, 1)}))


if __name__ == "__main__":
    main()
