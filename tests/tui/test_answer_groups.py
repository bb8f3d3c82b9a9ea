"""Grading by answer groups in the TUI: from the review queue, `g` groups the question's answers with the
real MiniLM model, and one decision is stored as an override of every member (checked in the database)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, OptionList, Static

from db.records import AnswerDetail, NewGrade
from grading.models import PointResult, PointStatus
from grading.rubric import weighted_credit
from question_bank.models import Question
from quiz.context import AppContext
from quiz.grading_service import grade_and_store
from quiz.teacher.grouping import answer_groups, confirm_group, find_group
from quiz.tui.screens.answer_groups import AnswerGroupsScreen
from quiz.tui.screens.group_picker import GroupPicker
from quiz.tui.screens.review_queue import ReviewQueueScreen
from quiz.tui.widgets.point_decisions import PointDecisions
from tests.tui.conftest import NOW, make_app
from tests.tui.helpers import home_ready, settle, wait_until

pytestmark = pytest.mark.anyio

QUESTION_ID = "q02-tensorflow-keras"
KERAS = (
    "Keras is a high-level API for building neural networks, and it is part of TensorFlow as tf.keras.",
    "Keras is a high-level API for building neural networks and it is included in TensorFlow as tf.keras.",
    "Keras is a high level API for building neural networks; it is part of TensorFlow (tf.keras).",
    "Keras is a high-level API for building neural networks, and it is part of TensorFlow as tf.keras. "
    "Keras began as a standalone library.",
    "Keras is a high-level API for neural networks that is part of TensorFlow, which does the computations.",
)
"""One group at similarity 0.87 (MiniLM); the TensorFlow answer of OTHERS joins it at the default 0.67."""
OTHERS = (
    "I don't know.",
    "I do not know.",
    "TensorFlow is the low-level framework that does the actual computations on GPUs.",
)
"""A group of two and a group of one."""


def _question(ctx: AppContext) -> Question:
    question = ctx.catalog.load("dl-course").questions[1]
    assert question.id == QUESTION_ID and [point.id for point in question.rubric] == [
        "kp1",
        "kp2",
        "kp3",
        "kp4",
    ]
    return question


def _submit(ctx: AppContext, texts: Sequence[str], question: Question | None = None) -> list[int]:
    """Each text from its own student, all at NOW, in order (so the first has the lowest id)."""
    repository = ctx.repository
    bank = ctx.catalog.load("dl-course")
    asked = question or _question(ctx)
    ids = []
    for text in texts:
        student = repository.get_or_create_student(f"Student {len(repository.list_students()):02d}")
        ids.append(repository.submit_answer(student.id, bank, asked, text, submitted_at=NOW).id)
    return ids


def _graded(ctx: AppContext, ids: Sequence[int]) -> None:
    """Real grades from the real MiniLM grader; the first Keras answer asks for a regrade (so is queued)."""
    grade_and_store(ctx, [ctx.repository.get_answer(answer_id).answer for answer_id in ids])
    ctx.repository.request_regrade(ids[0], "I named both: the API and tf.keras")


def seed_real(ctx: AppContext) -> tuple[list[int], list[int]]:
    keras = _submit(ctx, KERAS)
    others = _submit(ctx, OTHERS)
    _graded(ctx, [*keras, *others])
    return keras, others


async def open_groups(pilot: Pilot[None]) -> AnswerGroupsScreen:
    """Home → review queue (r) → the first queued answer's answer groups (g), loaded."""
    await wait_until(pilot, home_ready(pilot), "the home screen")
    await pilot.press("r")
    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, ReviewQueueScreen) and pilot.app.screen._selected is not None,
        "the review queue",
    )
    await pilot.press("g")
    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, AnswerGroupsScreen) and bool(pilot.app.screen.groups),
        "the answer groups",
    )
    screen = pilot.app.screen
    assert isinstance(screen, AnswerGroupsScreen)
    return screen


def _column(table: DataTable[str], column: int) -> list[str]:
    return [str(table.get_row_at(row)[column]) for row in range(table.row_count)]


def _expected_score(detail: AnswerDetail, decisions: dict[str, float]) -> float:
    """The member's own auto credit for undecided points, the teacher's for decided ones (2 points max)."""
    assert detail.latest_grade is not None
    auto = {str(point["point_id"]): float(point["credit"]) for point in detail.latest_grade.points}
    rubric = detail.question.rubric
    credits = [decisions.get(point.id, auto[point.id]) for point in rubric]
    return round(weighted_credit(credits, [point.weight for point in rubric]) * detail.max_points, 2)


async def test_g_opens_the_groups_and_a_score_applied_to_a_group_overrides_every_member(
    ctx: AppContext,
) -> None:
    keras, others = seed_real(ctx)
    teacher = ctx.repository.default_student().name
    app = make_app(ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        groups = screen.query_one("#groups-table", DataTable)
        assert _column(groups, 0) == [f"g{keras[0]}", f"g{others[0]}", f"g{others[2]}"]
        assert _column(groups, 1) == ["5", "2", "1"]
        assert _column(groups, 4) == ["0/5", "0/2", "0/1"]
        members = screen.query_one("#groups-members", DataTable)
        assert members.row_count == 5
        assert "Answer groups" in str(screen.query_one("#groups-title", Static).render())

        screen.query_one("#groups-score", Input).focus()
        await pilot.press("1", ",", "5")
        await pilot.pause()
        assert _column(members, 4) == ["1.5"] * 5, "the typed score goes to every member"
        await pilot.press("enter")
        comment = screen.query_one("#groups-comment", Input)
        assert comment.has_focus
        comment.value = "Both named; the back end is thin."
        await pilot.press("enter")
        await settle(pilot)
        assert _column(groups, 4) == ["5/5", "0/2", "0/1"], "the list is refreshed after applying"
        assert _column(members, 2) == ["1.5 ✎"] * 5
        assert _column(members, 3) == [f"g{keras[0]} {teacher}"] * 5, "decided by the group's decision"

        await pilot.press("escape")
        await settle(pilot)
        queue = pilot.app.screen
        assert isinstance(queue, ReviewQueueScreen)
        queued = {detail.answer.id for detail in queue._queue}
        assert queued.isdisjoint(keras), "decided answers leave the review queue"

    for answer_id in keras:
        detail = ctx.repository.get_answer(answer_id)
        override = detail.latest_override
        assert override is not None and len(detail.overrides) == 1
        assert (override.score, override.comment, override.teacher) == (
            1.5,
            "Both named; the back end is thin.",
            teacher,
        )
        assert detail.final_score == 1.5 and not detail.regrade_requested
        assert ctx.repository.audit_trail(answer_id)[-1].kind.value == "overridden"
    for answer_id in others:
        assert ctx.repository.get_answer(answer_id).overrides == []


async def test_key_point_decisions_for_a_group_give_each_member_the_score_of_its_own_points(
    ctx: AppContext,
) -> None:
    keras, _ = seed_real(ctx)
    app = make_app(ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        points = screen.query_one(PointDecisions)
        await pilot.press("enter")
        assert points.has_focus, "choosing a group goes to its key points"
        assert [row.point_id for row in points.rows] == ["kp1", "kp2", "kp3", "kp4"]
        await pilot.press("space", "down", "down", "down", "space")
        await pilot.pause()
        decisions = points.decisions
        assert set(decisions) == {"kp1", "kp4"}
        before = [ctx.repository.get_answer(answer_id) for answer_id in keras]
        expected = [_expected_score(detail, decisions) for detail in before]
        assert len(set(expected)) > 1, "members differ in the points left to the grader"
        members = screen.query_one("#groups-members", DataTable)
        assert [float(cell) for cell in _column(members, 4)] == expected, "the preview is each member's own"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _column(screen.query_one("#groups-table", DataTable), 4)[0] == "5/5"

    for answer_id, score in zip(keras, expected, strict=True):
        detail = ctx.repository.get_answer(answer_id)
        override = detail.latest_override
        assert override is not None and override.point_credits == decisions
        assert override.score == score and detail.final_score == score


async def test_a_decision_a_member_cannot_take_is_a_notification_and_writes_nothing(ctx: AppContext) -> None:
    """One member was asked the question before kp4 existed: deciding kp4 for its group must fail for all."""
    keras, others = seed_real(ctx)
    question = _question(ctx)
    older = Question.model_validate({**question.model_dump(), "rubric": question.model_dump()["rubric"][:3]})
    [late] = _submit(ctx, [KERAS[0]], older)
    grade_and_store(ctx, [ctx.repository.get_answer(late).answer])
    everyone = [*keras, *others, late]
    app = make_app(ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        members = screen.query_one("#groups-members", DataTable)
        assert members.row_count == 6 and str(late) in {key.value for key in members.rows}

        await pilot.press("ctrl+s")
        await pilot.pause()
        screen.query_one("#groups-score", Input).value = "5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "outside 0-2" in str(screen.query_one("#groups-hint", Static).render())
        screen.query_one("#groups-score", Input).value = ""
        await pilot.press("enter", "down", "down", "down", "space")
        await pilot.pause()
        assert set(screen.query_one(PointDecisions).decisions) == {"kp4"}
        after = dict(zip([key.value for key in members.rows], _column(members, 4), strict=True))
        assert after[str(late)] == "⚠ point"
        await pilot.press("ctrl+s")
        await settle(pilot)
        messages = [str(notification.message) for notification in app._notifications]
        assert any("give a score or key-point decisions" in message for message in messages)
        assert any("outside 0-2" in message for message in messages)
        assert any(f"answer {late}" in message and "no key point 'kp4'" in message for message in messages)
        assert _column(screen.query_one("#groups-table", DataTable), 4)[0] == "0/6"
    for answer_id in everyone:
        assert ctx.repository.get_answer(answer_id).overrides == []


async def test_plus_and_minus_group_again_at_another_similarity(ctx: AppContext) -> None:
    """Ungraded answers group too (grouping reads the texts); a regrade request puts one in the queue."""
    keras = _submit(ctx, KERAS)
    _submit(ctx, OTHERS)
    ctx.repository.request_regrade(keras[0], "please look")
    app = make_app(ctx)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        groups = screen.query_one("#groups-table", DataTable)
        assert "similarity ≥ 0.67" in str(screen.query_one("#groups-title", Static).render()), "MiniLM's"
        assert _column(groups, 1) == ["6", "2"] and _column(groups, 3)[0] == "– / 2"
        await pilot.press(*["plus"] * 4)
        await settle(pilot)
        assert "similarity ≥ 0.87" in str(screen.query_one("#groups-title", Static).render())
        assert _column(groups, 1) == ["5", "2", "1"], "the TensorFlow answer leaves the Keras group"
        assert _column(groups, 0)[0] == f"g{keras[0]}", "the best-connected paraphrase leads now"
        await pilot.press("plus")
        await settle(pilot)
        assert _column(groups, 1) == ["4", "1", "1", "1", "1"], "'I don't know' and 'I do not know' split"
        await pilot.press(*["minus"] * 7)
        await settle(pilot)
        assert screen.threshold == 0.57
        assert _column(groups, 1) == ["6", "2"], "the TensorFlow answer joins the Keras group"
        assert screen.selected is not None and screen.selected.id == f"g{keras[0]}"


async def _focus_member(pilot: Pilot[None], screen: AnswerGroupsScreen, row: int) -> int:
    """Put the cursor on a member row of the chosen group; its answer id."""
    members = screen.query_one("#groups-members", DataTable)
    members.focus()
    await pilot.press(*["down"] * row)
    await pilot.pause()
    answer_id = screen._highlighted_member()
    assert answer_id is not None
    return answer_id


def _states(screen: AnswerGroupsScreen) -> dict[str, tuple[str, str]]:
    """Group id → (size, state) as the groups table shows them."""
    table = screen.query_one("#groups-table", DataTable)
    return {
        group_id: (size, state)
        for group_id, size, state in zip(_column(table, 0), _column(table, 1), _column(table, 2), strict=True)
    }


async def test_take_out_and_confirm_are_kept_at_any_similarity_and_after_a_restart(
    make_ctx: Callable[[], AppContext],
) -> None:
    ctx = make_ctx()
    keras, others = seed_real(ctx)
    async with make_app(ctx).run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        await pilot.press(*["plus"] * 4)  # MiniLM's default 0.67 → 0.87: the five Keras answers alone
        await settle(pilot)
        outsider = await _focus_member(pilot, screen, 4)
        assert outsider in keras[1:]
        await pilot.press("o")
        await settle(pilot)
        assert _states(screen)[f"g{keras[0]}"] == ("4", "")
        assert _states(screen)[f"g{outsider}"] == ("1", "shaped")
        assert screen.selected is not None and screen.selected.id == f"g{keras[0]}"
        screen.query_one("#groups-table", DataTable).focus()
        await pilot.press("c")
        await settle(pilot)
        assert _states(screen)[f"g{keras[0]}"] == ("4", "confirmed")
        await pilot.press("plus", "plus", "plus")
        await settle(pilot)
        assert screen.threshold == 0.99
        assert _states(screen)[f"g{keras[0]}"] == ("4", "confirmed"), "a confirmed group is not split"
        assert _states(screen)[f"g{others[1]}"] == ("1", ""), "unconfirmed answers still regroup"

    confirmation = ctx.repository.group_layout("dl-course", QUESTION_ID).confirmations[0]
    assert (
        confirmation.group_key == f"g{keras[0]}"
        and confirmation.confirmed_by == ctx.repository.default_student().name
    )
    async with make_app(make_ctx()).run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        assert _states(screen)[f"g{keras[0]}"] == ("4", "confirmed")
        assert _states(screen)[f"g{outsider}"] == ("1", "shaped")
        await pilot.press("c")
        await settle(pilot)
        assert _states(screen)[f"g{keras[0]}"] == ("4", "shaped"), "c again drops the mark"


async def test_a_later_answer_matching_a_confirmed_group_is_shown_new_until_confirmed_again(
    ctx: AppContext,
) -> None:
    keras, _ = seed_real(ctx)
    groups = answer_groups(ctx.repository, ctx.embedder, "dl-course", QUESTION_ID, threshold=0.87)
    confirm_group(ctx.repository, groups, find_group(groups, f"g{keras[0]}"), "Kim")
    [late] = _submit(
        ctx, ["Keras is a high-level API for building neural networks; it ships in TensorFlow as tf.keras."]
    )
    grade_and_store(ctx, [ctx.repository.get_answer(late).answer])  # only graded answers join graded ones
    async with make_app(ctx).run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        assert _states(screen)[f"g{keras[0]}"] == ("6", "confirmed, 1 new")
        members = screen.query_one("#groups-members", DataTable)
        students = dict(zip([int(str(key.value)) for key in members.rows], _column(members, 0), strict=True))
        assert students[late].endswith("• new") and not any(students[k].endswith("new") for k in keras)
        assert "1 new member(s) since the group was confirmed" in str(
            screen.query_one("#groups-hint", Static).render()
        )
        await pilot.press("c")
        await settle(pilot)
        assert _states(screen)[f"g{keras[0]}"] == ("6", "confirmed"), "c confirms the new member too"
    layout = ctx.repository.group_layout("dl-course", QUESTION_ID)
    assert late in {pin.answer_id for pin in layout.pins}
    assert layout.confirmations[0].last_answer_id == late


async def test_move_an_answer_and_merge_a_group_through_the_group_picker(ctx: AppContext) -> None:
    keras, others = seed_real(ctx)
    async with make_app(ctx).run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        assert screen.selected is not None and screen.selected.id == f"g{others[2]}"
        assert await _focus_member(pilot, screen, 0) == others[2]
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, GroupPicker), "the group picker")
        picker = pilot.app.screen
        assert isinstance(picker, GroupPicker)
        options = picker.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            f"g{keras[0]}",
            f"g{others[0]}",
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert _states(screen)[f"g{keras[0]}"] == ("6", "shaped")
        assert f"g{others[2]}" not in _states(screen)

        await pilot.press("down")
        await settle(pilot)
        assert screen.selected is not None and screen.selected.id == f"g{others[0]}"
        await pilot.press("j")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, GroupPicker), "the group picker")
        await pilot.press("escape")
        await settle(pilot)
        assert _states(screen)[f"g{others[0]}"] == ("2", ""), "escape changes nothing"
        await pilot.press("j")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, GroupPicker), "the group picker")
        await pilot.press("enter")
        await settle(pilot)
        assert _states(screen) == {f"g{keras[0]}": ("8", "shaped")}

    pins = ctx.repository.group_layout("dl-course", QUESTION_ID).pins
    assert {pin.answer_id: pin.group_key for pin in pins} == dict.fromkeys([*keras, *others], f"g{keras[0]}")


async def test_an_own_override_is_shown_kept_by_a_group_decision_and_replaced_only_when_ticked(
    ctx: AppContext,
) -> None:
    keras, _ = seed_real(ctx)
    ctx.repository.add_override(keras[1], 0.5, "looked at it alone", "Kim")
    teacher = ctx.repository.default_student().name
    async with make_app(ctx).run_test(size=(120, 36)) as pilot:
        screen = await open_groups(pilot)
        members = screen.query_one("#groups-members", DataTable)

        def by_answer(column: int) -> dict[int, str]:
            keys = [int(str(key.value)) for key in members.rows]
            return dict(zip(keys, _column(members, column), strict=True))

        assert by_answer(3)[keras[1]] == "own Kim" and by_answer(3)[keras[0]] == "auto"
        screen.query_one("#groups-score", Input).value = "1,5"
        await pilot.pause()
        assert by_answer(4) == {**dict.fromkeys(keras, "1.5"), keras[1]: "0.5 kept"}
        hint = str(screen.query_one("#groups-hint", Static).render())
        assert "1 member(s) have their own override" in hint and "kept unless" in hint
        await pilot.press("ctrl+s")
        await settle(pilot)
        messages = [str(notification.message) for notification in pilot.app._notifications]
        assert any(f"kept their own override: {keras[1]} (own · Kim)" in message for message in messages)
        assert _column(screen.query_one("#groups-table", DataTable), 4)[0] == "5/5"
        assert by_answer(3) == {**dict.fromkeys(keras, f"g{keras[0]} {teacher}"), keras[1]: "own Kim"}

        screen.query_one("#groups-score", Input).value = "1.5"
        screen.query_one("#groups-replace", Checkbox).value = True
        await pilot.pause()
        assert by_answer(4) == {**dict.fromkeys(keras, "1.5 same"), keras[1]: "1.5 replaces"}
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert ctx.repository.get_answer(keras[1]).final_score == 1.5
    assert [o.teacher for o in ctx.repository.get_answer(keras[1]).overrides] == ["Kim", teacher]
    assert all(
        len(ctx.repository.get_answer(answer_id).overrides) == 1
        for answer_id in keras
        if answer_id != keras[1]
    )


def _fixed_grade(question: Question, credits: Sequence[float]) -> NewGrade:
    """A stored grade with set key-point credits, so the snapshot does not move when the grader is tuned."""
    points = [
        PointResult(
            point_id=point.id,
            text=point.text,
            weight=point.weight,
            status=PointStatus.COVERED
            if credit == 1
            else PointStatus.PARTIAL
            if credit
            else PointStatus.MISSING,
            similarity=0.5 + credit / 2,
            credit=credit,
            matched_sentence=None,
        ).model_dump(mode="json")
        for point, credit in zip(question.rubric, credits, strict=True)
    ]
    share = weighted_credit(list(credits), [point.weight for point in question.rubric])
    return NewGrade(
        score=round(share * question.max_points, 2),
        max_points=question.max_points,
        points=points,
        confidence=0.4,
        needs_review=True,
        grader_version="fixed",
        model_id="fixed",
    )


CREDITS = ((1, 1, 0.8, 0.8), (1, 1, 0.7, 0.8), (1, 1, 0.7, 0.8), (1, 1, 0.8, 1), (1, 1, 0.9, 0.7))


def test_answer_groups_with_key_point_decisions(snap_compare: Callable[..., bool], ctx: AppContext) -> None:
    """Three groups; the first chosen, kp1 cycled to partial: the After column shows each member's score."""
    question = _question(ctx)
    ids = _submit(ctx, [*KERAS, *OTHERS])
    credits = [*CREDITS, (0, 0, 0, 0), (0, 0, 0, 0), (0.5, 0.8, 1, 0.5)]
    for answer_id, answer_credits in zip(ids, credits, strict=True):
        ctx.repository.save_grade(answer_id, _fixed_grade(question, answer_credits))

    async def open_and_decide(pilot: Pilot[None]) -> None:
        await open_groups(pilot)
        await pilot.press("enter", "space")
        await settle(pilot)

    assert snap_compare(make_app(ctx), terminal_size=(120, 36), run_before=open_and_decide)
