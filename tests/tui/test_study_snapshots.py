"""Suspended questions, a leech's feedback and a topic session in history at 80x24 (pytest-textual-snapshot;
frozen clock, seeded order).

Update after an intended change with `pytest tests/tui/test_study_snapshots.py --snapshot-update` and look
at the SVGs under tests/tui/__snapshots__/ before committing them.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from textual.pilot import Pilot

from db.records import SuspensionReason
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.session import QuizRequest, start_quiz
from quiz.tui.screens.history import HistoryScreen
from quiz.tui.screens.suspended_dialog import SuspendedDialog
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import home_ready, steady, wait_until
from tests.tui.seed import clocked
from tests.tui.test_study import lapsing_card, submit_empty_first_answer

SnapCompare = Callable[..., bool]


def _suspend_two(ctx: AppContext) -> None:
    """The first question suspended as a leech (8 lapses), the seventh by the student."""
    lapsing_card(ctx, 8)
    student = ctx.repository.default_student()
    card = ctx.repository.get_review_card(student.id, "dl-course", "q01-ai-ml-dl")
    assert card is not None
    ctx.repository.save_review_card(card.model_copy(update={"leech": True}), suspend_as_leech=True)
    ctx.repository.suspend_question(student.id, "dl-course", "q07-dropout", SuspensionReason.MANUAL)


async def _home(pilot: Pilot[None]) -> None:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await steady(pilot)


async def _suspended_list(pilot: Pilot[None]) -> None:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("u")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SuspendedDialog), "the suspended list")
    await pilot.press("space")
    await steady(pilot)


async def _leech_feedback(pilot: Pilot[None]) -> None:
    await submit_empty_first_answer(pilot)
    await steady(pilot)


async def _history(pilot: Pilot[None]) -> None:
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("h")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen), "history")
    await steady(pilot)


def test_home_with_suspended_questions(snap_compare: SnapCompare, ctx: AppContext) -> None:
    _suspend_two(ctx)
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_home)


def test_suspended_list(snap_compare: SnapCompare, ctx: AppContext) -> None:
    _suspend_two(ctx)
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_suspended_list)


def test_leech_feedback(snap_compare: SnapCompare, ctx: AppContext) -> None:
    lapsing_card(ctx, 7)
    assert snap_compare(make_app(ctx), terminal_size=(80, 30), run_before=_leech_feedback)


def test_history_with_a_topic_session(snap_compare: SnapCompare, ctx: AppContext) -> None:
    clocked(ctx, NOW)
    student = ctx.repository.default_student()
    request = QuizRequest(
        student_id=student.id,
        bank_id="dl-course",
        mode=QuizMode.PRACTICE,
        count=2,
        topics=("cnn", "hardware"),
    )
    start_quiz(ctx, request, now=NOW, rng=random.Random(4)).finish(now=NOW)
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=_history)
