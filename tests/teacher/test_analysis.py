"""Agreement and item-analysis formulas, checked against numpy and hand-worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from quiz.teacher.analysis import (
    AgreementBasis,
    PointCredit,
    ScoredPair,
    TeacherBand,
    agreement_report,
    cronbach_alpha,
    item_analysis,
)


def pair(
    answer_id: int,
    auto: float,
    teacher: float,
    *points: tuple[str, str, float],
    decided: dict[str, float] | None = None,
) -> ScoredPair:
    """`decided`: the teacher's credit per point id, when the override was given point by point."""
    return ScoredPair(
        answer_id=answer_id,
        question_id="q1" if answer_id < 100 else "q2",
        max_points=2.0,
        auto_score=auto,
        teacher_score=teacher,
        points=tuple(
            PointCredit(
                point_id=pid,
                text=f"point {pid}",
                status=status,
                credit=credit,
                teacher_credit=(decided or {}).get(pid),
            )
            for pid, status, credit in points
        ),
    )


def test_agreement_overall_and_per_question() -> None:
    pairs = [pair(1, 2.0, 2.0), pair(2, 1.0, 0.0), pair(3, 0.0, 0.0), pair(101, 2.0, 1.0)]

    report = agreement_report(pairs)

    assert report.overall is not None
    assert report.overall.n == 4
    assert report.overall.mae_points == pytest.approx((0 + 1 + 0 + 1) / 4)
    assert report.overall.mae_fraction == pytest.approx(0.25)
    assert report.overall.bias_fraction == pytest.approx(0.25)
    assert report.overall.within_tolerance == pytest.approx(0.5)
    by_question = {item.question_id: item.stats for item in report.questions}
    assert by_question["q1"].n == 3
    assert by_question["q1"].pearson == pytest.approx(np.corrcoef([1, 0.5, 0], [1, 0, 0])[0, 1])
    assert by_question["q2"].pearson is None
    assert report.suggestion is None  # too few overrides to advise anything


def test_point_confusion_uses_the_teachers_verdict_on_the_answer() -> None:
    pairs = [
        pair(1, 2.0, 2.0, ("a", "covered", 1.0), ("b", "covered", 1.0)),
        pair(2, 1.0, 0.0, ("a", "covered", 1.0), ("b", "missing", 0.0)),
        pair(3, 0.5, 1.0, ("a", "partial", 0.5), ("b", "missing", 0.0)),
        pair(4, 1.0, 2.0, ("a", "covered", 1.0), ("b", "missing", 0.0)),
    ]

    points = {point.point_id: point for point in agreement_report(pairs).points}

    assert points["a"].confusion == {
        "covered": {TeacherBand.FULL: 2, TeacherBand.ZERO: 1},
        "partial": {TeacherBand.PARTIAL: 1},
    }
    assert points["a"].false_credit == 1
    assert points["b"].missed_credit == 1
    assert points["b"].pearson == pytest.approx(np.corrcoef([1, 0, 0, 0], [1, 0, 0.5, 1])[0, 1])


def test_point_decisions_are_compared_point_with_point_and_the_rest_falls_back() -> None:
    pairs = [
        pair(1, 2.0, 1.0, ("a", "covered", 1.0), ("b", "covered", 1.0), decided={"a": 1.0, "b": 0.0}),
        pair(2, 1.0, 1.5, ("a", "partial", 0.6), ("b", "missing", 0.0), decided={"a": 0.5, "b": 1.0}),
        pair(3, 1.0, 1.0, ("a", "covered", 1.0), ("b", "missing", 0.0), decided={"a": 0.75}),
        pair(4, 2.0, 0.0, ("a", "covered", 1.0), ("b", "covered", 1.0)),
    ]

    rows = {(point.point_id, point.basis): point for point in agreement_report(pairs).points}

    assert set(rows) == {
        ("a", AgreementBasis.POINT),
        ("a", AgreementBasis.ANSWER),
        ("b", AgreementBasis.POINT),
        ("b", AgreementBasis.ANSWER),
    }
    a_points = rows[("a", AgreementBasis.POINT)]
    assert a_points.n == 3
    assert a_points.confusion == {"covered": {"covered": 1, "partial": 1}, "partial": {"partial": 1}}
    assert a_points.agreement == pytest.approx(2 / 3), "0.75 reads as partial, against the grader's covered"
    assert a_points.pearson == pytest.approx(np.corrcoef([1, 0.6, 1], [1, 0.5, 0.75])[0, 1])
    b_points = rows[("b", AgreementBasis.POINT)]
    assert b_points.confusion == {"covered": {"missing": 1}, "missing": {"covered": 1}}
    assert b_points.agreement == 0.0
    assert b_points.false_credit == 1 and b_points.missed_credit == 1
    assert b_points.teacher_columns == ("covered", "partial", "missing")
    b_answers = rows[("b", AgreementBasis.ANSWER)]
    assert b_answers.n == 2 and b_answers.agreement is None
    assert b_answers.confusion == {"missing": {TeacherBand.PARTIAL: 1}, "covered": {TeacherBand.ZERO: 1}}
    assert b_answers.false_credit == 1


def test_a_generous_grader_gets_a_recalibration_suggestion() -> None:
    pairs = [pair(index, 1.5, 1.0) for index in range(12)]

    suggestion = agreement_report(pairs).suggestion

    assert suggestion is not None
    assert "generous" in suggestion
    assert "tenta calibrate --from-overrides" in suggestion


def test_item_analysis_facility_spread_and_discrimination() -> None:
    max_points = {"q1": 2.0, "q2": 4.0, "q3": 1.0}
    scores: list[dict[str, float | None]] = [
        {"q1": 2.0, "q2": 4.0, "q3": 0.0},
        {"q1": 1.5, "q2": 3.0, "q3": 1.0},
        {"q1": 1.0, "q2": 1.0, "q3": 1.0},
        {"q1": 0.0, "q2": 0.0, "q3": None},
    ]

    items, test = item_analysis(scores, max_points)

    q1, q2, q3 = items
    assert q1.students == 4
    assert q1.mean_score == pytest.approx(1.125)
    assert q1.facility == pytest.approx(1.125 / 2)
    assert q1.sd_score == pytest.approx(np.std([2, 1.5, 1, 0], ddof=1))
    rest_q1 = [4.0, 4.0, 2.0, 0.0]
    assert q1.discrimination == pytest.approx(np.corrcoef([2, 1.5, 1, 0], rest_q1)[0, 1])
    assert q3.students == 3
    assert q3.discrimination is not None and q3.discrimination < 0
    assert any("negative" in remark for remark in q3.remarks)
    assert q2.facility == pytest.approx(8 / 16)
    assert test.students == 4
    assert test.max_total == 7.0
    assert test.mean_total == pytest.approx((6 + 5.5 + 3 + 0) / 4)


def test_cronbach_alpha_matches_the_textbook_formula() -> None:
    table = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0], [1, 1, 1]]
    data = np.array(table, dtype=float)
    k = data.shape[1]
    expected = k / (k - 1) * (1 - data.var(axis=0, ddof=1).sum() / data.sum(axis=1).var(ddof=1))
    assert cronbach_alpha(table) == pytest.approx(expected)
    assert cronbach_alpha([[1, 1]]) is None
