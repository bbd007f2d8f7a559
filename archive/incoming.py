"""What an add takes in (Incoming) and gives back (Outcome)."""
from __future__ import annotations

from dataclasses import dataclass

from .records import Content, StoredFile


@dataclass(frozen=True)
class Outcome:
    """What happened to one input of an add."""

    path: str
    status: str  # added | duplicate | failed
    record_id: int | None = None
    archival_code: str = ""
    message: str = ""
    warnings: tuple[str, ...] = ()


@dataclass
class Incoming:
    """One document about to be archived: its files (main first) and its content."""

    files: list[tuple[StoredFile, bytes]]
    content: Content
    origin: str  # received | generated
    path: str
