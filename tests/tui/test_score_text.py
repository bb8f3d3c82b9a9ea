"""The app writes a score as the CLI does: at most two decimals, no trailing zeros (one shared function).

The feedback screen showed the recorded grade 0.84 as "0.8" while `tenta history` showed "0.84"."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Label, TextArea
from typer.testing import CliRunner

from quiz.cli.main import app as tenta_app
from quiz.context import AppContext
from quiz.tui.screens.quiz import QuizScreen
from tests.tui.conftest import RECORDED_ANSWER, make_app
from tests.tui.helpers import graded_feedback, home_ready, wait_until

pytestmark = pytest.mark.anyio


async def test_the_feedback_score_reads_as_in_tenta_history(recorded_ctx: AppContext) -> None:
    async with make_app(recorded_ctx).run_test(size=(100, 36)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuizScreen), "the quiz")
        pilot.app.screen.query_one("#answer", TextArea).insert(RECORDED_ANSWER)
        await pilot.press("ctrl+s")
        feedback = await graded_feedback(pilot)
        shown = str(feedback.query_one(".score-text", Label).render())
    (session,) = recorded_ctx.repository.history()

    printed = CliRunner().invoke(tenta_app, ["history", str(session.session_id)], env={"COLUMNS": "160"})

    assert printed.exit_code == 0, printed.output
    assert shown == "Score 0.84 / 2 p"
    score = re.search(r"[\d.]+ / [\d.]+", shown)
    assert score is not None and score.group() in printed.output
