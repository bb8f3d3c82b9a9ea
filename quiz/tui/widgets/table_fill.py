"""Filling a DataTable with every column as wide as its widest cell or label, given with the rows.

Left to size auto-width columns itself, Textual's DataTable (8.2) measures them only when it goes idle: on
a loaded machine CI drew the session detail's '1 / 2 ✎' as '1 / 2' and 'Q1 Hur är …' as 'Q1 Hur ä', at
the labels' widths, for a whole minute."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

Cell = str | Text
"""A str is markup, as the table draws it (its default cell formatter); a Text is drawn as it is."""


def cell_width(cell: Cell) -> int:
    """The cells the table measures `cell` at in a row one line high: a str's first line with its markup
    rendered (the rest is not drawn), a Text's widest line."""
    text = Text.from_markup(cell.split("\n", 1)[0]) if isinstance(cell, str) else cell
    return max((cell_len(line) for line in text.plain.splitlines()), default=0)


def column_widths(labels: Sequence[str], rows: Iterable[Sequence[Cell]]) -> list[int]:
    """Each column's widest cell or label."""
    widths = [cell_width(label) for label in labels]
    for row in rows:
        widths = [max(width, cell_width(cell)) for width, cell in zip(widths, row, strict=True)]
    return widths


def fill_table(
    table: DataTable[Any],
    labels: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    keys: Sequence[str] | None = None,
    column_keys: Sequence[str] | None = None,
    widths: Sequence[int] | None = None,
) -> None:
    """Replace the table's columns and rows: the columns (keyed by `column_keys`, if given) `widths` wide,
    by default column_widths of `rows`; the rows keyed by `keys`, if given. The cursor goes back to the
    first row, as DataTable.clear puts it."""
    widths = column_widths(labels, rows) if widths is None else widths
    table.clear(columns=True)
    named: Sequence[str | None] = column_keys if column_keys is not None else [None] * len(labels)
    for label, width, column_key in zip(labels, widths, named, strict=True):
        table.add_column(label, width=width, key=column_key)
    row_keys: Sequence[str | None] = keys if keys is not None else [None] * len(rows)
    for row, key in zip(rows, row_keys, strict=True):
        table.add_row(*row, key=key)
