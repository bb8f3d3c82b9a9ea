"""The app shows stored (UTC) moments in the machine's time zone, as the CLI does: a student in Stockholm
saw 06:29 in the app's history and 07:29 in `tenta history` for the same quiz."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from db.records import SessionStatus, SessionSummary
from quiz.local_time import local_minute
from quiz.tui.screens.history import summary_cells

STARTED = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


@pytest.fixture
def stockholm_winter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """UTC+1 as a POSIX zone string, so no tz database is needed."""
    monkeypatch.setenv("TZ", "CET-1")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_history_row_shows_the_start_in_local_time(stockholm_winter: None) -> None:
    summary = SessionSummary(
        session_id=1,
        student_id=1,
        student_name="Anna",
        bank_id="dl-course",
        bank_version="1",
        mode="practice",
        status=SessionStatus.FINISHED,
        started_at=STARTED,
        finished_at=None,
        question_count=1,
        answered_count=1,
        graded_count=1,
        needs_review_count=0,
        score=1.0,
        max_points=2.0,
    )
    assert summary_cells(summary)[0] == "2025-03-03 10:30"
    assert local_minute(STARTED) == "2025-03-03 10:30"
