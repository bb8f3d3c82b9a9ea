"""Real Excel workbooks written with openpyxl, for the bank and submission importers' tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

Cell = str | float | int | datetime | date | None


def write_workbook(path: Path, sheets: dict[str, Sequence[Sequence[Cell]]]) -> Path:
    """A workbook with one sheet per entry, rows written from A1 down."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path
