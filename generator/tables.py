"""Tables: where merged cells fall on the grid, and how wide each column is. The one place
for these rules: validation (schema.TableSpec) and the document model (build) both use it."""
from __future__ import annotations

from dataclasses import dataclass

from . import layout as L
from .limits import MAX_TABLE_COLUMNS


@dataclass(frozen=True)
class Written:
    """A cell as the writer typed it: its text and how many columns and rows it spans."""

    text: str
    cols: int = 1
    rows: int = 1


@dataclass(frozen=True)
class Placed:
    """A written cell on the grid: `row` counts within its part (表头 or 行)."""

    text: str
    row: int
    col: int
    cols: int
    rows: int


class ShapeError(ValueError):
    """A table whose rows do not make a rectangle; `at` is the path under the table
    (("行", 2), ("表头", 0, 1, "合并列") …) and the message says what is wrong, in Chinese."""

    def __init__(self, at: tuple, message: str):
        super().__init__(message)
        self.at = at
        self.message = message


def place(part: str, rows: list[list[Written]], columns: int | None) -> tuple[list[list[Placed]], int]:
    """Place the rows of one part (表头 or 行) on a grid of `columns` columns (None: as many
    as the first row spans). Each cell takes the next column left free by a cell merged down
    from a row above. Raises ShapeError for ragged rows, merges past the table's edge or
    bottom, and a cell merged across one merged down from above."""
    taken: dict[tuple[int, int], bool] = {}
    out: list[list[Placed]] = []
    for r, row in enumerate(rows):
        if columns is None:
            columns = sum(cell.cols for cell in row)
            if columns > MAX_TABLE_COLUMNS:  # before any cell is placed: bounded time
                raise ShapeError((part, r), f"{_row_name(part, r)}共 {columns} 列，超过表格 "
                                            f"{MAX_TABLE_COLUMNS} 列的上限")
        col, placed = 0, []
        for c, cell in enumerate(row):
            while (r, col) in taken:
                col += 1
            if col + cell.cols > columns:
                key = "合并列" if cell.cols > 1 else None
                at = (part, r, c, key) if key else (part, r)
                raise ShapeError(at, _too_wide(_row_name(part, r), col, cell, columns))
            covered = [(r, col + k) for k in range(cell.cols) if (r, col + k) in taken]
            if covered:
                raise ShapeError((part, r, c, "合并列"),
                                 f"{_row_name(part, r)}第{c + 1}格向右合并到第{covered[0][1] + 1}列，"
                                 f"与上方向下合并的单元格重叠")
            if r + cell.rows > len(rows):
                raise ShapeError((part, r, c, "合并行"),
                                 f"{_row_name(part, r)}第{c + 1}格向下合并 {cell.rows} 行，超出{_PART[part]}"
                                 f"（本行以下只有 {len(rows) - r - 1} 行）")
            for dr in range(cell.rows):
                for dc in range(cell.cols):
                    taken[(r + dr, col + dc)] = True
            placed.append(Placed(cell.text, r, col, cell.cols, cell.rows))
            col += cell.cols
        filled = sum(1 for k in range(columns) if (r, k) in taken)
        if filled < columns:
            raise ShapeError((part, r), f"{_row_name(part, r)}只有 {filled} 列，应为 {columns} 列"
                                        f"（与第一行相同；合并的单元格按所占列数计）")
        out.append(placed)
    return out, columns or 0


_PART = {"表头": "表头", "行": "表格"}


def _row_name(part: str, r: int) -> str:
    return f"表头第{r + 1}行" if part == "表头" else f"第{r + 1}行"


def _too_wide(row: str, col: int, cell: Written, columns: int) -> str:
    if cell.cols > 1:
        return f"{row}的单元格从第{col + 1}列向右合并 {cell.cols} 列，超出表格的 {columns} 列"
    return f"{row}超过 {columns} 列（应与第一行相同；合并的单元格按所占列数计）"


def block_width_mm(landscape: bool) -> float:
    """The text block's width a table may fill: 156 mm, or 225 mm on a landscape page."""
    return L.TEXT_HEIGHT_MM if landscape else L.TEXT_WIDTH_MM


def column_widths_mm(widths: list[float], unit_mm: bool, columns: int,
                     landscape: bool) -> list[float]:
    """Each column's width in mm: as written in mm, or relative shares of the block, or
    equal shares when none are written."""
    if not widths:
        widths, unit_mm = [1.0] * columns, False
    if unit_mm:
        return [float(w) for w in widths]
    total = sum(widths)
    return [block_width_mm(landscape) * w / total for w in widths]
