"""Extra time in a timed exam without a terminal: the deadline a student gets, and that it is final."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.session import ActiveQuiz, QuizRequest, resume_quiz, start_quiz, student_time_limit
from tests.quiz.conftest import NOW

TIMED = "dl-timed"


@pytest.fixture
def timed_bank(ctx: AppContext, bank: Bank) -> Bank:
    """The bundled course as a 60-minute exam."""
    timed = Bank.model_validate({**bank.model_dump(), "id": TIMED, "time_limit_minutes": 60})
    ctx.catalog.install(timed)
    return timed


def _start(ctx: AppContext, student_id: int, mode: QuizMode = QuizMode.FULL) -> ActiveQuiz:
    request = QuizRequest(student_id=student_id, bank_id=TIMED, mode=mode)
    return start_quiz(ctx, request, now=NOW, rng=random.Random(0))


def test_the_student_with_50_percent_can_submit_at_61_minutes_and_the_other_cannot(
    ctx: AppContext, timed_bank: Bank
) -> None:
    alva = ctx.repository.get_or_create_student("Alva").id
    bo = ctx.repository.get_or_create_student("Bo").id
    ctx.repository.set_extra_time(bo, percent=50)
    alva_exam, bo_exam = _start(ctx, alva), _start(ctx, bo)
    assert alva_exam.deadline == NOW + timedelta(minutes=60)
    assert bo_exam.deadline == NOW + timedelta(minutes=90)
    assert bo_exam.seconds_left(NOW) == 90 * 60

    at_61 = NOW + timedelta(minutes=61)
    with pytest.raises(TentaError, match="Time is up"):
        alva_exam.submit("Deep learning är en del av maskininlärning.", now=at_61)
    answer = bo_exam.submit("Deep learning är en del av maskininlärning.", now=at_61)
    assert ctx.repository.get_answer(answer.id).answer.submitted_at == at_61
    with pytest.raises(TentaError, match="Time is up"):
        bo_exam.submit("för sent", now=NOW + timedelta(minutes=90))


def test_minutes_and_the_banks_own_setting_wins_over_all_banks(ctx: AppContext, timed_bank: Bank) -> None:
    bo = ctx.repository.get_or_create_student("Bo").id
    ctx.repository.set_extra_time(bo, percent=50)
    ctx.repository.set_extra_time(bo, TIMED, minutes=15)
    assert _start(ctx, bo).deadline == NOW + timedelta(minutes=75)
    limit = student_time_limit(ctx.repository, bo, TIMED, 60)
    assert limit is not None and limit.minutes == 75 and limit.describe() == "60 min + 15 min = 75 min"
    elsewhere = student_time_limit(ctx.repository, bo, "other", 60)
    assert elsewhere is not None and elsewhere.describe() == "60 min + 50 % = 90 min"
    assert student_time_limit(ctx.repository, bo, TIMED, None) is None, "an untimed bank stays untimed"


def test_the_stored_deadline_is_final_when_the_setting_changes(ctx: AppContext, timed_bank: Bank) -> None:
    bo = ctx.repository.get_or_create_student("Bo").id
    ctx.repository.set_extra_time(bo, percent=25)
    running = _start(ctx, bo)
    assert running.deadline == NOW + timedelta(minutes=75)
    ctx.repository.clear_extra_time(bo)
    ctx.repository.set_extra_time(bo, TIMED, percent=100)
    resumed = resume_quiz(AppContext(ctx.settings), running.session_id)
    assert resumed.deadline == NOW + timedelta(minutes=75), "the running exam keeps its deadline"
    assert _start(ctx, bo).deadline == NOW + timedelta(minutes=120), "the next exam gets the new time"


def test_practice_stays_untimed_with_extra_time(ctx: AppContext, timed_bank: Bank) -> None:
    bo = ctx.repository.get_or_create_student("Bo").id
    ctx.repository.set_extra_time(bo, percent=50)
    assert _start(ctx, bo, QuizMode.PRACTICE).deadline is None


def test_a_percentage_deadline_is_kept_to_the_second(ctx: AppContext, bank: Bank) -> None:
    odd = Bank.model_validate({**bank.model_dump(), "id": TIMED, "time_limit_minutes": 45})
    ctx.catalog.install(odd)
    bo = ctx.repository.get_or_create_student("Bo").id
    ctx.repository.set_extra_time(bo, percent=33)
    assert _start(ctx, bo).deadline == NOW + timedelta(minutes=59, seconds=51)  # 45 min × 1.33 = 59.85 min
