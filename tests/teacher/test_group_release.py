"""Releasing a group decision (undo) and the audit trail of shaping groups, on a real SQLite file with
answers graded by the real MiniLM grader."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.records import AuditKind
from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.grading_service import grade_and_store
from quiz.teacher.batch import store_submissions
from quiz.teacher.grouping import (
    AnswerGroup,
    ReleaseOutcome,
    answer_groups,
    apply_group_decision,
    confirm_group,
    find_group,
    group_of,
    merge_groups,
    move_answer,
    plan_release,
    release_group_decision,
    take_out,
    unconfirm_group,
)
from quiz.teacher.review import scaled_auto_score
from quiz.teacher.submissions import read_submissions
from tests.teacher.fixtures import write_csv

TEXTS = (
    "Dropout randomly turns off neurons during training to reduce overfitting.",
    "Dropout randomly switches off neurons while training, which reduces overfitting.",
    "During training dropout randomly disables neurons so the model overfits less.",
    "Dropout randomly turns off neurons during training to reduce overfitting.",
    "I don't know.",
    "I do not know",
)


@pytest.fixture
def graded_ids(ctx: AppContext, bank: Bank, tmp_path: Path) -> list[int]:
    path = write_csv(tmp_path / "dropout.csv", [[f"student {i}", "dropout", t] for i, t in enumerate(TEXTS)])
    stored = store_submissions(ctx.repository, bank, read_submissions(path))
    grade_and_store(ctx, stored.answers)
    return sorted(answer.id for answer in stored.answers)


def _group(ctx: AppContext, answer_id: int) -> AnswerGroup:
    groups = answer_groups(ctx.repository, ctx.embedder, "teacher-test", "dropout", threshold=0.8)
    return group_of(groups, answer_id)


def test_release_withdraws_the_group_decision_and_the_score_follows_the_auto_grade_again(
    ctx: AppContext, graded_ids: list[int]
) -> None:
    repository = ctx.repository
    group = _group(ctx, graded_ids[0])
    assert group.size == 4
    apply_group_decision(repository, group, score=0.5, point_credits={}, comment="too vague", teacher="Lo")
    group = _group(ctx, graded_ids[0])

    plans = plan_release(group)
    assert {plan.outcome for plan in plans} == {ReleaseOutcome.TO_AUTO}
    assert [plan.score for plan in plans] == [scaled_auto_score(member) for member in group.members]
    assert all(repository.get_answer(m.answer.id).final_score == 0.5 for m in group.members), "preview only"

    result = release_group_decision(repository, group, teacher="Lo")

    assert len(result.released) == 4 and not result.kept_own
    for member in group.members:
        detail = repository.get_answer(member.answer.id)
        assert detail.overrides == [] and detail.final_score == pytest.approx(scaled_auto_score(detail))
        event = repository.audit_trail(member.answer.id)[-1]
        assert (event.kind, event.actor) == (AuditKind.GROUP_RELEASED, "Lo")
        assert event.detail["previous_score"] == 0.5 and event.detail["group"] == group.id
        assert event.detail["withdrawn"][0]["group"] == group.id
    again = release_group_decision(repository, _group(ctx, graded_ids[0]), teacher="Lo")
    assert again.released == [] and again.summary(group.id).startswith(f"Group {group.id}: no answer changed")
    assert [e.kind for e in repository.audit_trail(graded_ids[0])].count(AuditKind.GROUP_RELEASED) == 1

    grade_and_store(ctx, [repository.get_answer(graded_ids[0]).answer])
    regraded = repository.get_answer(graded_ids[0])
    assert len(regraded.grades) == 2 and regraded.final_score == pytest.approx(scaled_auto_score(regraded))


def test_release_keeps_own_overrides_unless_replacing_them_is_asked(
    ctx: AppContext, graded_ids: list[int]
) -> None:
    repository = ctx.repository
    first, before, after, _ = (m.answer.id for m in _group(ctx, graded_ids[0]).members)
    repository.add_override(before, 1.0, "alone, first", "Kim")
    group = _group(ctx, first)
    apply_group_decision(
        repository, group, score=2.0, point_credits={}, comment="", teacher="Lo", replace_own=True
    )
    repository.add_override(after, 1.5, "alone, after", "Kim")
    plans = {plan.detail.answer.id: plan for plan in plan_release(_group(ctx, first))}
    assert (plans[first].outcome, plans[before].outcome, plans[after].outcome) == (
        ReleaseOutcome.TO_AUTO,
        ReleaseOutcome.TO_OWN,
        ReleaseOutcome.KEEP_OWN,
    )
    assert (plans[before].score, plans[after].score) == (1.0, 1.5)

    result = release_group_decision(repository, _group(ctx, first), teacher="Lo")

    assert [plan.detail.answer.id for plan in result.kept_own] == [after]
    assert "1 back to their own override" in result.summary("g")
    assert repository.get_answer(before).final_score == 1.0
    assert [o.comment for o in repository.get_answer(after).overrides] == ["", "alone, after"]

    everything = release_group_decision(repository, _group(ctx, first), teacher="Lo", replace_own=True)

    assert {plan.detail.answer.id for plan in everything.released} == {before, after}
    for answer_id in (before, after):
        detail = repository.get_answer(answer_id)
        assert detail.overrides == [] and detail.final_score == pytest.approx(scaled_auto_score(detail))


def test_withdrawing_an_override_of_another_answer_changes_nothing(
    ctx: AppContext, graded_ids: list[int]
) -> None:
    repository = ctx.repository
    kept = repository.add_override(graded_ids[0], 1.0, "", "Kim")
    other = repository.add_override(graded_ids[1], 1.0, "", "Kim")

    with pytest.raises(TentaError, match=f"answer {graded_ids[0]}: an override to withdraw is not"):
        repository.withdraw_overrides({graded_ids[1]: [other.id], graded_ids[0]: [other.id]}, "Lo", {})

    assert repository.get_answer(graded_ids[0]).overrides == [kept]
    assert repository.get_answer(graded_ids[1]).overrides == [other]
    with pytest.raises(TentaError, match="teacher's name"):
        repository.withdraw_overrides({graded_ids[0]: [kept.id]}, " ", {})


def test_every_shaping_action_is_in_the_members_audit_trail_and_reconfirming_keeps_each_confirmer(
    ctx: AppContext, graded_ids: list[int]
) -> None:
    repository = ctx.repository
    similar, dont_know = _group(ctx, graded_ids[0]), _group(ctx, graded_ids[4])
    groups = answer_groups(repository, ctx.embedder, "teacher-test", "dropout", threshold=0.8)
    move_answer(repository, groups, graded_ids[4], similar, "Kim")
    groups = answer_groups(repository, ctx.embedder, "teacher-test", "dropout", threshold=0.8)
    take_out(repository, groups, graded_ids[1], "Kim")
    groups = answer_groups(repository, ctx.embedder, "teacher-test", "dropout", threshold=0.8)
    merge_groups(repository, find_group(groups, f"g{graded_ids[1]}"), find_group(groups, similar.id), "Lo")
    for teacher in ("Kim", "Lo"):
        groups = answer_groups(repository, ctx.embedder, "teacher-test", "dropout", threshold=0.8)
        confirm_group(repository, groups, find_group(groups, similar.id), teacher)
    groups = answer_groups(repository, ctx.embedder, "teacher-test", "dropout", threshold=0.8)
    unconfirm_group(repository, find_group(groups, similar.id), "Mo")

    def shaping(answer_id: int) -> list[tuple[AuditKind, str, dict[str, object]]]:
        return [
            (event.kind, event.actor, event.detail)
            for event in repository.audit_trail(answer_id)
            if event.kind not in (AuditKind.SUBMITTED, AuditKind.GRADED)
        ]

    moved = shaping(graded_ids[4])
    assert moved[0] == (
        AuditKind.MOVED_TO_GROUP,
        "Kim",
        {"group": similar.id, "previous_group": dont_know.id},
    )
    assert [(kind, actor) for kind, actor, _ in moved[1:]] == [
        (AuditKind.GROUP_CONFIRMED, "Kim"),
        (AuditKind.GROUP_CONFIRMED, "Lo"),
        (AuditKind.GROUP_UNCONFIRMED, "Mo"),
    ]
    assert moved[1][2]["confirmed_before_by"] is None and moved[2][2]["confirmed_before_by"] == "Kim"
    assert moved[3][2] == {"group": similar.id, "confirmed_by": "Lo"}
    taken = shaping(graded_ids[1])
    assert taken[0][:2] == (AuditKind.TAKEN_OUT_OF_GROUP, "Kim")
    assert taken[0][2] == {"group": f"g{graded_ids[1]}", "previous_group": similar.id}
    assert taken[1] == (
        AuditKind.GROUP_MERGED,
        "Lo",
        {"group": similar.id, "previous_group": f"g{graded_ids[1]}"},
    )
    assert shaping(graded_ids[5]) == [], "an answer no action touched has no entry"
