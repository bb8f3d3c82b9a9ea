"""`tenta grade --date-order mdy` reads a US export whose dates all read either way month first, and a
column with dates in both orders is refused before anything is stored."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from question_bank.errors import InputFileError
from quiz.context import AppContext
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, write_csv

HEADER = ("student", "question", "answer", "submitted_at")


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_date_order_mdy_stores_a_us_canvas_export_month_first(
    ctx: AppContext, tmp_path: Path, utc: None
) -> None:
    rows = [
        ["Ada", "dropout", GOOD_DROPOUT, "03/04/2025 14:00"],
        ["Bo", "early-stopping", GOOD_STOPPING, "03/05/2025 09:30"],
    ]
    path = write_csv(tmp_path / "canvas.csv", rows, HEADER)

    code, _, stderr = tenta("grade", path, "--bank", "teacher-test", "--date-order", "mdy")

    assert code == 0, stderr
    stored = sorted(
        detail.answer.submitted_at for detail in ctx.repository.answer_history(bank_id="teacher-test")
    )
    assert [moment.replace(tzinfo=UTC) for moment in stored] == [
        datetime(2025, 3, 4, 14, tzinfo=UTC),
        datetime(2025, 3, 5, 9, 30, tzinfo=UTC),
    ]


def test_dates_in_both_orders_are_refused_and_nothing_is_stored(ctx: AppContext, tmp_path: Path) -> None:
    rows = [
        ["Ada", "dropout", GOOD_DROPOUT, "03/14/2025 14:00"],
        ["Bo", "early-stopping", GOOD_STOPPING, "14/03/2025 09:30"],
    ]
    path = write_csv(tmp_path / "merged.csv", rows, HEADER)

    with pytest.raises(InputFileError, match=r"merged\.csv:3.*submitted_at.*both day first"):
        tenta("grade", path, "--bank", "teacher-test")

    assert ctx.repository.answer_history(bank_id="teacher-test") == []
