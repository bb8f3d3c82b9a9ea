"""The question browser at 80x24 and a question in full at 100x32 (pytest-textual-snapshot; frozen clock,
grades seeded directly so the pictures do not move when the grader is tuned).

Update after an intended change with `pytest tests/tui/test_browser_snapshots.py --snapshot-update` and look
at the SVGs under tests/tui/__snapshots__/ before committing them.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from db.records import SuspensionReason
from quiz.context import AppContext
from quiz.tui.screens.question_detail import QuestionDetailScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import open_browser, steady, wait_until
from tests.tui.seed import seed_history

SnapCompare = Callable[..., bool]


def _seed(ctx: AppContext) -> None:
    """Three sessions on the first four questions; the seventh suspended by the student."""
    seed_history(ctx)
    student = ctx.repository.default_student()
    ctx.repository.suspend_question(student.id, "dl-course", "q07-dropout", SuspensionReason.MANUAL)


async def _browser(pilot: Pilot[None]) -> None:
    await open_browser(pilot)
    await steady(pilot)


async def _sorted_by_best(pilot: Pilot[None]) -> None:
    await _browser(pilot)
    await pilot.press(
        "ctrl+o", "ctrl+o", "ctrl+o", "ctrl+o", "ctrl+r"
    )  # # → Question → Pts → Last → Best, descending
    await steady(pilot)


async def _answers_of_first(pilot: Pilot[None]) -> None:
    await _browser(pilot)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuestionDetailScreen), "the question")
    await pilot.press("2")
    await steady(pilot)


def test_browser_sorted_by_best(snap_compare: SnapCompare, ctx: AppContext) -> None:
    _seed(ctx)
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_sorted_by_best)


def test_question_answers(snap_compare: SnapCompare, ctx: AppContext) -> None:
    _seed(ctx)
    assert snap_compare(make_app(ctx), terminal_size=(100, 32), run_before=_answers_of_first)
