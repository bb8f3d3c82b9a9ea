"""Releasing a group decision (previewed, then withdrawn) and anonymous grading in the review queue and
answer groups screens: the real app on a real SQLite file with the real MiniLM grader."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Static

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.teacher.anonymous import KEY_FILE, pseudonyms_for
from quiz.teacher.review import scaled_auto_score
from quiz.tui.screens.answer_groups import AnswerGroupsScreen
from quiz.tui.screens.release_dialog import ReleaseDialog
from quiz.tui.screens.review_queue import ReviewQueueScreen
from quiz.tui.widgets.answer_view import AnswerView
from tests.teacher.fixtures import TEACHER_BANK
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import home_ready, settle, wait_until
from tests.tui.test_answer_groups import (
    KERAS,
    OTHERS,
    _fixed_grade,
    _question,
    _submit,
    open_groups,
    seed_real,
)

pytestmark = pytest.mark.anyio

PSEUDONYM = re.compile(r"^Student \d{4}$")
FIXED_KEY = "5e" * 32
"""A known pseudonym key, so the snapshot shows the same pseudonyms on every run."""


def _column(table: DataTable[str], column: int) -> list[str]:
    return [str(table.get_row_at(row)[column]) for row in range(table.row_count)]


def _fixed_key(ctx: AppContext) -> None:
    """Anonymous grading with FIXED_KEY, taken over from a legacy key file as an older installation's."""
    ctx.settings = ctx.settings.model_copy(update={"anonymous_grading": True})
    ctx.settings.data_dir.mkdir(parents=True, exist_ok=True)
    (ctx.settings.data_dir / KEY_FILE).write_text(FIXED_KEY + "\n", encoding="ascii")


def _messages(pilot: Pilot[None]) -> list[str]:
    return [str(notification.message) for notification in pilot.app._notifications]


async def _release_dialog(pilot: Pilot[None]) -> ReleaseDialog:
    await pilot.press("r")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReleaseDialog), "the release preview")
    dialog = pilot.app.screen
    assert isinstance(dialog, ReleaseDialog)
    return dialog


async def test_r_previews_a_release_cancelling_keeps_the_decision_and_confirming_restores_auto_grades(
    ctx: AppContext,
) -> None:
    keras, _ = seed_real(ctx)
    repository = ctx.repository
    teacher = repository.default_student().name
    async with make_app(ctx).run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        screen.query_one("#groups-score", Input).value = "1.5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert all(repository.get_answer(answer_id).final_score == 1.5 for answer_id in keras)

        dialog = await _release_dialog(pilot)
        rows = dialog.query_one("#release-table", DataTable)
        assert _column(rows, 1) == [f"1.5 group g{keras[0]} · {teacher}"] * 5
        assert _column(rows, 3) == ["auto grade"] * 5
        auto = [scaled_auto_score(repository.get_answer(answer_id)) for answer_id in keras]
        assert _column(rows, 2) == [str(round(score, 2)).removesuffix(".0") for score in auto if score]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AnswerGroupsScreen)
        assert all(repository.get_answer(answer_id).final_score == 1.5 for answer_id in keras)

        dialog = await _release_dialog(pilot)
        assert dialog.query_one("#release-confirm", Button).has_focus
        await pilot.press("enter")
        await settle(pilot)
        assert any(f"Group g{keras[0]}: 5 answer(s) back to their auto grade" in m for m in _messages(pilot))
        members = screen.query_one("#groups-members", DataTable)
        assert _column(members, 3) == ["auto"] * 5
        assert _column(screen.query_one("#groups-table", DataTable), 4)[0] == "0/5"

        await pilot.press("r")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ReleaseDialog), "nothing to release: no preview"
        assert any("Nothing to release in group" in m for m in _messages(pilot))

    for answer_id, score in zip(keras, auto, strict=True):
        detail = repository.get_answer(answer_id)
        assert detail.overrides == [] and detail.final_score == pytest.approx(score)
        kinds = [event.kind.value for event in repository.audit_trail(answer_id)]
        assert kinds.count("group_released") == 1


async def test_anonymous_grading_hides_names_in_the_queue_and_the_groups_and_n_toggles_them(
    ctx: AppContext,
) -> None:
    keras, others = seed_real(ctx)
    ctx.settings = ctx.settings.model_copy(update={"anonymous_grading": True})
    repository = ctx.repository
    names = {s.id: s.name for s in repository.list_students()}
    async with make_app(ctx).run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        pseudonyms = pseudonyms_for(repository, ctx.settings.data_dir)
        members = screen.query_one("#groups-members", DataTable)
        members_answers = [repository.get_answer(answer_id).answer for answer_id in keras]
        students = [answer.student_id for answer in members_answers]
        expected = [pseudonyms.name(answer.student_id, answer.bank_id) for answer in members_answers]
        assert sorted(_column(members, 0)) == sorted(expected)
        assert all(PSEUDONYM.match(name) for name in _column(members, 0))
        assert "anonymous" in str(screen.query_one("#groups-title", Static).render())

        await pilot.press("n")
        await settle(pilot)
        assert sorted(_column(members, 0)) == sorted(names[student_id] for student_id in students)
        await pilot.press("n")
        await settle(pilot)
        assert sorted(_column(members, 0)) == sorted(expected)

        await pilot.press("escape")
        await settle(pilot)
        queue = pilot.app.screen
        assert isinstance(queue, ReviewQueueScreen) and queue.anonymous
        table = queue.query_one("#queue-table", DataTable)
        shown_names = _column(table, 0)
        assert shown_names and all(PSEUDONYM.match(name) for name in shown_names)
        view = str(queue.query_one(AnswerView).query_one(".av-question", Static).render())
        assert not any(name in view for name in names.values()) and PSEUDONYM.match(shown_names[0])
        assert shown_names[0] in view

        await pilot.press("n")
        await settle(pilot)
        assert set(_column(table, 0)) <= set(names.values())
        assert "anonymous" not in str(queue.query_one("#queue-title", Static).render())
    assert others


def _two_banks_under_review(ctx: AppContext) -> list[int]:
    """Three students, each with an answer waiting for review in dl-course and in teacher-test."""
    repository = ctx.repository
    ctx.catalog.install(Bank.model_validate(TEACHER_BANK))
    banks = [ctx.catalog.load("dl-course"), ctx.catalog.load("teacher-test")]
    questions = [_question(ctx), banks[1].questions[0]]
    ids = []
    for name in ("Anna Berg", "Bo Lind", "Cleo Holm"):
        student = repository.get_or_create_student(name)
        for bank, question in zip(banks, questions, strict=True):
            answer = repository.submit_answer(student.id, bank, question, "Not sure.", submitted_at=NOW)
            repository.save_grade(answer.id, _fixed_grade(question, [0.5] * len(question.rubric)))
            ids.append(answer.id)
    return ids


async def test_the_review_queue_shows_each_answer_by_its_own_banks_pseudonym(ctx: AppContext) -> None:
    """The queue over every bank (bank None): the same student is one pseudonym in dl-course and another
    in teacher-test, in the list and in the answer shown."""
    _fixed_key(ctx)
    ids = _two_banks_under_review(ctx)
    repository = ctx.repository
    answers = {answer_id: repository.get_answer(answer_id).answer for answer_id in ids}
    async with make_app(ctx).run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, home_ready(pilot), "the home screen")
        queue = ReviewQueueScreen(None, teacher="Kim")
        await pilot.app.push_screen(queue)
        await wait_until(pilot, lambda: queue._selected is not None, "the review queue of every bank")
        table = queue.query_one("#queue-table", DataTable)
        rows = [int(str(row.key.value)) for row in table.ordered_rows]
        shown_names = dict(zip(rows, _column(table, 0), strict=True))
        pseudonyms = pseudonyms_for(repository, ctx.settings.data_dir)

        assert sorted(rows) == sorted(ids)
        assert all(PSEUDONYM.match(name) for name in shown_names.values())
        for answer_id, answer in answers.items():
            assert shown_names[answer_id] == pseudonyms.name(answer.student_id, answer.bank_id)
        for first, second in zip(ids[::2], ids[1::2], strict=True):
            assert answers[first].student_id == answers[second].student_id
            assert answers[first].bank_id != answers[second].bank_id
            assert shown_names[first] != shown_names[second]

        table.move_cursor(row=rows.index(ids[1]))
        await settle(pilot)
        view = str(queue.query_one(AnswerView).query_one(".av-question", Static).render())
        assert shown_names[ids[1]] in view and shown_names[ids[0]] not in view


def test_release_preview_with_hidden_names(snap_compare: Callable[..., bool], ctx: AppContext) -> None:
    """Three Keras answers decided by the group at 1.5, one of them since given its own 0.5: the preview
    lists each member (by pseudonym) with its score now and after."""
    _fixed_key(ctx)
    question = _question(ctx)
    ids = _submit(ctx, [*KERAS[:3], *OTHERS])
    credits = [
        (1, 1, 0.8, 0.8),
        (1, 1, 0.7, 0.8),
        (1, 1, 0.7, 0.8),
        (0, 0, 0, 0),
        (0, 0, 0, 0),
        (0.5, 0.8, 1, 0.5),
    ]
    for answer_id, answer_credits in zip(ids, credits, strict=True):
        ctx.repository.save_grade(answer_id, _fixed_grade(question, answer_credits))

    async def decide_then_preview(pilot: Pilot[None]) -> None:
        screen = await open_groups(pilot)
        screen.query_one("#groups-score", Input).value = "1.5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        ctx.repository.add_override(ids[1], 0.5, "looked at it alone", "Kim")
        screen.load_groups(keep=screen.selected.id if screen.selected else None)
        await settle(pilot)
        pilot.app.clear_notifications()
        await _release_dialog(pilot)
        await settle(pilot)

    assert snap_compare(make_app(ctx), terminal_size=(120, 36), run_before=decide_then_preview)
