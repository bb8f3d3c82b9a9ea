"""Answer groups: the clustering rule on known vectors, and real answers grouped with MiniLM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.teacher.batch import store_submissions
from quiz.teacher.grouping import answer_groups, apply_group_decision, cluster, find_group
from quiz.teacher.submissions import read_submissions
from tests.teacher.fixtures import write_csv


def unit(*rows: list[float]) -> np.ndarray:
    vectors = np.array(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


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
    )

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
    )

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
