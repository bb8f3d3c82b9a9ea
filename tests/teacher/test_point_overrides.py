"""Key-point overrides: parsed, scored as the grader scores its rubric, stored, compared, exported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.records import AnswerDetail, AnswerRecord, AuditKind, NewGrade
from db.repository import Repository, open_repository
from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.teacher.analysis import AgreementBasis
from quiz.teacher.exports import write_answers
from quiz.teacher.review import (
    agreement,
    apply_override,
    parse_point_decision,
    point_decisions,
    score_from_points,
)
from tests.db.banks import sample_bank


@pytest.fixture
def repository(tmp_path: Path) -> Iterator[Repository]:
    repo = open_repository(f"sqlite:///{tmp_path / 'tenta.sqlite3'}")
    yield repo
    repo.close()


@pytest.fixture
def conv_bank() -> Bank:
    """Question `conv`: key points kernel (weight 2) and sum (weight 1), 2 points."""
    return sample_bank()


def _answer(repository: Repository, bank: Bank, text: str = "kärnan glider") -> AnswerRecord:
    return repository.submit_answer(repository.default_student().id, bank, bank.questions[0], text)


def _graded(repository: Repository, answer: AnswerRecord, kernel: str, summed: str) -> AnswerDetail:
    credit = {"covered": 1.0, "partial": 0.5, "missing": 0.0}
    repository.save_grade(
        answer.id,
        NewGrade(
            score=1.0,
            max_points=2.0,
            points=[
                {"point_id": "kernel", "text": "a kernel slides", "status": kernel, "credit": credit[kernel]},
                {
                    "point_id": "sum",
                    "text": "products are summed",
                    "status": summed,
                    "credit": credit[summed],
                },
            ],
            confidence=0.4,
            needs_review=True,
            grader_version="test",
            model_id="none",
        ),
    )
    return repository.get_answer(answer.id)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kp2=covered", ("kp2", 1.0)),
        ("kp3 = Partial", ("kp3", 0.5)),
        ("kp4=missing", ("kp4", 0.0)),
        ("kp3=0.75", ("kp3", 0.75)),
        ("kp3=0,25", ("kp3", 0.25)),
        ("kp3=50%", ("kp3", 0.5)),
    ],
)
def test_point_decisions_by_name_fraction_or_percent(text: str, expected: tuple[str, float]) -> None:
    assert parse_point_decision(text) == expected


@pytest.mark.parametrize("text", ["kp2", "=covered", "kp2=", "kp2=mostly", "kp2=-0.5"])
def test_malformed_point_decisions_are_refused(text: str) -> None:
    with pytest.raises(TentaError, match="key point"):
        parse_point_decision(text)


def test_a_point_given_twice_is_a_mistake() -> None:
    with pytest.raises(TentaError, match="'kp2' is given twice"):
        point_decisions(["kp2=covered", "kp2=missing"])


def test_score_is_the_weighted_credit_of_the_points_rounded_to_hundredths(
    repository: Repository, conv_bank: Bank
) -> None:
    detail = _graded(repository, _answer(repository, conv_bank), "covered", "missing")

    assert score_from_points(detail, {"kernel": 1.0, "sum": 0.5}) == 1.67  # (2/3 + 1/3 * 0.5) * 2
    assert score_from_points(detail, {"kernel": 0.0, "sum": 1.0}) == 0.67
    assert score_from_points(detail, {"sum": 1.0}) == 2.0, "kernel keeps the auto grade's 'covered'"
    assert score_from_points(detail, {"kernel": 0.5}) == 0.67, "sum keeps the auto grade's 'missing'"


def test_undecided_points_of_an_ungraded_answer_count_as_missing(
    repository: Repository, conv_bank: Bank
) -> None:
    detail = repository.get_answer(_answer(repository, conv_bank).id)
    assert score_from_points(detail, {"sum": 1.0}) == 0.67


def test_apply_override_scores_from_points_unless_a_score_is_given(
    repository: Repository, conv_bank: Bank
) -> None:
    detail = _graded(repository, _answer(repository, conv_bank), "covered", "missing")

    from_points = apply_override(
        repository, detail, score=None, point_credits={"sum": 0.5}, comment="", teacher="Eva"
    )
    given = apply_override(
        repository, detail, score=1.0, point_credits={"sum": 0.5}, comment="strict", teacher="Olle"
    )

    assert from_points.stored and given.stored
    assert (from_points.override.score, from_points.override.point_credits) == (1.67, {"sum": 0.5})
    assert (given.override.score, given.override.point_credits) == (1.0, {"sum": 0.5}), (
        "the score wins, the decisions stay"
    )
    assert repository.get_answer(detail.answer.id).final_score == 1.0
    with pytest.raises(TentaError, match=f"answer {detail.answer.id}: give a score or key-point decisions"):
        apply_override(repository, detail, score=None, point_credits={}, comment="", teacher="Eva")


def test_unknown_point_or_credit_out_of_range_names_the_answer_and_point(
    repository: Repository, conv_bank: Bank
) -> None:
    detail = _graded(repository, _answer(repository, conv_bank), "covered", "missing")

    with pytest.raises(TentaError) as unknown:
        apply_override(repository, detail, score=None, point_credits={"kp9": 1.0}, comment="", teacher="E")
    with pytest.raises(TentaError) as too_much:
        apply_override(repository, detail, score=None, point_credits={"sum": 2.0}, comment="", teacher="E")

    assert unknown.value.message == (
        f"answer {detail.answer.id}: question conv has no key point 'kp9' (its key points: kernel, sum)"
    )
    assert too_much.value.message.startswith(
        f"answer {detail.answer.id}: key point 'sum' credit 2 is outside"
    )
    assert repository.get_answer(detail.answer.id).overrides == []


def test_agreement_compares_decided_points_point_with_point(repository: Repository, conv_bank: Bank) -> None:
    decided = _graded(repository, _answer(repository, conv_bank, "a"), "covered", "missing")
    plain = _graded(repository, _answer(repository, conv_bank, "b"), "covered", "covered")
    apply_override(repository, decided, score=None, point_credits={"sum": 1.0}, comment="", teacher="E")
    apply_override(repository, plain, score=0.0, point_credits={}, comment="", teacher="E")

    rows = {(row.point_id, row.basis): row for row in agreement(repository, conv_bank.id).points}

    assert rows[("sum", AgreementBasis.POINT)].confusion == {"missing": {"covered": 1}}
    assert rows[("sum", AgreementBasis.POINT)].agreement == 0.0
    assert rows[("sum", AgreementBasis.ANSWER)].confusion == {"covered": {"zero": 1}}
    assert rows[("kernel", AgreementBasis.ANSWER)].n == 2, "kernel was never decided point by point"
    assert ("kernel", AgreementBasis.POINT) not in rows


def test_jsonl_export_carries_the_decisions_and_the_final_key_points(
    repository: Repository, conv_bank: Bank, tmp_path: Path
) -> None:
    detail = _graded(repository, _answer(repository, conv_bank), "covered", "missing")
    apply_override(repository, detail, score=None, point_credits={"sum": 0.5}, comment="ok", teacher="Eva")
    path = tmp_path / "answers.jsonl"

    write_answers(path, [repository.get_answer(detail.answer.id)], {})

    (record,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert record["override"]["point_credits"] == {"sum": 0.5}
    assert record["final_score"] == 1.67
    statuses = {point["point_id"]: point["status"] for point in record["final_key_points"]}
    assert statuses == {"kernel": "covered", "sum": "partial"}
    assert record["auto_grade"]["key_points"][1]["status"] == "missing", "the auto grade is kept as it was"


def test_giving_the_latest_decision_again_stores_nothing_and_any_change_is_stored(
    repository: Repository, conv_bank: Bank
) -> None:
    answer = _answer(repository, conv_bank)
    _graded(repository, answer, "covered", "missing")

    def decide(score: float | None, points: dict[str, float], comment: str, teacher: str = "Eva") -> bool:
        detail = repository.get_answer(answer.id)
        return apply_override(
            repository, detail, score=score, point_credits=points, comment=comment, teacher=teacher
        ).stored

    assert decide(1.5, {}, "kort men rätt")
    assert not decide(1.5, {}, "kort men rätt"), "the same score and comment"
    assert not decide(1.5, {}, "kort men rätt", teacher="Olle"), "the same decision by another teacher"
    assert decide(1.0, {}, "kort men rätt"), "another score"
    assert decide(1.0, {}, "strängare"), "another comment"
    assert decide(None, {"sum": 0.5}, "strängare"), "key points decided (1.67 from points)"
    assert not decide(None, {"sum": 0.5}, "strängare"), "the same points give the same score"
    assert decide(1.67, {}, "strängare"), "the same score without the key-point decisions"
    repository.request_regrade(answer.id, "titta igen", requested_by="student")
    assert decide(1.67, {}, "strängare"), "deciding again answers the student's regrade request"

    overrides = repository.get_answer(answer.id).overrides
    assert [(o.score, o.comment, o.point_credits) for o in overrides] == [
        (1.5, "kort men rätt", {}),
        (1.0, "kort men rätt", {}),
        (1.0, "strängare", {}),
        (1.67, "strängare", {"sum": 0.5}),
        (1.67, "strängare", {}),
        (1.67, "strängare", {}),
    ]
    kinds = [event.kind for event in repository.audit_trail(answer.id)]
    assert kinds.count(AuditKind.OVERRIDDEN) == len(overrides)
    assert not repository.get_answer(answer.id).regrade_requested


def test_a_groups_decision_given_to_the_answer_alone_is_stored_as_its_own(
    repository: Repository, conv_bank: Bank
) -> None:
    answer = _answer(repository, conv_bank)
    _graded(repository, answer, "covered", "missing")
    repository.add_override(answer.id, 1.5, "gruppen", "Eva", group_key=f"g{answer.id}")
    detail = repository.get_answer(answer.id)

    outcome = apply_override(repository, detail, score=1.5, point_credits={}, comment="gruppen", teacher="E")

    assert outcome.stored and outcome.override.group_key is None
