"""Answer groups: the clustering rule on known vectors, and real answers grouped with MiniLM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.teacher.batch import store_submissions
from quiz.teacher.grouping import (
    AnswerGroup,
    MemberOutcome,
    answer_groups,
    apply_group_decision,
    cluster,
    confirm_group,
    decision_label,
    find_group,
    group_of,
    merge_groups,
    move_answer,
    plan_group_decision,
    take_out,
    unconfirm_group,
)
from quiz.teacher.submissions import read_submissions
from tests.teacher.fixtures import write_csv


def unit(*rows: list[float]) -> np.ndarray:
    vectors = np.array(rows, dtype=np.float32)
    normalised: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return normalised


def test_cluster_groups_around_the_best_connected_answer() -> None:
    vectors = unit([1, 0, 0], [0.98, 0.2, 0], [0.97, -0.2, 0], [0, 1, 0], [0, 0.99, 0.1], [0, 0, 1])

    groups = cluster(vectors, threshold=0.9)

    assert groups == [[0, 1, 2], [3, 4], [5]]


def test_cluster_does_not_chain_far_answers_together() -> None:
    # 0°, 20°, 40°, 60°: each is close to its neighbour, but 0° and 60° are far apart.
    angles = np.deg2rad([0, 20, 40, 60])
    vectors = unit(*([float(np.cos(a)), float(np.sin(a))] for a in angles))

    groups = cluster(vectors, threshold=float(np.cos(np.deg2rad(20))) - 1e-4)

    assert groups == [[1, 0, 2], [3]]


def test_cluster_of_nothing_is_empty() -> None:
    assert cluster(np.zeros((0, 4), dtype=np.float32), 0.9) == []


@pytest.fixture
def dropout_answers(ctx: AppContext, bank: Bank, tmp_path: Path) -> None:
    texts = [
        "Dropout randomly turns off neurons during training to reduce overfitting.",
        "Dropout randomly switches off neurons while training, which reduces overfitting.",
        "During training dropout randomly disables neurons so the model overfits less.",
        "Dropout randomly turns off neurons during training to reduce overfitting.",
        "I don't know.",
        "I do not know",
        "The capital of France is Paris.",
    ]
    path = write_csv(
        tmp_path / "dropout.csv", [[f"student {i}", "dropout", text] for i, text in enumerate(texts)]
    )
    store_submissions(ctx.repository, bank, read_submissions(path))


@pytest.mark.usefixtures("dropout_answers")
def test_similar_answers_share_a_group_and_a_score_applies_to_all(ctx: AppContext, bank: Bank) -> None:
    groups = answer_groups(ctx.repository, ctx.embedder, bank.id, "dropout", threshold=0.8)

    texts_by_group = [{member.answer.text for member in group.members} for group in groups]
    assert groups[0].size == 4
    assert any(text.startswith("I don") for text in texts_by_group[1])
    assert {"The capital of France is Paris."} in texts_by_group
    assert groups[0].id == f"g{groups[0].representative.answer.id}"

    overrides = apply_group_decision(
        ctx.repository,
        find_group(groups, groups[0].id),
        score=2.0,
        point_credits={},
        comment="model answer",
        teacher="lärare",
    ).overrides

    assert len(overrides) == 4
    for member in groups[0].members:
        detail = ctx.repository.get_answer(member.answer.id)
        assert detail.final_score == 2.0
        assert [event.kind.value for event in ctx.repository.audit_trail(member.answer.id)][
            -1
        ] == "overridden"
    regrouped = answer_groups(ctx.repository, ctx.embedder, bank.id, "dropout", threshold=0.8)
    assert regrouped[0].id == groups[0].id and regrouped[0].overridden == 4


@pytest.mark.usefixtures("dropout_answers")
def test_a_vanished_group_id_is_a_clear_error(ctx: AppContext, bank: Bank) -> None:
    groups = answer_groups(ctx.repository, ctx.embedder, bank.id, "dropout")

    with pytest.raises(TentaError, match="run `tenta groups` again"):
        find_group(groups, "g9999")
    assert find_group(groups, groups[0].id.removeprefix("g")) is groups[0]


@pytest.mark.usefixtures("dropout_answers")
def test_key_point_decisions_apply_to_a_group_and_each_score_follows_its_points(
    ctx: AppContext, bank: Bank
) -> None:
    """Gradescope-style: the teacher marks the group's rubric item once; members are ungraded here, so the
    undecided point counts as missing for each, and every member gets the decision and its score."""
    group = answer_groups(ctx.repository, ctx.embedder, bank.id, "dropout", threshold=0.8)[0]

    overrides = apply_group_decision(
        ctx.repository, group, score=None, point_credits={"overfitting": 1.0}, comment="", teacher="lärare"
    ).overrides

    assert len(overrides) == group.size
    for member in group.members:
        detail = ctx.repository.get_answer(member.answer.id)
        assert detail.final_score == 1.0  # one of two equal points of a 2-point question
        assert detail.overrides[-1].point_credits == {"overfitting": 1.0}


@pytest.mark.usefixtures("dropout_answers")
def test_a_group_decision_naming_an_unknown_point_changes_nothing(ctx: AppContext, bank: Bank) -> None:
    group = answer_groups(ctx.repository, ctx.embedder, bank.id, "dropout", threshold=0.8)[0]

    with pytest.raises(TentaError, match="no key point 'regularisation'"):
        apply_group_decision(
            ctx.repository,
            group,
            score=None,
            point_credits={"overfitting": 1.0, "regularisation": 1.0},
            comment="",
            teacher="lärare",
        )
    with pytest.raises(TentaError, match="give a score or key-point decisions"):
        apply_group_decision(ctx.repository, group, score=None, point_credits={}, comment="", teacher="t")
    assert all(not ctx.repository.get_answer(member.answer.id).overrides for member in group.members)


# --- a teacher shapes the groups: pins survive regrouping and a restart -----------------------------

DROPOUT_GROUP = {0, 1, 2, 3}
"""Rows of `dropout_answers` in one group at 0.8 (the four paraphrases)."""


def _groups(ctx: AppContext, bank: Bank, threshold: float = 0.8) -> list[AnswerGroup]:
    return answer_groups(ctx.repository, ctx.embedder, bank.id, "dropout", threshold=threshold)


def _ids(ctx: AppContext, bank: Bank) -> list[int]:
    """Answer ids in the order `dropout_answers` wrote them."""
    return sorted(d.answer.id for d in ctx.repository.answer_history(bank_id=bank.id, question_id="dropout"))


def _layout(groups: list[AnswerGroup]) -> dict[str, set[int]]:
    return {group.id: {member.answer.id for member in group.members} for group in groups}


def _reopened(ctx: AppContext) -> AppContext:
    """A new context on the same database file: what the next `tenta` run sees."""
    fresh = AppContext(ctx.settings)
    fresh.__dict__["embedder"] = ctx.embedder
    return fresh


@pytest.mark.usefixtures("dropout_answers")
def test_moving_an_answer_and_taking_one_out_survive_regrouping_and_a_restart(
    ctx: AppContext, bank: Bank
) -> None:
    ids = _ids(ctx, bank)
    groups = _groups(ctx, bank)
    paraphrases = group_of(groups, ids[0])
    assert {m.answer.id for m in paraphrases.members} == {ids[i] for i in DROPOUT_GROUP}
    paris = group_of(groups, ids[6])

    message = move_answer(ctx.repository, groups, ids[6], paraphrases, "lärare")
    assert message == f"answer {ids[6]} moved to group {paraphrases.id}"
    take_out(ctx.repository, _groups(ctx, bank), ids[2], "lärare")

    for threshold in (0.8, 0.95, 0.5):
        layout = _layout(
            answer_groups(_reopened(ctx).repository, ctx.embedder, bank.id, "dropout", threshold=threshold)
        )
        assert layout[paraphrases.id] == {ids[0], ids[1], ids[3], ids[6]}, threshold
        assert layout[f"g{ids[2]}"] == {ids[2]}, threshold
    regrouped = find_group(_groups(ctx, bank, 0.95), paraphrases.id)
    assert regrouped.state == "shaped" and not regrouped.confirmed
    assert paris.id not in _layout(_groups(ctx, bank)), "the moved answer's old group is gone"
    pins = ctx.repository.group_layout(bank.id, "dropout").pins
    assert {pin.answer_id: pin.group_key for pin in pins}[ids[6]] == paraphrases.id
    assert {pin.pinned_by for pin in pins} == {"lärare"}


@pytest.mark.usefixtures("dropout_answers")
def test_merging_two_groups_keeps_the_targets_id_at_any_threshold(ctx: AppContext, bank: Bank) -> None:
    """'I don't know.' and 'I do not know' are apart at 0.8 (MiniLM); the teacher merges them."""
    ids = _ids(ctx, bank)
    groups = _groups(ctx, bank)
    dont_know, do_not_know = group_of(groups, ids[4]), group_of(groups, ids[5])
    assert dont_know.id != do_not_know.id

    assert merge_groups(ctx.repository, do_not_know, dont_know, "lärare") == (
        f"group {do_not_know.id} (1 answer(s)) merged into {dont_know.id}"
    )

    for threshold in (0.99, 0.8, 0.5):
        layout = _layout(_groups(ctx, bank, threshold))
        assert layout[dont_know.id] == {ids[4], ids[5]}, threshold
        assert do_not_know.id not in layout
    merged = find_group(_groups(ctx, bank), dont_know.id)
    with pytest.raises(TentaError, match="merged into itself"):
        merge_groups(ctx.repository, merged, merged, "lärare")


@pytest.mark.usefixtures("dropout_answers")
def test_a_confirmed_group_is_not_split_and_a_later_matching_answer_is_new(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    ids = _ids(ctx, bank)
    groups = _groups(ctx, bank)
    paraphrases = group_of(groups, ids[0])
    assert len(_groups(ctx, bank, 0.97)) > len(groups), "a tighter threshold splits the paraphrases"

    confirm_group(ctx.repository, groups, paraphrases, "lärare")

    tight = find_group(_groups(ctx, bank, 0.97), paraphrases.id)
    assert {m.answer.id for m in tight.members} == {ids[i] for i in DROPOUT_GROUP}
    assert tight.state == "confirmed" and tight.confirmation is not None
    assert tight.confirmation.confirmed_by == "lärare" and tight.confirmation.last_answer_id == ids[-1]
    late = write_csv(
        tmp_path / "late.csv",
        [
            [
                "late student",
                "dropout",
                "Dropout randomly turns off neurons in training to reduce overfitting.",
            ],
            ["other late", "dropout", "Paris is the capital of France."],
        ],
    )
    store_submissions(ctx.repository, bank, read_submissions(late))
    newcomer, paris_again = _ids(ctx, bank)[-2:]

    confirmed = find_group(_groups(ctx, bank), paraphrases.id)
    assert confirmed.new_ids == {newcomer}, "a later answer that matches is shown as new, not reviewed"
    assert confirmed.state == "confirmed, 1 new"
    assert group_of(_groups(ctx, bank), paris_again).id != paraphrases.id

    confirm_group(ctx.repository, _groups(ctx, bank), confirmed, "lärare")
    again = find_group(_groups(ctx, bank), paraphrases.id)
    assert again.new_ids == frozenset() and newcomer in again.pinned_ids
    unconfirm_group(ctx.repository, again, "lärare")
    assert find_group(_groups(ctx, bank, 0.97), paraphrases.id).state == "shaped", "still as shaped"


@pytest.mark.usefixtures("dropout_answers")
def test_taking_the_representative_out_of_a_confirmed_group_keeps_the_rest_confirmed(
    ctx: AppContext, bank: Bank
) -> None:
    ids = _ids(ctx, bank)
    groups = _groups(ctx, bank)
    paraphrases = group_of(groups, ids[0])
    confirm_group(ctx.repository, groups, paraphrases, "lärare")
    leader = find_group(_groups(ctx, bank), paraphrases.id).representative.answer.id

    take_out(ctx.repository, _groups(ctx, bank), leader, "lärare")

    layout = {group.id: group for group in _groups(ctx, bank, 0.97)}
    rest = sorted({ids[i] for i in DROPOUT_GROUP} - {leader})
    assert {m.answer.id for m in layout[f"g{rest[0]}"].members} == set(rest)
    assert layout[f"g{rest[0]}"].confirmed
    assert layout[f"g{leader}"].size == 1 and not layout[f"g{leader}"].confirmed
    with pytest.raises(TentaError, match="already a group of its own"):
        take_out(ctx.repository, list(layout.values()), leader, "lärare")


@pytest.mark.usefixtures("dropout_answers")
def test_unknown_answers_and_answers_to_another_question_are_clear_errors(
    ctx: AppContext, bank: Bank
) -> None:
    groups = _groups(ctx, bank)
    with pytest.raises(TentaError, match="answer 9999 is not an answer to dropout"):
        move_answer(ctx.repository, groups, 9999, groups[0], "lärare")
    other = ctx.repository.submit_answer(
        ctx.repository.get_or_create_student("x").id, bank, bank.questions[1], "stop early"
    )
    with pytest.raises(TentaError, match=f"answer {other.id} is an answer to teacher-test/early-stopping"):
        ctx.repository.save_group_layout(bank.id, "dropout", teacher="t", pins={other.id: groups[0].id})
    assert ctx.repository.group_layout(bank.id, "dropout").pins == []


# --- decisions: who decided what, and an own override is never replaced silently --------------------


@pytest.mark.usefixtures("dropout_answers")
def test_a_group_decision_keeps_an_own_override_unless_replacing_is_asked(
    ctx: AppContext, bank: Bank
) -> None:
    ids = _ids(ctx, bank)
    group = group_of(_groups(ctx, bank), ids[0])
    ctx.repository.add_override(ids[1], 0.5, "own look", "Kim")
    group = find_group(_groups(ctx, bank), group.id)
    assert decision_label(group.member(ids[1])) == "own · Kim"  # type: ignore[arg-type]
    assert decision_label(group.member(ids[0])) == "ungraded"  # type: ignore[arg-type]

    plans = {
        plan.detail.answer.id: plan
        for plan in plan_group_decision(group, score=2.0, point_credits={}, comment="ok")
    }
    assert plans[ids[1]].outcome is MemberOutcome.KEEP_OWN and plans[ids[1]].score == 0.5
    assert plans[ids[0]].outcome is MemberOutcome.APPLY and plans[ids[0]].score == 2.0

    result = apply_group_decision(
        ctx.repository, group, score=2.0, point_credits={}, comment="ok", teacher="lärare"
    )
    assert len(result.overrides) == group.size - 1 and [p.detail.answer.id for p in result.kept_own] == [
        ids[1]
    ]
    assert f"{ids[1]} (own · Kim)" in result.summary(group.id) and "--replace-own" in result.summary(group.id)
    assert ctx.repository.get_answer(ids[1]).final_score == 0.5
    decided = ctx.repository.get_answer(ids[0])
    assert decided.latest_override is not None and decided.latest_override.group_key == group.id
    assert decision_label(decided) == f"group {group.id} · lärare"
    assert ctx.repository.audit_trail(ids[0])[-1].detail["group"] == group.id

    regrouped = find_group(_groups(ctx, bank), group.id)
    again = apply_group_decision(
        ctx.repository, regrouped, score=2.0, point_credits={}, comment="ok", teacher="lärare"
    )
    assert again.overrides == [] and len(again.unchanged) == group.size - 1, "no decision is written twice"
    assert again.summary(group.id).startswith(
        f"Group {group.id}: no answer changed; {group.size - 1} already had"
    )
    assert len(ctx.repository.get_answer(ids[0]).overrides) == 1

    replaced = apply_group_decision(
        ctx.repository, regrouped, score=1.5, point_credits={}, comment="", teacher="lärare", replace_own=True
    )
    assert len(replaced.overrides) == group.size and not replaced.kept_own
    assert all(ctx.repository.get_answer(m.answer.id).final_score == 1.5 for m in group.members)
    assert ctx.repository.get_answer(ids[1]).overrides[0].teacher == "Kim", "the old override stays on record"
