"""Slash dates in a submissions file's time column are read in one order for the whole column: the order a
date above 12 shows, refused when the column shows both, and day first (said in a note, `--date-order mdy`
to change it) when every date reads either way."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from question_bank.errors import InputFileError
from quiz.teacher.submissions import DateOrder, read_submissions


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times without a zone are local time: UTC here, so the expected moments read as written."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _google_forms(path: Path, times: list[str]) -> Path:
    """A Google Forms responses download: 'Timestamp' first, every cell quoted."""
    rows = [["Timestamp", "Email Address", "What does dropout do?"]]
    rows += [[moment, f"s{index}@uu.se", "Turns off neurons"] for index, moment in enumerate(times, start=1)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)
    return path


def _times(path: Path, date_order: DateOrder | None = None) -> list[datetime | None]:
    return [row.submitted_at for row in read_submissions(path, date_order=date_order).rows]


def test_a_us_google_forms_timestamp_column_is_read_month_first(tmp_path: Path) -> None:
    """'3/4/2025 14:05:09' as Google Forms (en-US) writes it is March 4: '3/14/2025' in the column says so."""
    path = _google_forms(tmp_path / "responses.csv", ["3/4/2025 14:05:09", "3/14/2025 9:00:00"])

    assert _times(path) == [datetime(2025, 3, 4, 14, 5, 9, tzinfo=UTC), datetime(2025, 3, 14, 9, tzinfo=UTC)]


def test_a_column_with_dates_in_both_orders_is_refused_naming_file_line_and_column(tmp_path: Path) -> None:
    """Before, the column was read date by date (day first where it could be): '03/04/2025' became 3 April
    in a file where another line is month first and a third day first, and nothing was said."""
    path = _google_forms(
        tmp_path / "merged.csv", ["03/04/2025 14:00", "03/14/2025 09:00", "14/03/2025 10:00"]
    )

    with pytest.raises(InputFileError) as raised:
        read_submissions(path)

    message = str(raised.value)
    assert "merged.csv" in message
    assert raised.value.line == 4
    assert raised.value.field == "Timestamp"
    assert "'14/03/2025 10:00' on line 4" in message
    assert "'03/14/2025 09:00' on line 3" in message


def test_an_all_ambiguous_column_is_read_day_first_and_says_so(tmp_path: Path) -> None:
    path = _google_forms(tmp_path / "responses.csv", ["03/04/2025 14:00", "05/04/2025 09:30"])

    parsed = read_submissions(path)

    assert [row.submitted_at for row in parsed.rows] == [
        datetime(2025, 4, 3, 14, tzinfo=UTC),
        datetime(2025, 4, 5, 9, 30, tzinfo=UTC),
    ]
    assert parsed.notes == [
        "responses.csv: every date in column 'Timestamp' reads either way; read day first "
        "('03/04/2025 14:00' as 3 April 2025). If the file writes the month first (US exports), "
        "give --date-order mdy."
    ]


def test_the_date_order_reads_an_all_ambiguous_column_month_first(tmp_path: Path) -> None:
    """A Canvas (en-US) export of a quiz given in the first days of March: no date tells the order."""
    path = _google_forms(tmp_path / "canvas.csv", ["03/04/2025 14:00", "03/05/2025 2:30 PM"])

    parsed = read_submissions(path, date_order=DateOrder.MDY)

    assert [row.submitted_at for row in parsed.rows] == [
        datetime(2025, 3, 4, 14, tzinfo=UTC),
        datetime(2025, 3, 5, 14, 30, tzinfo=UTC),
    ]
    assert parsed.notes == []
    assert _times(path, DateOrder.DMY) == [
        datetime(2025, 4, 3, 14, tzinfo=UTC),
        datetime(2025, 5, 3, 14, 30, tzinfo=UTC),
    ]


def test_a_date_order_the_column_contradicts_is_refused(tmp_path: Path) -> None:
    path = _google_forms(tmp_path / "uk.csv", ["03/04/2025 14:00", "14/03/2025 10:00"])

    with pytest.raises(InputFileError) as raised:
        read_submissions(path, date_order=DateOrder.MDY)

    assert raised.value.line == 3
    assert raised.value.field == "Timestamp"
    assert "'14/03/2025 10:00' cannot be read with --date-order mdy (there is no month 14)" in str(
        raised.value
    )


def test_iso_dates_need_no_order_and_get_no_note(tmp_path: Path) -> None:
    path = _google_forms(tmp_path / "iso.csv", ["2025-03-04 14:00", "2025-04-03T09:00:00"])

    parsed = read_submissions(path, date_order=DateOrder.MDY)

    assert [row.submitted_at for row in parsed.rows] == [
        datetime(2025, 3, 4, 14, tzinfo=UTC),
        datetime(2025, 4, 3, 9, tzinfo=UTC),
    ]
    assert parsed.notes == []


def test_jsonl_records_are_read_in_one_order_too(tmp_path: Path) -> None:
    """Each JSON record was read alone: '03/04/2025' day first beside a month-first '03/14/2025'."""
    path = tmp_path / "answers.jsonl"
    records = [
        {"student": "Ada", "question": "1", "answer": "x", "submitted_at": "03/04/2025 14:00"},
        {"student": "Bo", "question": "1", "answer": "y", "submitted_at": "03/14/2025 09:00"},
    ]
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")

    assert _times(path) == [datetime(2025, 3, 4, 14, tzinfo=UTC), datetime(2025, 3, 14, 9, tzinfo=UTC)]


def test_a_workbook_refusal_names_the_sheet_and_the_column_letter(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Responses"
    sheet.append(["Name", "Question", "Answer", "Completion time"])
    sheet.append(["Ada", "1", "x", "03/14/2025 09:00"])
    sheet.append(["Bo", "1", "y", "14/03/2025 09:00"])
    path = tmp_path / "answers.xlsx"
    workbook.save(path)

    with pytest.raises(InputFileError) as raised:
        read_submissions(path)

    assert raised.value.line == 3
    assert raised.value.field == "sheet 'Responses', column D (Completion time)"
