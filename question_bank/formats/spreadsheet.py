"""Excel workbooks (.xlsx, .xlsm) as rows of text cells, for the CSV column logic of banks and submissions.

Microsoft Forms exports responses only as .xlsx, Moodle's quiz reports and Google Sheets download it, and
teachers keep question banks in Excel. A workbook is opened with openpyxl read-only, taking the values
Excel cached for formulas: nothing is calculated or run, and an .xlsm's macros are never read. A formula
saved without its result (workbooks written by scripts) is an error naming sheet and cells, saying to save
the workbook in Excel or LibreOffice Calc, rather than a cell silently read as empty.

A cell becomes the text a CSV export would hold: 3.0 is "3", a number in a number format as Excel shows
it (a percent-formatted 0.5 is "50%", 0.49999999999 formatted "0.0" is "0.5", 0.25 formatted "# ?/?" is
"1/4"), dates and times are ISO text, line breaks stay. Rows keep Excel's 1-based numbers so
errors point at the row the teacher sees; empty rows and the empty cells at a row's end are dropped
(Excel's "used range" often reaches far beyond the data).

The sheet read is the visible one whose header row the caller recognises best, the first one with data
when none is recognised (an instructions sheet before the data is passed over). A title line above the
header (often merged across the columns) and a sparser row of group labels above it are skipped; a header
merged across columns leaves the columns after its first one without a header, which the column logic
reports if they hold anything.
"""

from __future__ import annotations

import math
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import IO, TYPE_CHECKING

import defusedxml.ElementTree as SafeElementTree
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from question_bank.errors import InputFileError, InputFileErrors, TentaError
from question_bank.formats.common import file_errors, unreadable_zip
from question_bank.formats.csv_rows import HEADER_SEARCH_ROWS, header_first, import_rows, recognised_columns
from question_bank.models import Bank

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})
OTHER_SPREADSHEETS = {
    ".xls": "an Excel 97-2003 .xls workbook",
    ".xlt": "an Excel 97-2003 .xlt template",
    ".ods": "an OpenDocument spreadsheet",
}
"""Spreadsheet files tenta does not read, with what to call them in the error."""
MAX_UNPACKED_BYTES = 256 * 2**20
"""A workbook whose parts add up to more than this unpacked is refused (a zip bomb, not a class's answers)."""
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The start of an OLE2 file: an old .xls, or a password-protected .xlsx (Excel encrypts into OLE2)."""

HeaderScore = Callable[[Sequence[str]], int]
"""How many cells of a candidate header row the caller recognises as its columns."""
Row = tuple[int, list[str]]


@dataclass(frozen=True)
class SheetTable:
    """The rows read from one sheet of a workbook, header row first."""

    path: Path
    sheet: str
    other_sheets: tuple[str, ...]
    """The workbook's other visible sheets (named in the note, so the teacher sees a choice was made)."""
    rows: list[Row]

    @property
    def note(self) -> str | None:
        """Which sheet was read, when the workbook has more than one to choose from."""
        if not self.other_sheets:
            return None
        others = ", ".join(repr(name) for name in self.other_sheets)
        return f"{self.path.name}: read sheet {self.sheet!r} (other sheets: {others})"

    def locate(self, error: InputFileError, headers: Sequence[str] = ()) -> InputFileError:
        """`error` with the sheet named; a field that is one of `headers` also gets its column letter."""
        field = error.field
        if field is not None and field in headers:
            field = f"{column_label(list(headers).index(field))} ({field})"
        where = f"sheet {self.sheet!r}"
        return InputFileError(
            error.path,
            error.reason,
            line=error.line,
            field=f"{where}, {field}" if field else where,
            unsupported=error.unsupported,
        )


def column_label(index: int) -> str:
    """'column C' for the third column (0-based `index`), as Excel shows it."""
    return f"column {get_column_letter(index + 1)}"


def import_xlsx(
    path: Path, *, notes: list[str] | None = None, skipped: list[InputFileError] | None = None
) -> Bank:
    """A bank of free-text questions from a workbook, read as the CSV importer reads a file's rows.

    With a `notes` list, which sheet was read is recorded there when the workbook has several; with a
    `skipped` list, rows of types tenta cannot grade (polls) are recorded there and left out."""
    table = read_sheet(path, recognised_columns, refuse_error_values=True)
    left_out: list[InputFileError] | None = None if skipped is None else []
    try:
        bank = import_rows(path, table.rows, column_label=column_label, skipped=left_out)
    except InputFileErrors as errors:
        raise InputFileErrors([table.locate(error) for error in errors.errors]) from None
    except InputFileError as error:
        raise table.locate(error) from None
    if skipped is not None:
        skipped.extend(table.locate(error) for error in left_out or ())
    if notes is not None and table.note:
        notes.append(table.note)
    return bank


def read_sheet(path: Path, header_score: HeaderScore, *, refuse_error_values: bool = False) -> SheetTable:
    """The best sheet's non-empty rows as text; anything wrong with the file is one InputFileError.

    With `refuse_error_values` (a question bank: an '#N/A' would become an answer to grade against), a
    cell showing a failed formula's error value is one too; else it reads as its text ('#N/A')."""
    _reject_other_spreadsheets(path)
    with file_errors(path), path.open("rb") as handle, warnings.catch_warnings():
        # openpyxl warns of the styles and extensions it drops: nothing the values depend on
        warnings.simplefilter("ignore", UserWarning)
        workbook = _open_workbook(path, handle)
        try:
            table = _best_sheet(path, workbook, header_score)
            if refuse_error_values:
                _refuse_error_values(path, workbook[table.sheet])
            return table
        except TentaError:
            raise
        except Exception as error:  # a damaged workbook fails inside openpyxl in many ways
            raise _not_a_workbook(path, error) from None
        finally:
            workbook.close()


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')
"""What a number format shows around the number or uses for layout: quoted text, backslash-escaped
characters, `_x` padding, `*x` fill and bracketed colours and conditions. None of it is part of the value."""
_PERCENT_DECIMALS = re.compile(r"\.([0#?]*)")
_DECIMAL_FORMAT = re.compile(r"[#0?,]*0[#0?,]*(?:\.([0#?]*))?")
"""A fixed-point number format's digits ('0', '0.0', '#,##0.00', '0.0#'): the places after the point."""
_SCIENTIFIC_FORMAT = re.compile(r"[0#?]\.?([0#?]*)E[+-]([0#?]+)", re.IGNORECASE)
"""Scientific notation with one digit before the point ('0.00E+00'); engineering formats ('##0.0E+0')
are left as General."""
_FRACTION_FORMAT = re.compile(r"(?:[#0?]+\s+)?[#0?]+/([?#0]+|[1-9]\d*)")
"""A fraction format ('# ?/?', '# ??/??', '?/?', '# ?/8'): up to that many denominator digits, or that
denominator."""


def _first_section(number_format: str) -> str:
    """The format's first section (positive numbers) with everything that is not a digit placeholder or the
    point, comma, percent, exponent or fraction bar taken out."""
    return _FORMAT_LITERALS.sub("", number_format.split(";", 1)[0]).strip()


def _percent_text(value: float, number_format: str) -> str | None:
    """A number shown as a percentage, as Excel rounds it ('0.00%' -> '12.50%'), when the format's first
    section has a '%' (None otherwise, and for numbers too large to be a percentage anyone typed)."""
    section = _first_section(number_format)
    if "%" not in section or not abs(value) < 1e12:
        return None
    decimals = _PERCENT_DECIMALS.search(section)
    places = len(decimals.group(1)) if decimals else 0
    return f"{_rounded(value * 100, places)}%"


def _rounded(value: float, places: int) -> Decimal:
    """`value` rounded to `places` decimals half away from zero, as Excel displays it (from the 15
    significant digits Excel keeps, so 2.675 shows as 2.68, not Python's 2.67)."""
    return Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _decimal_text(value: float, section: str) -> str | None:
    """A number in a fixed-point format ('0.0', '#,##0.00', '0.0#', '0000') as Excel shows it: rounded to
    the format's places, '0' places always written (before the point too: '0000' shows 101 as '0101'), '#'
    and '?' places only where not zero. Thousands
    separators are left out (the value reads back as a number) and so is the scaling of a trailing comma
    ('#,##0,' shows thousands: None, the value is read as General)."""
    match = _DECIMAL_FORMAT.fullmatch(section)
    if not match or section.split(".", 1)[0].endswith(","):
        return None
    places = match.group(1) or ""
    whole, _, decimals = str(_rounded(value, len(places))).partition(".")
    required = len(places.rstrip("#?"))
    decimals = decimals[:required] + decimals[required:].rstrip("0")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    digits = digits.rjust(section.split(".", 1)[0].count("0"), "0")  # '0000' shows 101 as 0101
    return f"{sign}{digits}.{decimals}" if decimals else f"{sign}{digits}"


def _scientific_text(value: float, section: str) -> str | None:
    """A number in scientific notation ('0.00E+00' -> '1.23E+04'), as Excel shows it."""
    match = _SCIENTIFIC_FORMAT.fullmatch(section)
    if not match:
        return None
    mantissa, exponent = f"{value:.{len(match.group(1))}E}".split("E")
    sign, digits = exponent[0], exponent[1:].lstrip("0") or "0"
    return f"{mantissa}E{sign}{digits.rjust(len(match.group(2)), '0')}"


def _fraction_text(value: float, section: str) -> str | None:
    """A number in a fraction format as Excel shows it: '# ?/?' writes 0.3333 as '1/3' and 1.5 as '1 1/2',
    the closest fraction with a denominator of at most that many digits (or the format's own denominator
    ('# ?/8'), rounded to it); '?/?' writes 1.5 as '3/2'."""
    match = _FRACTION_FORMAT.fullmatch(section)
    if not match:
        return None
    denominator = match.group(1)
    magnitude = Fraction(Decimal(f"{abs(value):.15g}"))
    if denominator.isdigit() and not denominator.startswith("0"):
        fixed = int(denominator)
        magnitude = Fraction(math.floor(magnitude * fixed + Fraction(1, 2)), fixed)
    else:
        magnitude = magnitude.limit_denominator(10 ** len(denominator) - 1)
    whole, part = (0, magnitude) if "/" in section.split(maxsplit=1)[0] else divmod(magnitude, 1)
    pieces = [str(whole)] if whole or not part else []
    if part:
        pieces.append(f"{part.numerator}/{part.denominator}")
    shown = " ".join(pieces)
    return f"-{shown}" if value < 0 and shown != "0" else shown


def _formatted_number(value: float, number_format: str) -> str | None:
    """`value` as its number format shows it (percent, fixed decimals, scientific, fraction), or None for
    General, text and date or time formats (dates come from openpyxl as dates)."""
    section = _first_section(number_format)
    if not section or section.lower() in {"general", "@"} or not abs(value) < 1e15:
        return None
    if "%" in section:
        return _percent_text(value, number_format)
    for shown in (_fraction_text, _scientific_text, _decimal_text):
        text = shown(value, section)
        if text is not None:
            return text
    return None


def cell_text(value: object, number_format: str | None = None) -> str:
    """A cell's value as the text a CSV export of the sheet would hold: a number as its number format
    shows it (0.5 formatted as a percentage is '50%', 0.49999999999 formatted '0.0' is '0.5', 0.333…
    formatted '# ?/?' is '1/3'), as read-only mode gives the stored number at full precision."""
    if value is None:
        return ""
    if number_format and isinstance(value, int | float) and not isinstance(value, bool):
        formatted = _formatted_number(value, number_format)
        if formatted is not None:
            return formatted
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, datetime):
        rounded = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
        return rounded.date().isoformat() if rounded.time() == time() else rounded.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):  # a duration cell, e.g. Moodle's "Time taken"
        minutes, seconds = divmod(round(value.total_seconds()), 60)
        return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"
    return str(value)


def _reject_other_spreadsheets(path: Path) -> None:
    kind = OTHER_SPREADSHEETS.get(path.suffix.lower())
    if kind:
        raise InputFileError(
            path, f"is {kind}, which tenta does not read: open it and save it as .xlsx or as CSV (UTF-8)"
        )


def _open_workbook(path: Path, handle: IO[bytes]) -> Workbook:
    """The workbook, read-only with cached formula values; a file that is not one is a one-line error."""
    if handle.read(len(_OLE_MAGIC)) == _OLE_MAGIC:
        raise _not_a_workbook(path, "password-protected, or an old .xls file: save it as .xlsx or CSV")
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            limit = f"{MAX_UNPACKED_BYTES:,} bytes"
            raise InputFileError(path, f"unpacks to {unpacked:,} bytes, more than tenta reads ({limit})")
        handle.seek(0)
        return load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    except zipfile.BadZipFile:
        raise _not_a_workbook(path, unreadable_zip(path, "not a zip archive")) from None
    except InputFileError:
        raise
    except Exception as error:  # a damaged workbook fails inside openpyxl in many ways
        raise _not_a_workbook(path, error) from None


def _not_a_workbook(path: Path, reason: object) -> InputFileError:
    detail = str(reason) if isinstance(reason, str) else f"{type(reason).__name__}: {reason}"
    return InputFileError(path, f"is not an Excel workbook ({detail})")


def _best_sheet(path: Path, workbook: Workbook, header_score: HeaderScore) -> SheetTable:
    """The visible sheet whose header the caller recognises best; the first with data on a tie."""
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    heads = {
        sheet.title: header_first(_text_rows(sheet, limit=HEADER_SEARCH_ROWS), header_score)
        for sheet in visible
    }
    with_data = [sheet for sheet in visible if heads[sheet.title]]
    if not with_data:
        raise InputFileError(path, "no data on any visible sheet of the workbook")
    chosen = max(with_data, key=lambda sheet: header_score(heads[sheet.title][0][1]))
    _require_formula_results(path, chosen)
    rows = header_first(_text_rows(chosen), header_score)
    others = tuple(sheet.title for sheet in with_data if sheet is not chosen)
    return SheetTable(path=path, sheet=chosen.title, other_sheets=others, rows=rows)


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TEXT_RESULTS = frozenset({"str", "s", "inlineStr"})
"""Cell types whose saved result may be empty text (Excel writes `=IF(…;"";…)` so): a real result."""


def _uncached_formulas(sheet: ReadOnlyWorksheet) -> list[str]:
    """The cells (B2, …) holding a formula but no saved result. openpyxl reads those as empty; programs
    that write workbooks (openpyxl, many exporters) save formulas without calculating them."""
    found = []
    # the sheet's XML: openpyxl has no public way to it, nor a type for this method
    with sheet._get_source() as source:  # type: ignore[attr-defined]
        for _, element in SafeElementTree.iterparse(source):
            if element.tag != f"{_SHEET_NS}c":
                continue
            result = element.find(f"{_SHEET_NS}v")
            empty = result is None or (not result.text and element.get("t") not in _TEXT_RESULTS)
            if element.find(f"{_SHEET_NS}f") is not None and empty:
                found.append(element.get("r", "?"))
            element.clear()
    return found


def _require_formula_results(path: Path, sheet: ReadOnlyWorksheet) -> None:
    """Refuse a sheet whose formulas have no saved results: their cells would silently read as empty."""
    cells = _uncached_formulas(sheet)
    if not cells:
        return
    shown = ", ".join(cells[:5]) + (f" (+{len(cells) - 5} more)" if len(cells) > 5 else "")
    row = re.match(r"[A-Z]+(\d+)$", cells[0])
    raise InputFileError(
        path,
        f"{'cell holds a formula' if len(cells) == 1 else 'cells hold formulas'} without a saved result "
        "(the program that wrote the workbook did not calculate it, so the cell reads as empty): open "
        "the workbook in Excel or LibreOffice Calc and save it there, which stores the results, then import "
        "again",
        line=int(row.group(1)) if row else None,
        field=f"sheet {sheet.title!r}, {'cell' if len(cells) == 1 else 'cells'} {shown}",
    )


def _refuse_error_values(path: Path, sheet: ReadOnlyWorksheet) -> None:
    """Refuse a sheet with cells showing an error value (#N/A, #DIV/0!, #REF! …): a formula that failed,
    whose error text would otherwise be read as an answer or a question."""
    sheet.reset_dimensions()
    cells = [
        (cell.coordinate, str(cell.value))
        for row in sheet.rows
        for cell in row
        if getattr(cell, "data_type", None) == "e"
    ]
    if not cells:
        return
    shown = ", ".join(f"{where} ({value})" for where, value in cells[:5])
    shown += f" (+{len(cells) - 5} more)" if len(cells) > 5 else ""
    row = re.match(r"[A-Z]+(\d+)$", cells[0][0])
    raise InputFileError(
        path,
        f"{'cell shows' if len(cells) == 1 else 'cells show'} Excel's error value of a formula that failed: "
        "correct the formula (or type the text) in Excel and save the workbook, then import again",
        line=int(row.group(1)) if row else None,
        field=f"sheet {sheet.title!r}, {'cell' if len(cells) == 1 else 'cells'} {shown}",
    )


def _text_rows(sheet: ReadOnlyWorksheet, limit: int | None = None) -> list[Row]:
    """(Excel row number, cells as text) per row with text in it, without the empty cells at its end."""
    sheet.reset_dimensions()  # a saved "used range" can claim thousands of empty columns
    rows: list[Row] = []
    for number, row in enumerate(sheet.rows, start=1):
        cells = _trimmed(cell_text(cell.value, cell.number_format) for cell in row)
        if cells:
            rows.append((number, cells))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def _trimmed(cells: Iterable[str]) -> list[str]:
    kept = list(cells)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept
