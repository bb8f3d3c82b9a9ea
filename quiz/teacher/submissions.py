"""Reading submission files (CSV, Excel workbooks or JSONL) written by people and by other tools.

A row is one student's answer to one question. Headers from Moodle, Gradescope-like exports and
spreadsheets are recognised by alias (English and Swedish, as a Swedish Moodle site writes them); Moodle's
wide "Response N" ("Svar N") layout becomes one row per cell, and its averages row is skipped. Google
Forms and Microsoft Forms responses (one column per question, headed by the question's text) take the same
path: their question columns are matched to the bank's prompts when the rows are stored. JSON is
either JSON Lines or one array of records (Moodle's JSON download nests them in an array per sheet).
An Excel workbook (Microsoft Forms' only export, Moodle's and Google Sheets' .xlsx download) is read
sheet by sheet as text cells and goes through the same column logic as CSV, its errors naming the sheet,
Excel's row number and the column's letter.
Every problem is located by line (and column), and a bad row never stops the good ones: the caller
gets the valid rows plus a list of errors, and decides what to store.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from question_bank.errors import InputFileError
from question_bank.formats.spreadsheet import (
    OTHER_SPREADSHEETS,
    WORKBOOK_SUFFIXES,
    SheetTable,
    column_label,
    read_sheet,
)
from question_bank.formats.text_decoding import NotUtf8, decode_text
from question_bank.models import Bank, Question

MAX_RECORD_LINES = 500
"""A quoted field open for more lines than this is taken to be a broken quote, not a long answer."""

_NO_ROWS = "has a header row but no answers under it (is this the right file or sheet?)"

MISSING_MARKERS = frozenset({"", "-", "–"})
"""What exports write for "no response" (Moodle uses '-')."""

STUDENT_NAME_ALIASES = (
    "student",
    "student_name",
    "name",
    "full_name",
    "fullname",
    "learner",
    "participant",
    "namn",
    "elev",
    "studentens_namn",
    "your_name",
    "ditt_namn",
    "namn_och_efternamn",
)
STUDENT_ID_ALIASES = (
    "student_id",
    "studentid",
    "sid",
    "student_number",
    "id_number",
    "idnumber",
    "username",
    "user_name",
    "user",
    "login",
    "user_id",
    "userid",
    "email",
    "email_address",
    "e_mail",
    "mail",
    "e_postadress",
    "e_post",
    "epost",
    "användarnamn",
    "id_nummer",
    "sis_id",
    "sis_user_id",
)
FIRST_NAME_ALIASES = ("first_name", "firstname", "given_name", "forename", "förnamn")
LAST_NAME_ALIASES = ("last_name", "lastname", "surname", "family_name", "efternamn")
QUESTION_ALIASES = (
    "question",
    "question_id",
    "questionid",
    "question_number",
    "question_no",
    "question_nr",
    "qid",
    "q",
    "item",
    "item_id",
    "question_name",
    "problem",
    "fråga",
    "fråga_nr",
    "frågenummer",
    "fråga_id",
    "uppgift",
    "uppgift_nr",
)
ANSWER_ALIASES = (
    "answer",
    "response",
    "answer_text",
    "response_text",
    "student_answer",
    "student_response",
    "text",
    "submission",
    "responsetext",
    "svar",
)
SUBMITTED_AT_ALIASES = (
    "submitted_at",
    "submitted",
    "submitted_on",
    "submission_time",
    "timestamp",
    "time",
    "date",
    "completed",
    "completed_on",
    "finished",
    "finished_at",
    "completion_time",
    "end_time",
    "sluttid",
    "created_at",
    "avslutad",
    "slutförd",
    "inlämnad",
    "tidsstämpel",
    "tidstämpel",
)
ROW_ID_ALIASES = ("answer_id", "submission_id", "response_id", "row_id", "external_id")
TENTA_ANSWER_ID = "tenta_answer_id"
"""The column `tenta export answers` names each stored answer by in a CSV: reading it back finds them."""
EXPORTED_ANSWER_ID_COLUMNS = (TENTA_ANSWER_ID, "answer_id")
"""Where an answers export names the stored answer: the CSV's tenta_answer_id, the JSONL's answer_id.
Another tool's answer_id is also its row id; a row only counts as the stored answer it names when bank,
question, student and text match too (quiz.teacher.batch), so a foreign id never stands for another answer."""
_KNOWN_COLUMNS = frozenset(
    STUDENT_NAME_ALIASES
    + STUDENT_ID_ALIASES
    + FIRST_NAME_ALIASES
    + LAST_NAME_ALIASES
    + QUESTION_ALIASES
    + ANSWER_ALIASES
    + SUBMITTED_AT_ALIASES
    + ROW_ID_ALIASES
    + (TENTA_ANSWER_ID,)
)

WIDE_COLUMN_PATTERNS = (
    re.compile(r"^(?:response|svar)_?(\d+)$"),
    re.compile(r"^answer_?(\d+)$"),
    re.compile(r"^(?:q|question|fråga)_?(\d+)$"),
)
"""Wide layouts, tried in order: Moodle's 'Response 1' ('Svar 1' on a Swedish site), then 'Answer 1',
then 'Q1' / 'Question 1'."""
FORM_INFO_COLUMNS = frozenset(
    {
        "id",
        "score",
        "total_score",
        "total_points",
        "points",
        "poäng",
        "totalpoäng",
        "resultat",
        "grade",
        "betyg",
        "quiz_feedback",
        "feedback",
        "start_time",
        "starttid",
        "last_modified_time",
        "senaste_ändringstid",
        "language",
        "språk",
        "email_receipt",
        "root_account",
        "section",
        "section_id",
        "section_sis_id",
        "attempt",
        "n_correct",
        "n_incorrect",
    }
)
"""Columns of a Google Forms / Microsoft Forms response export, or of a Canvas quiz's Student Analysis
report, that are about the response, not a question."""
POINTS_HEADER = re.compile(r"\d+(?:[.,]\d+)?")
"""A Canvas Student Analysis column headed by the points possible ('2.0'): the previous question's score."""
CANVAS_ITEM_PREFIX = re.compile(r"^\d{4,}:\s+")
"""Canvas heads a Student Analysis question column with the item's id: '123401: Vad är dropout?'."""
FORM_SIDE_COLUMN = re.compile(
    r"\[\s*(?:score|feedback|poäng|återkoppling)\s*\]\s*$|^\s*(?:points|feedback|poäng|återkoppling)\s+-\s",
    re.IGNORECASE,
)
"""A quiz's per-question score and feedback columns: Google's 'Q [Score]', Microsoft's 'Points - Q'."""
POINTS_SUFFIX = re.compile(
    r"\s*[\[(]\s*\d+(?:[.,]\d+)?\s*(?:p|pt|pts|points?|poäng|marks?|mark)\.?\s*[\])]\s*$", re.IGNORECASE
)
"""'Vad är dropout? [2 poäng]', 'What is dropout? (1 point)': points a form author put in the title."""
SUMMARY_ROW_NAMES = frozenset({"overall average", "övergripande medelbetyg"})
"""What Moodle writes in the name column of the averages row at the end of a quiz report download
(grades' 'overallaverage': in English, and on a Swedish site)."""


NOT_ANSWERED = "not answered; nothing stored"
"""The reason of a blank answer cell's warning (`tenta grade` sums these up per column)."""


class SubmissionRow(BaseModel):
    """One answer read from a submissions file, still unresolved against a bank."""

    model_config = ConfigDict(frozen=True)

    line: int
    student_name: str
    student_external_id: str | None = None
    question_key: str
    answer: str
    submitted_at: datetime | None = None
    row_id: str | None = None
    tenta_answer_id: int | None = None
    """The stored answer this row was exported from (`tenta export answers`), when the file says so."""
    column: str | None = None
    """The header the answer was under when a form's columns are its questions (question_key is then
    the question's text, matched to a prompt when the rows are stored)."""


@dataclass
class ParsedSubmissions:
    """Valid rows plus everything that was wrong, each located by line."""

    path: Path
    rows: list[SubmissionRow]
    errors: list[InputFileError]
    warnings: list[InputFileError]
    notes: list[str] = dataclasses.field(default_factory=list)
    """How the file was read where there was a choice (which sheet of a workbook)."""


def normalise_header(name: str) -> str:
    """'Email address' → 'email_address', 'Response 1' → 'response_1', 'Question-ID' → 'question_id'."""
    cleaned = name.strip().strip("\ufeff").lower()
    cleaned = re.sub(r"[^0-9a-zåäöéü]+", "_", cleaned)
    return cleaned.strip("_")


class DateOrder(StrEnum):
    """How a slash date none of whose numbers is above 12 is read: '3/4/2025' is 3 April (dmy, as
    Europe writes) or March 4 (mdy, as a US Canvas or Google Forms export does)."""

    DMY = "dmy"
    MDY = "mdy"


def read_submissions(path: Path, *, date_order: DateOrder | None = None) -> ParsedSubmissions:
    """Parse a CSV/TSV, Excel or JSONL submissions file; InputFileError only when nothing can be read
    (or when its time column writes slash dates in both orders, see `column_date_order`)."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES or path.suffix.lower() in OTHER_SPREADSHEETS:
        return _parse_workbook(path, date_order)
    text, warnings = _read_text(path)
    if _looks_like_jsonl(path, text):
        parsed = _parse_jsonl(path, text, date_order)
    else:
        parsed = _parse_csv(path, text, date_order)
    parsed.warnings[:0] = warnings
    _report_duplicate_row_ids(parsed)
    return parsed


def parse_timestamp(value: str, *, month_first: bool | None = None) -> datetime | None:
    """ISO 8601, Unix seconds, or the formats spreadsheets, Moodle and Google Forms write; None if unknown.

    Times without a zone are taken as the computer's local time (that is what an export shows the
    teacher) and returned in UTC. A date written with slashes ('11/05/2026') is read month first or day
    first as `month_first` says (what the file's other dates tell, `column_date_order`); None reads each
    date day first where it can be.
    """
    cleaned = " ".join(value.strip().split())
    if not cleaned:
        return None
    if re.fullmatch(r"\d{9,11}(\.\d+)?", cleaned):
        return datetime.fromtimestamp(float(cleaned), tz=UTC)
    cleaned, zone = _split_zone(cleaned)
    cleaned = _MERIDIEM.sub(lambda match: " AM" if match.group(1).lower() in {"a", "f"} else " PM", cleaned)
    if month_first is not None:
        cleaned = _SLASH_DATE.sub(lambda match: _iso_date(match, month_first), cleaned, count=1)
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        moment = _parse_with_formats(cleaned)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone) if zone is not None else moment.astimezone()
    return moment.astimezone(UTC)


_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\b")
"""A date as spreadsheets and Google Forms write it in English: 11/05/2026 (US: month first, UK: day)."""


def _iso_date(match: re.Match[str], month_first: bool) -> str:
    """A slash date written as ISO 8601 (year-month-day), read in the order the file uses."""
    first, second, year = match.groups()
    month, day = (first, second) if month_first else (second, first)
    return f"{year}-{int(month):02d}-{int(day):02d}"


def column_date_order(
    path: Path, column: str, times: Iterable[tuple[int, str]], asked: DateOrder | None
) -> tuple[bool | None, str | None]:
    """Whether the time column's slash dates are month first, decided once for the whole column, and a
    note when that was a choice rather than something the dates show.

    A date whose second number is above 12 ('3/14/2025') makes the column month first, one whose first
    number is ('14/3/2025') day first; both in one column is refused (InputFileError naming the line and
    the column), as is a date contradicting the order `asked`. When every date reads either way the
    column is read as `asked`, else day first, and the note says so. None: no slash dates in the column.
    """
    day_first: tuple[int, str] | None = None
    month_first: tuple[int, str] | None = None
    either_way: str | None = None
    for line, value in times:
        match = _SLASH_DATE.match(value.strip())
        if not match:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            day_first = day_first or (line, value.strip())
        elif second > 12 >= first:
            month_first = month_first or (line, value.strip())
        elif first <= 12 and second <= 12:
            either_way = either_way or value.strip()
    if day_first and month_first:
        raise InputFileError(
            path,
            f"dates are written both day first ({day_first[1]!r} on line {day_first[0]}) and month first "
            f"({month_first[1]!r} on line {month_first[0]}): which one a date like 3/4 is cannot be told "
            "(write the dates in one order, or as 2025-03-04)",
            line=max(day_first[0], month_first[0]),
            field=column,
        )
    contradiction = month_first if asked is DateOrder.DMY else day_first if asked is DateOrder.MDY else None
    if asked is not None and contradiction is not None:
        line, value = contradiction
        month = _slash_date_numbers(value)[1 if asked is DateOrder.DMY else 0]
        raise InputFileError(
            path,
            f"{value!r} cannot be read with --date-order {asked.value} (there is no month {month}); "
            "leave --date-order out: this date shows the column's order",
            line=line,
            field=column,
        )
    if day_first or month_first:
        return month_first is not None, None
    if either_way is None:
        return None, None
    if asked is not None:
        return asked is DateOrder.MDY, None
    day, month, year = _slash_date_numbers(either_way)
    example = f"{either_way!r} as {day} {datetime(2000, month, 1):%B} {year}"
    return False, (
        f"{path.name}: every date in column {column!r} reads either way; read day first ({example}). "
        "If the file writes the month first (US exports), give --date-order mdy."
    )


def _slash_date_numbers(value: str) -> tuple[int, int, int]:
    """The first, second and year numbers of a slash date ('3/14/2025 9:00' → 3, 14, 2025)."""
    match = _SLASH_DATE.match(value)
    assert match is not None
    first, second, year = match.groups()
    return int(first), int(second), int(year)


def _split_zone(cleaned: str) -> tuple[str, timezone | None]:
    """The time without its trailing zone, and the zone: an offset from GMT/UTC as Google Forms writes
    it ('2024/03/04 10:15:32 AM GMT+1'), or a European zone's abbreviation as a Swedish account's
    download does ('2026-11-27 10:15:03 fm CET')."""
    gmt = _GMT_OFFSET.search(cleaned)
    if gmt:
        sign = -1 if gmt.group(1) == "-" else 1
        offset = timedelta(hours=int(gmt.group(2) or 0), minutes=int(gmt.group(3) or 0))
        return cleaned[: gmt.start()].strip(), timezone(sign * offset)
    named = _NAMED_ZONE.search(cleaned)
    if named:
        hours = _ZONE_HOURS[named.group(1).upper()]
        return cleaned[: named.start()].strip(), timezone(timedelta(hours=hours))
    return cleaned, None


_GMT_OFFSET = re.compile(r"\s(?:GMT|UTC)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$")
_ZONE_HOURS = {
    "WET": 0,
    "WEST": 1,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "MEZ": 1,
    "MESZ": 2,
    "EET": 2,
    "EEST": 3,
}
"""Europe's zone abbreviations (English and German spellings) by their offset from UTC in hours. A zone
not named here is not guessed: the time stays unreadable rather than read as the computer's own."""
_NAMED_ZONE = re.compile(rf"\s({'|'.join(_ZONE_HOURS)})$", re.IGNORECASE)
_MERIDIEM = re.compile(r"\s([afep])\.?\s?m\.?$", re.IGNORECASE)
"""Morning or afternoon after a 12-hour time: Swedish 'fm'/'em' (förmiddag, eftermiddag; 'f.m.'/'e.m.'
in some exports) and English 'a.m.'/'p.m.', made the 'AM'/'PM' strptime reads."""


_TIMESTAMP_FORMATS = (
    "%d %B %Y %I:%M %p",  # Moodle: 4 March 2024 10:15 AM
    "%d %B %Y, %I:%M %p",
    "%d %B %Y, %H:%M",  # Moodle in Swedish: 4 mars 2024, 10:15 (month names made English first)
    "%d %B %Y %H:%M",
    "%d %b %Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%d.%m.%Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %I:%M:%S %p",  # Google Forms' own download
    "%Y-%m-%d %I:%M:%S %p",  # Google Forms from a Swedish account: 2026-11-27 10:15:03 fm CET
    "%Y-%m-%d %I:%M %p",
    "%Y-%m-%d %H:%M:%S",  # one-digit hours, which fromisoformat refuses: 2026-11-27 9:05:00
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M:%S",  # Google Sheets (US), Microsoft Forms via Excel
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
)


_SWEDISH_MONTHS = {
    "januari": "January",
    "februari": "February",
    "mars": "March",
    "maj": "May",
    "juni": "June",
    "juli": "July",
    "augusti": "August",
    "oktober": "October",
    "okt": "Oct",
}
"""Swedish month names that differ from the English ones strptime knows (april, september, november and
december are spelled alike): a Swedish Moodle site writes its dates with them."""
_SWEDISH_MONTH = re.compile(rf"\b({'|'.join(_SWEDISH_MONTHS)})\b", re.IGNORECASE)


def _parse_with_formats(cleaned: str) -> datetime | None:
    english = _SWEDISH_MONTH.sub(lambda match: _SWEDISH_MONTHS[match.group(1).lower()], cleaned)
    for pattern in _TIMESTAMP_FORMATS:
        try:
            return datetime.strptime(english, pattern)
        except ValueError:
            continue
    return None


def _read_text(path: Path) -> tuple[str, list[InputFileError]]:
    """The file's text and, when it is not UTF-8, a warning naming the line and how it was read instead
    (Windows-1252 as Excel saves on a Swedish Windows, Mac Roman as Excel for Mac does), so no student's
    answer is lost."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputFileError(path, f"cannot read the file ({error.strerror or error})") from error
    decoded = decode_text(path, raw, policy=NotUtf8.REPLACE)
    if decoded.not_utf8_line is None:
        return decoded.text, []
    warning = InputFileError(
        path,
        f"not valid UTF-8; read as {decoded.encoding} (save as UTF-8 to be sure of å, ä, ö)",
        line=decoded.not_utf8_line,
    )
    return decoded.text, [warning]


def _looks_like_jsonl(path: Path, text: str) -> bool:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return True
    if suffix in {".csv", ".tsv", ".txt"}:
        return False
    return text.lstrip().startswith("{")


# --- JSONL -----------------------------------------------------------------------------------------


def _parse_jsonl(path: Path, text: str, date_order: DateOrder | None) -> ParsedSubmissions:
    parsed = ParsedSubmissions(path=path, rows=[], errors=[], warnings=[])
    records: list[tuple[int, _Columns, dict[str, str]]] = []
    for line_number, record in _json_records(path, text, parsed.errors):
        if not isinstance(record, dict):
            parsed.errors.append(
                InputFileError(path, "expected a JSON object (name: value) per record", line=line_number)
            )
            continue
        values = {str(key): _json_text(value) for key, value in record.items()}
        try:
            columns = _Columns.from_headers(list(values), path=path, line=line_number)
        except InputFileError as error:
            parsed.errors.append(error)
            continue
        records.append((line_number, columns, values))
    if not records and not parsed.errors:
        raise InputFileError(path, "no submissions in the file")
    time_names = [columns.submitted_at for _, columns, _ in records if columns.submitted_at]
    times = (
        (line, values[columns.submitted_at]) for line, columns, values in records if columns.submitted_at
    )
    month_first, note = (
        column_date_order(path, time_names[0], times, date_order) if time_names else (None, None)
    )
    parsed.notes.extend([note] if note else [])
    for line_number, columns, values in records:
        _collect_rows(parsed, dataclasses.replace(columns, month_first=month_first), values, line_number)
    return parsed


def _json_records(path: Path, text: str, errors: list[InputFileError]) -> Iterator[tuple[int, Any]]:
    """(line, record) per JSON Lines line, or per element of one JSON array document (Moodle's JSON
    download is an array of sheets, each an array of pretty-printed records)."""
    if text.lstrip().startswith("["):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            errors.append(InputFileError(path, f"not valid JSON ({error.msg})", line=error.lineno))
            return
        yield from _array_records(text, document)
        return
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield line_number, json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(InputFileError(path, f"not valid JSON ({error.msg})", line=line_number))


def _array_records(text: str, document: Any) -> Iterator[tuple[int, Any]]:
    """Every record of a (possibly nested) JSON array, located by the line its object starts on."""
    object_starts = _object_starts(text, [match.start() for match in re.finditer(r"\{", text)])
    for record in _flatten(document):
        offset = next(object_starts, 0) if isinstance(record, dict) else 0
        yield text.count("\n", 0, offset) + 1, record


def _object_starts(text: str, candidates: Sequence[int]) -> Iterator[int]:
    """Offsets of the top-level objects among `candidates` (brace positions), skipping nested ones and
    braces inside strings."""
    decoder = json.JSONDecoder()
    end = -1
    for offset in candidates:
        if offset < end:
            continue
        try:
            _, end = decoder.raw_decode(text, offset)
        except json.JSONDecodeError:
            continue
        yield offset


def _flatten(document: Any) -> Iterator[Any]:
    """The records of nested arrays; an array of plain values is one record (a row without names)."""
    if isinstance(document, list) and any(isinstance(item, list | dict) for item in document):
        for item in document:
            yield from _flatten(item)
    else:
        yield document


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


# --- Excel ---------------------------------------------------------------------------------------


def _parse_workbook(path: Path, date_order: DateOrder | None) -> ParsedSubmissions:
    """The rows of the workbook's submissions sheet, read as a CSV file's records are."""
    table = read_sheet(path, _header_score)
    parsed = ParsedSubmissions(
        path=path, rows=[], errors=[], warnings=[], notes=[table.note] if table.note else []
    )
    (header_line, header), *data = table.rows
    try:
        columns = _Columns.from_headers(header, path=path, line=header_line)
    except InputFileError as error:
        raise table.locate(error, header) from None
    if not any(any(cell.strip() for cell in cells) for _, cells in data):
        raise table.locate(InputFileError(path, _NO_ROWS, line=header_line))
    if columns.submitted_at is not None:
        column = header.index(columns.submitted_at)
        times = ((line, cells[column]) for line, cells in data if len(cells) > column)
        try:
            month_first, note = column_date_order(path, columns.submitted_at, times, date_order)
        except InputFileError as error:
            raise table.locate(error, header) from None
        columns = dataclasses.replace(columns, month_first=month_first)
        parsed.notes.extend([note] if note else [])
    for line, cells in data:
        unheaded = _unheaded_text(header, cells)
        if unheaded is not None:
            parsed.errors.append(
                InputFileError(path, "has text but no header", line=line, field=column_label(unheaded))
            )
            continue
        values = dict(zip(header, (cells + [""] * len(header))[: len(header)], strict=True))
        _collect_rows(parsed, columns, values, line)
    _report_duplicate_row_ids(parsed)
    _name_sheet(parsed, table, header)
    return parsed


def _header_score(cells: Sequence[str]) -> int:
    """How many cells name a column this reader knows: picks a workbook's sheet of submissions."""
    return sum(1 for cell in cells if _known_column(normalise_header(cell)))


def _known_column(name: str) -> bool:
    return (
        name in _KNOWN_COLUMNS
        or name in FORM_INFO_COLUMNS
        or any(pattern.match(name) for pattern in WIDE_COLUMN_PATTERNS)
    )


def _unheaded_text(header: Sequence[str], cells: Sequence[str]) -> int | None:
    """The index of the first cell with text under an empty header (or right of the header), if any."""
    return next(
        (
            index
            for index, cell in enumerate(cells)
            if cell.strip() and (index >= len(header) or not header[index].strip())
        ),
        None,
    )


def _name_sheet(parsed: ParsedSubmissions, table: SheetTable, header: Sequence[str]) -> None:
    parsed.errors = [table.locate(error, header) for error in parsed.errors]
    parsed.warnings = [table.locate(warning, header) for warning in parsed.warnings]


# --- CSV -------------------------------------------------------------------------------------------


def _parse_csv(path: Path, text: str, date_order: DateOrder | None) -> ParsedSubmissions:
    parsed = ParsedSubmissions(path=path, rows=[], errors=[], warnings=[])
    dialect = _sniff_dialect(text)
    records = _csv_records(path, text, dialect, parsed.errors)
    header = next(records, None)
    if header is None:
        raise InputFileError(path, "the file is empty")
    header_line, header_fields = header
    columns = _Columns.from_headers(header_fields, path=path, line=header_line)
    if columns.submitted_at is not None:
        column = header_fields.index(columns.submitted_at)
        times = (
            (line, fields[column])
            for line, fields in _csv_records(path, text, dialect, [])
            if line > header_line and len(fields) > column
        )
        month_first, note = column_date_order(path, columns.submitted_at, times, date_order)
        columns = dataclasses.replace(columns, month_first=month_first)
        parsed.notes.extend([note] if note else [])
    data_rows = 0
    for line_number, fields in records:
        if not any(field.strip() for field in fields):
            continue
        data_rows += 1
        if len(fields) != len(header_fields):
            parsed.errors.append(
                InputFileError(
                    path,
                    f"has {len(fields)} fields, the header has {len(header_fields)} (check quoting)",
                    line=line_number,
                )
            )
            continue
        _collect_rows(parsed, columns, dict(zip(header_fields, fields, strict=True)), line_number)
    if not data_rows and not parsed.errors:
        raise InputFileError(path, _NO_ROWS, line=header_line)
    return parsed


def _sniff_dialect(text: str) -> type[csv.Dialect]:
    """Excel's quoting rules with the delimiter the header uses most (',' ';' tab or '|')."""
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=lambda candidate: (header.count(candidate), candidate == ","))

    class Sniffed(csv.excel):
        pass

    Sniffed.delimiter = delimiter
    return Sniffed


def _csv_records(
    path: Path, text: str, dialect: type[csv.Dialect], errors: list[InputFileError]
) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line, fields) per record; a broken quote is reported and reading resumes after it.

    Records are cut on physical lines while tracking whether a quoted field is open, so a single
    unbalanced quote costs one row, not the rest of the file.
    """
    lines = text.splitlines(keepends=True)
    delimiter = dialect.delimiter
    quotechar = dialect.quotechar or '"'
    index = 0
    while index < len(lines):
        start = index
        scanner = _QuoteScanner(delimiter, quotechar)
        scanner.feed(lines[index])
        index += 1
        while scanner.in_quotes and index < len(lines) and index - start < MAX_RECORD_LINES:
            scanner.feed(lines[index])
            index += 1
        if scanner.in_quotes:
            errors.append(
                InputFileError(path, 'a quoted field is never closed (unbalanced ")', line=start + 1)
            )
            index = start + 1
            continue
        chunk = "".join(lines[start:index])
        try:
            fields = next(csv.reader(io.StringIO(chunk, newline=""), dialect, strict=True), [])
        except csv.Error as error:
            errors.append(InputFileError(path, f"broken CSV quoting ({error})", line=start + 1))
            continue
        yield start + 1, fields


class _QuoteScanner:
    """Tracks, character by character, whether a CSV record is inside a quoted field."""

    def __init__(self, delimiter: str, quotechar: str) -> None:
        self.delimiter = delimiter
        self.quotechar = quotechar
        self.in_quotes = False
        self._at_field_start = True
        self._quote_pending = False

    def feed(self, line: str) -> None:
        for char in line:
            if self.in_quotes:
                if self._quote_pending:
                    self._quote_pending = False
                    if char == self.quotechar:
                        continue
                    self.in_quotes = False
                elif char == self.quotechar:
                    self._quote_pending = True
                    continue
                else:
                    continue
            if char == self.quotechar and self._at_field_start:
                self.in_quotes = True
                self._at_field_start = False
            elif char in (self.delimiter, "\n", "\r"):
                self._at_field_start = True
            else:
                self._at_field_start = False
        if self._quote_pending:
            # A quote closing the field right at the end of the line.
            self._quote_pending = False
            self.in_quotes = False
            self._at_field_start = True


# --- columns ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    """Which header names play which role."""

    student_name: str | None
    student_id: str | None
    first_name: str | None
    last_name: str | None
    question: str | None
    answer: str | None
    submitted_at: str | None
    row_id: str | None
    wide: tuple[tuple[str, str], ...]
    """(header, question number) pairs for the wide layout; empty for one-answer-per-row files."""
    form: bool = False
    """The wide columns are a form's questions, keyed by their text rather than a number."""
    tenta_answer_id: str | None = None
    month_first: bool | None = None
    """How the time column writes slash dates, decided for the whole column (`column_date_order`)."""

    @classmethod
    def from_headers(cls, headers: Sequence[str], *, path: Path, line: int) -> _Columns:
        by_name: dict[str, str] = {}
        for header in headers:
            by_name.setdefault(normalise_header(header), header)

        def pick(aliases: Sequence[str]) -> str | None:
            return next((by_name[alias] for alias in aliases if alias in by_name), None)

        columns = cls(
            student_name=pick(STUDENT_NAME_ALIASES),
            student_id=pick(STUDENT_ID_ALIASES),
            first_name=pick(FIRST_NAME_ALIASES),
            last_name=pick(LAST_NAME_ALIASES),
            question=pick(QUESTION_ALIASES),
            answer=pick(ANSWER_ALIASES),
            submitted_at=pick(SUBMITTED_AT_ALIASES),
            row_id=pick(ROW_ID_ALIASES),
            wide=() if pick(QUESTION_ALIASES) else _wide_columns(by_name),
            tenta_answer_id=pick(EXPORTED_ANSWER_ID_COLUMNS),
        )
        if not columns.wide and columns.question is None and columns.answer is None:
            columns = columns._as_form(headers)
        columns._check(path, line, headers)
        return columns

    def _as_form(self, headers: Sequence[str]) -> _Columns:
        """A form export: every column that is neither about the respondent nor about the response
        (score, times, feedback) is a question, headed by its text."""
        claimed = {self.student_name, self.student_id, self.first_name, self.last_name, self.submitted_at}
        questions = tuple(
            (header, form_question_text(header))
            for header in headers
            if header not in claimed
            and normalise_header(header) not in FORM_INFO_COLUMNS
            and not FORM_SIDE_COLUMN.search(header)
            and not POINTS_HEADER.fullmatch(header.strip())
            and form_question_text(header)
        )
        return dataclasses.replace(self, wide=questions, form=bool(questions))

    def _check(self, path: Path, line: int, headers: Sequence[str]) -> None:
        # An anonymous form's rows are respondents named by their line.
        has_student = self.form or any((self.student_name, self.student_id, self.first_name, self.last_name))
        missing = []
        if not has_student:
            missing.append("student (e.g. 'student', 'student_id', 'email')")
        if not self.wide:
            if self.question is None:
                missing.append("question (e.g. 'question', 'question_id')")
            if self.answer is None:
                missing.append("answer (e.g. 'answer', 'response')")
        if missing:
            found = ", ".join(repr(header) for header in headers) or "none"
            raise InputFileError(
                path, f"no column for {' and '.join(missing)}; columns found: {found}", line=line
            )


def _wide_columns(by_name: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    for pattern in WIDE_COLUMN_PATTERNS:
        found = []
        for normalised, header in by_name.items():
            match = pattern.match(normalised)
            if match:
                found.append((header, str(int(match.group(1)))))
        if found:
            return tuple(sorted(found, key=lambda pair: int(pair[1])))
    return ()


def _collect_rows(parsed: ParsedSubmissions, columns: _Columns, values: Mapping[str, str], line: int) -> None:
    def value(header: str | None) -> str:
        return (values.get(header, "") if header else "").strip()

    path = parsed.path
    external_id = value(columns.student_id) or None
    full_name = " ".join(part for part in (value(columns.first_name), value(columns.last_name)) if part)
    name = value(columns.student_name) or full_name or external_id
    if not name and columns.form and not any((columns.student_name, columns.student_id, columns.last_name)):
        name = f"respondent (line {line})"
    if not name:
        parsed.errors.append(InputFileError(path, "no student given", line=line, field="student"))
        return
    if name.casefold() in SUMMARY_ROW_NAMES:
        parsed.warnings.append(InputFileError(path, f"{name!r} row skipped (not a student)", line=line))
        return
    submitted_at = None
    raw_time = value(columns.submitted_at)
    if raw_time not in MISSING_MARKERS:
        submitted_at = parse_timestamp(raw_time, month_first=columns.month_first)
        if submitted_at is None:
            parsed.warnings.append(
                InputFileError(
                    path,
                    f"unreadable time {raw_time!r} ignored (use ISO 8601, e.g. 2024-03-04T10:15)",
                    line=line,
                    field=columns.submitted_at,
                )
            )
    pairs = columns.wide or ((columns.question or "", ""),)
    for header, number in pairs:
        if columns.form and values.get(header, "").strip() in MISSING_MARKERS:
            continue  # a form question left blank (optional, or not shown by the form's branching)
        question_key = number or value(columns.question)
        answer_field = header if columns.wide else columns.answer
        answer = values.get(answer_field or "", "")
        if not question_key:
            parsed.errors.append(InputFileError(path, "no question given", line=line, field=columns.question))
            continue
        if answer.strip() in MISSING_MARKERS:
            # A blank cell is a question the student left unanswered (it counts 0 in the gradebook), not
            # a mistake in the file the teacher could fix.
            parsed.warnings.append(InputFileError(path, NOT_ANSWERED, line=line, field=answer_field))
            continue
        parsed.rows.append(
            SubmissionRow(
                line=line,
                student_name=name,
                student_external_id=external_id,
                question_key=question_key,
                answer=answer.strip("\r\n"),
                submitted_at=submitted_at,
                row_id=(value(columns.row_id) or None) if not columns.wide else None,
                tenta_answer_id=_answer_number(value(columns.tenta_answer_id)) if not columns.wide else None,
                column=header if columns.form else None,
            )
        )


def _answer_number(text: str) -> int | None:
    cleaned = text.strip().removesuffix(".0")
    return int(cleaned) if cleaned.isdigit() else None


def _report_duplicate_row_ids(parsed: ParsedSubmissions) -> None:
    """Two different answers under one explicit id would silently collapse into one; refuse the second."""
    first_seen: dict[str, SubmissionRow] = {}
    kept: list[SubmissionRow] = []
    for row in parsed.rows:
        if row.row_id is None:
            kept.append(row)
            continue
        earlier = first_seen.setdefault(row.row_id, row)
        if earlier is not row and earlier.model_dump(exclude={"line"}) != row.model_dump(exclude={"line"}):
            parsed.errors.append(
                InputFileError(
                    parsed.path,
                    f"id {row.row_id!r} was already used on line {earlier.line} for a different answer",
                    line=row.line,
                )
            )
            continue
        kept.append(row)
    parsed.rows = kept


# --- form questions --------------------------------------------------------------------------------

PROMPT_SIMILARITY = 0.9
"""How alike (difflib ratio of normalised text) a form's question title and a prompt must be to match:
enough for a changed punctuation mark, a typo or a dropped word, not for another question."""


def form_question_text(header: str) -> str:
    """A form column's question: the header without the points the author added ('… [2 poäng]') or the
    item id Canvas puts first ('123401: …')."""
    return CANVAS_ITEM_PREFIX.sub("", POINTS_SUFFIX.sub("", " ".join(header.split())).strip())


def question_for_prompt(bank: Bank, text: str) -> Question | None:
    """The bank's question whose prompt (in any of its languages, or its first line) is `text` up to
    case, punctuation, markup and numbering; else the single one nearly equal to it."""
    wanted = prompt_key(text)
    if not wanted:
        return None
    candidates = [
        (question, prompt_key(variant))
        for question in bank.questions
        for variant in _prompt_variants(question)
    ]
    exact = {question.id: question for question, key in candidates if key == wanted}
    if len(exact) == 1:
        return next(iter(exact.values()))
    if exact:
        return None  # two questions share the text: guessing would file answers under the wrong one
    scored: dict[str, tuple[float, Question]] = {}
    for question, key in candidates:
        ratio = difflib.SequenceMatcher(None, wanted, key, autojunk=False).ratio() if key else 0.0
        if ratio > scored.get(question.id, (0.0, question))[0]:
            scored[question.id] = (ratio, question)
    ranked = sorted(scored.values(), key=lambda pair: pair[0], reverse=True)
    if not ranked or ranked[0][0] < PROMPT_SIMILARITY:
        return None
    if len(ranked) > 1 and ranked[1][0] >= PROMPT_SIMILARITY:
        return None
    return ranked[0][1]


def prompt_key(text: str) -> str:
    """Text for comparing a form title with a prompt: no markup, numbering, punctuation or case."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = POINTS_SUFFIX.sub("", text.strip())
    text = re.sub(
        r"^\s*(?:(?:q|question|fråga|uppgift)\s*)?\d{1,3}\s*[.:)]\s+", "", text, flags=re.IGNORECASE
    )
    text = re.sub(r"[^\w\s]|_", " ", text.casefold())
    return " ".join(text.split())


def _prompt_variants(question: Question) -> list[str]:
    """Each language's prompt, and its first line (a form title often leaves out the code or the table)."""
    variants = []
    for prompt in question.prompt.values():
        variants.append(prompt)
        first_line = prompt.strip().split("\n", 1)[0]
        if first_line != prompt.strip():
            variants.append(first_line)
    return variants
