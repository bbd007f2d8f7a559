"""Phrases, over an index built here, against two oracles computed without the index:
- precision against a substring scan: every document found holds the phrase's text;
- the positions: exactly the documents whose title or body has the phrase's pieces at
  consecutive positions (the analysis run on each text on its own) are found.
Phrases are random substrings of the archive's own texts, so most are found somewhere."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.core import Archive
from search.analysis import placed
from search.normalize import normalize_text
from search.query import ArchiveSearcher


@pytest.fixture(scope="module")
def corpus(built_archive):
    with Archive(built_archive, create=False) as archive, ArchiveSearcher(archive) as session:
        records = archive.catalog.records()
        texts = {r.id: (r.metadata.title, archive.catalog.text(r.id)) for r in records}
        yield session, texts


def folded(text: str) -> str:
    return re.sub(r"\s+", "", normalize_text(text))


def has_run(text: str, pieces: list[str]) -> bool:
    """The pieces at consecutive positions of the text; a last piece of one character may be
    the start of a longer one (the phrase is a substring)."""
    found = placed(text)
    for start in range(len(found) - len(pieces) + 1):
        run = found[start:start + len(pieces)]
        if any(b - a != 1 for (_, a), (_, b) in zip(run, run[1:])):
            continue
        *inner, (last, _) = run
        if [p for p, _ in inner] == pieces[:-1] and (
                last == pieces[-1] or (len(pieces[-1]) == 1 and last.startswith(pieces[-1]))):
            return True
    return False


@st.composite
def substrings(draw, texts):
    """Any few characters of a text (often cut through a word)."""
    rid = draw(st.sampled_from(sorted(texts)))
    body = folded(texts[rid][1]) or folded(texts[rid][0])
    start = draw(st.integers(0, max(0, len(body) - 2)))
    return body[start:start + draw(st.integers(2, 8))]


@st.composite
def piece_runs(draw, texts):
    """A run of 2-6 consecutive pieces of a text, as a writer would type a phrase."""
    rid = draw(st.sampled_from(sorted(texts)))
    found = placed(texts[rid][1]) or placed(texts[rid][0])
    start = draw(st.integers(0, max(0, len(found) - 2)))
    return "".join(p for p, _ in found[start:start + draw(st.integers(2, 6))])


def test_phrases_found_are_exactly_those_at_consecutive_positions(corpus):
    session, texts = corpus
    sizes = []

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(substrings(texts), piece_runs(texts)))
    def check(phrase):
        pieces = [p for p, _ in placed(phrase)]
        gaps = [b - a for (_, a), (_, b) in zip(placed(phrase), placed(phrase)[1:])]
        if len(pieces) < 2 or set(gaps) != {1}:
            return  # one piece is a word query; punctuation inside is no phrase
        found = session.record_ids(f'"{phrase}"')
        core = re.sub(r"^\W+|\W+$", "", folded(phrase))  # punctuation at the ends is no part
        for rid in found:  # precision against the text itself
            assert core in folded(texts[rid][0]) or core in folded(texts[rid][1]), (phrase, rid)
        expected = {rid for rid, (title, body) in texts.items()
                    if has_run(title, pieces) or has_run(body, pieces)}
        assert found == expected, phrase
        sizes.append(len(found))

    check()
    assert len(sizes) > 50 and sum(1 for n in sizes if n > 1) > 10  # real phrases, often shared

