"""What the product needs from a search engine, and the one place that chooses the engine.

The catalog stays the truth: each record carries a revision and the revision the index
holds (Catalog.pending_index), so a backend is asked to catch up with the catalog rather
than handed documents. Whoosh is the only backend now; docs/scale-out.md designs an
OpenSearch one against this same interface.
"""
from __future__ import annotations

from typing import Callable, Collection, Protocol, runtime_checkable

from archive.core import Archive, ArchiveError
from archive.verify import Finding

from .index import Synced, index_findings, rebuild, sync
from .query import ArchiveSearcher, Filters, MeasureHit, Results

Progress = Callable[[int], None] | None  # called with 1 per record written


@runtime_checkable
class SearchBackend(Protocol):
    """A search engine holding one document per live record of one archive."""

    def index(self, progress: Progress = None) -> Synced:
        """Catch up with the catalog: add or replace every record whose revision the index
        lacks (new, edited, superseded, reinstated) and take out the deleted ones."""

    def delete(self, record_ids: Collection[int]) -> Synced:
        """Make sure these records, deleted in the catalog, are out of the index (other
        pending records may be written in the same step). A live record is refused."""

    def search(self, text: str, filters: Filters = Filters(), page: int = 1,
               per_page: int = 10, facets: bool = False) -> Results:
        """Ranked documents (Hit) with marked snippets, one page of them, and facet counts
        by unit, type and year when asked."""

    def who(self, text: str, filters: Filters = Filters(), limit: int = 20) -> list[MeasureHit]:
        """Measures matching `text`, with who answers for them and the documents they are in."""

    def rebuild(self, progress: Progress = None) -> Synced:
        """A new index from the whole catalog, switched to when complete."""

    def verify(self) -> list[Finding]:
        """Findings (kind "index") where the index and the catalog disagree."""

    def close(self) -> None:
        """Release what the backend holds open (searchers, connections)."""

    def __enter__(self) -> "SearchBackend": ...

    def __exit__(self, *exc) -> None: ...


class WhooshBackend:
    """The embedded Whoosh index in the archive folder (search/index.py, search/query.py)."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self._searcher: ArchiveSearcher | None = None  # opened by the first query

    def __enter__(self) -> "WhooshBackend":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def index(self, progress: Progress = None) -> Synced:
        return sync(self.archive, progress)

    def delete(self, record_ids: Collection[int]) -> Synced:
        live = self.archive.catalog.records(ids=sorted(record_ids))
        if live:
            shown = "、".join(str(r.id) for r in live)
            raise ArchiveError(f"记录 {shown} 在档案库中仍是在档记录，不能只从检索索引中删除；"
                               "请用 gongwen archive delete 删除")
        return sync(self.archive)  # a deleted record is pending: its revision was raised

    def _session(self) -> ArchiveSearcher:
        if self._searcher is None:
            self._searcher = ArchiveSearcher(self.archive)
        return self._searcher

    def search(self, text: str, filters: Filters = Filters(), page: int = 1,
               per_page: int = 10, facets: bool = False) -> Results:
        return self._session().search(text, filters, page, per_page, facets)

    def who(self, text: str, filters: Filters = Filters(), limit: int = 20) -> list[MeasureHit]:
        return self._session().who(text, filters, limit)

    def rebuild(self, progress: Progress = None) -> Synced:
        return rebuild(self.archive, progress)

    def verify(self) -> list[Finding]:
        return [Finding("index", subject, message)
                for subject, message in index_findings(self.archive)]

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


def backend_for(archive: Archive) -> SearchBackend:
    """The search backend of `archive`: the one place that chooses it (Whoosh only, for now)."""
    return WhooshBackend(archive)
