"""A search as the page's address holds it (bookmarkable): the words and the CLI's filters."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from search.query import Filters

PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_PAGE = 10_000

# field -> query parameter (the CLI's option names)
PARAMS = {"q": "q", "unit": "unit", "type": "type", "person": "person", "docno": "docno",
          "period": "period", "date_from": "from", "date_to": "to", "current": "current",
          "page": "page", "per_page": "per_page"}


def _number(text: str | None, default: int, top: int) -> int:
    try:
        value = int(text or default)
    except ValueError:
        return default
    return min(max(value, 1), top)


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    unit: str = ""
    type: str = ""
    person: str = ""
    docno: str = ""
    period: str = ""
    date_from: str = ""
    date_to: str = ""
    current: bool = False
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def of(cls, params) -> "SearchForm":
        text = {name: str(params.get(key, "")).strip() for name, key in PARAMS.items()}
        return cls(text["q"], text["unit"], text["type"], text["person"], text["docno"],
                   text["period"], text["date_from"], text["date_to"],
                   text["current"] not in ("", "0"), _number(text["page"], 1, MAX_PAGE),
                   _number(text["per_page"], PER_PAGE, MAX_PER_PAGE))

    def filters(self) -> Filters:
        return Filters(self.unit, self.type, self.person, self.docno, self.period,
                       self.date_from, self.date_to, self.current)

    @property
    def filtered(self) -> bool:
        return self.filters() != Filters()

    def link(self, path: str = "/search", **changes) -> str:
        """This search's address (on page `path`) with `changes`; defaults are left out."""
        changed = replace(self, **changes)
        default = SearchForm()
        params = {}
        for f in fields(self):
            value = getattr(changed, f.name)
            if value != getattr(default, f.name):
                params[PARAMS[f.name]] = "1" if value is True else value
        return path + ("?" + urlencode(params) if params else "")
