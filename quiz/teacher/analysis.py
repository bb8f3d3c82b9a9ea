"""The numbers a teacher reads after an exam: auto-vs-teacher agreement and classical item analysis.

Pure functions over plain values (no database), so the formulas are tested directly and the CLI
only formats. Agreement follows how PrairieLearn reports AI-vs-human grading (correlation, mean
absolute error, rubric-item confusion); item analysis follows Moodle's quiz statistics (facility,
discrimination index as item-vs-rest-of-test correlation, Cronbach's alpha).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from db.records import AnswerDetail, credit_status
from db.repository import latest_per_student_question
from grading.evaluate import pearson
from grading.models import PointStatus

MIN_CORRELATION_PAIRS = 3
"""Fewer pairs give no correlation: any two different pairs lie on a line (r = ±1), which read as perfect
agreement after a teacher's first two overrides."""
AGREEMENT_TOLERANCE = 0.1
"""Auto and teacher 'agree' when they differ by at most this share of the question's points."""

RECALIBRATION_MIN_OVERRIDES = 10
RECALIBRATION_MAE = 0.12
RECALIBRATION_BIAS = 0.06


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class PointCredit(_Value):
    """What the grader decided for one rubric point of one answer, and the teacher's decision if any."""

    point_id: str
    text: str
    status: str
    credit: float
    teacher_credit: float | None = None
    """The teacher's credit for this point (0..1) when the override was given point by point."""


class ScoredPair(_Value):
    """One answer graded both ways: the latest automatic grade and the teacher's override."""

    answer_id: int
    question_id: str
    max_points: float
    auto_score: float
    teacher_score: float
    points: tuple[PointCredit, ...] = ()

    @property
    def auto_fraction(self) -> float:
        return self.auto_score / self.max_points

    @property
    def teacher_fraction(self) -> float:
        return self.teacher_score / self.max_points


class AgreementStats(_Value):
    n: int
    pearson: float | None
    mae_points: float
    mae_fraction: float
    bias_fraction: float
    """Mean of auto minus teacher, as a share of max points: positive means the grader is too generous."""
    within_tolerance: float
    """Share of answers where auto and teacher differ by at most AGREEMENT_TOLERANCE of max points."""


class TeacherBand(StrEnum):
    """The teacher's verdict on a whole answer, which is all an override says about its key points."""

    FULL = "full"
    PARTIAL = "partial"
    ZERO = "zero"


class AgreementBasis(StrEnum):
    """What a key point's auto status is compared with."""

    POINT = "point"
    """The teacher decided this point of the answer (a key-point override)."""
    ANSWER = "answer"
    """The teacher only scored the whole answer; its band stands in for every point."""


POINT_STATUSES = tuple(PointStatus)


class PointAgreement(_Value):
    question_id: str
    point_id: str
    text: str
    basis: AgreementBasis
    n: int
    pearson: float | None
    """Correlation of this point's auto credit with the teacher's credit for the point (basis point)
    or with the teacher's score for the answer (basis answer)."""
    confusion: dict[str, dict[str, int]]
    """auto status (covered/partial/missing) → teacher's status of the point (covered/partial/missing,
    basis point) or band of the answer (full/partial/zero, basis answer) → answers."""
    agreement: float | None = None
    """Share of answers where the teacher gave the point the auto status (basis point only)."""

    @property
    def teacher_columns(self) -> tuple[str, ...]:
        return POINT_STATUSES if self.basis is AgreementBasis.POINT else tuple(TeacherBand)

    @property
    def false_credit(self) -> int:
        """Answers where the grader saw this point covered but the teacher gave nothing."""
        return self.confusion.get("covered", {}).get(self.teacher_columns[-1], 0)

    @property
    def missed_credit(self) -> int:
        """Answers where the grader saw this point missing but the teacher gave full credit."""
        return self.confusion.get("missing", {}).get(self.teacher_columns[0], 0)


class QuestionAgreement(_Value):
    question_id: str
    stats: AgreementStats


class AgreementReport(_Value):
    overall: AgreementStats | None
    questions: list[QuestionAgreement]
    points: list[PointAgreement]
    suggestion: str | None


def agreement_correlation(auto: Sequence[float], teacher: Sequence[float]) -> float | None:
    """Pearson r of auto and teacher values; None below MIN_CORRELATION_PAIRS pairs or without spread."""
    return pearson(auto, teacher) if len(auto) >= MIN_CORRELATION_PAIRS else None


def agreement_stats(pairs: Sequence[ScoredPair]) -> AgreementStats:
    n = len(pairs)
    differences = [pair.auto_fraction - pair.teacher_fraction for pair in pairs]
    return AgreementStats(
        n=n,
        pearson=agreement_correlation(
            [pair.auto_fraction for pair in pairs], [pair.teacher_fraction for pair in pairs]
        ),
        mae_points=sum(abs(pair.auto_score - pair.teacher_score) for pair in pairs) / n,
        mae_fraction=sum(abs(difference) for difference in differences) / n,
        bias_fraction=sum(differences) / n,
        within_tolerance=sum(abs(difference) <= AGREEMENT_TOLERANCE + 1e-9 for difference in differences) / n,
    )


def teacher_band(fraction: float) -> TeacherBand:
    if fraction >= 0.999:
        return TeacherBand.FULL
    if fraction <= 0.001:
        return TeacherBand.ZERO
    return TeacherBand.PARTIAL


def agreement_report(pairs: Sequence[ScoredPair]) -> AgreementReport:
    """Compare auto grades with overrides overall, per question and per rubric point."""
    if not pairs:
        return AgreementReport(overall=None, questions=[], points=[], suggestion=None)
    by_question: dict[str, list[ScoredPair]] = {}
    for pair in pairs:
        by_question.setdefault(pair.question_id, []).append(pair)
    questions = [
        QuestionAgreement(question_id=question_id, stats=agreement_stats(group))
        for question_id, group in by_question.items()
    ]
    points = [
        point for question_id, group in by_question.items() for point in _point_agreements(question_id, group)
    ]
    overall = agreement_stats(pairs)
    return AgreementReport(
        overall=overall, questions=questions, points=points, suggestion=recalibration_advice(overall)
    )


def _point_agreements(question_id: str, pairs: Sequence[ScoredPair]) -> list[PointAgreement]:
    """Per key point: auto status against the teacher's decision of that point where the teacher gave
    one, and against the teacher's verdict on the whole answer otherwise (separate rows)."""
    observations: dict[tuple[str, AgreementBasis], list[tuple[PointCredit, float, str]]] = {}
    for pair in pairs:
        for point in pair.points:
            if point.teacher_credit is not None:
                key = (point.point_id, AgreementBasis.POINT)
                seen = (point, point.teacher_credit, credit_status(point.teacher_credit))
            else:
                key = (point.point_id, AgreementBasis.ANSWER)
                seen = (point, pair.teacher_fraction, teacher_band(pair.teacher_fraction).value)
            observations.setdefault(key, []).append(seen)
    rubric_order = {
        point_id: index
        for index, point_id in enumerate(dict.fromkeys(p.point_id for pair in pairs for p in pair.points))
    }
    agreements = []
    for point_id, basis in sorted(observations, key=lambda key: (rubric_order[key[0]], key[1] != "point")):
        observed = observations[(point_id, basis)]
        confusion: dict[str, dict[str, int]] = {}
        for point, _, teacher in observed:
            row = confusion.setdefault(point.status, {})
            row[teacher] = row.get(teacher, 0) + 1
        agreed = sum(1 for point, _, teacher in observed if point.status == teacher)
        agreements.append(
            PointAgreement(
                question_id=question_id,
                point_id=point_id,
                text=observed[0][0].text,
                basis=basis,
                n=len(observed),
                pearson=agreement_correlation(
                    [point.credit for point, _, _ in observed], [t for _, t, _ in observed]
                ),
                confusion=confusion,
                agreement=agreed / len(observed) if basis is AgreementBasis.POINT else None,
            )
        )
    return agreements


def recalibration_advice(overall: AgreementStats) -> str | None:
    """A one-line suggestion when the overrides show the grader is off in a way calibration can fix."""
    if overall.n < RECALIBRATION_MIN_OVERRIDES:
        return None
    action = "run `tenta calibrate --from-overrides` to refit the calibration on your decisions."
    if abs(overall.bias_fraction) >= RECALIBRATION_BIAS:
        direction = "generous" if overall.bias_fraction > 0 else "strict"
        return (
            f"The automatic grades are on average {abs(overall.bias_fraction):.0%} of max points "
            f"too {direction} compared with your {overall.n} overrides: {action}"
        )
    if overall.mae_fraction >= RECALIBRATION_MAE:
        return (
            f"The automatic grades differ from your {overall.n} overrides by "
            f"{overall.mae_fraction:.0%} of max points on average (no overall bias): {action}"
        )
    return None


# --- item analysis ---------------------------------------------------------------------------------


class ItemStats(_Value):
    """Moodle-style statistics of one question over the students who answered it."""

    question_id: str
    students: int
    max_points: float
    mean_score: float | None
    sd_score: float | None
    facility: float | None
    """Mean score as a share of max points (0 = nobody got anything, 1 = everybody got full marks)."""
    discrimination: float | None
    """Pearson correlation of the question's score with the rest of the test (total minus this question)."""
    provisional: int = 0
    """Of `students`, those whose score waits for the teacher (see item_analysis's `in_review`)."""
    remarks: tuple[str, ...] = ()


class ExamStats(_Value):
    students: int
    max_total: float
    mean_total: float | None
    sd_total: float | None
    cronbach_alpha: float | None
    """Internal consistency of the test; missing answers count as 0."""
    provisional_students: int = 0
    """Students whose total includes a score that waits for the teacher."""
    ungraded_students: int = 0
    """Students with an answer not graded yet: they have no total, so the total's mean, SD and alpha and
    the discrimination's rest of the test leave them out (their graded answers count per question)."""


def sample_sd(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    mean = sum(values) / len(values)
    return math.sqrt(sum((value - mean) ** 2 for value in values) / (len(values) - 1))


def item_analysis(
    scores: Sequence[dict[str, float | None]],
    max_points: dict[str, float],
    *,
    max_total: float | None = None,
    in_review: Sequence[Collection[str]] = (),
    ungraded: Sequence[Collection[str]] = (),
) -> tuple[list[ItemStats], ExamStats]:
    """Per-question and whole-test statistics from a students × questions table of final scores.

    `scores` has one dict per student (question id → final score, None when not answered or not yet
    graded). The discrimination of a question uses only the students who answered it; their rest-of-
    test score counts unanswered questions as 0, as Moodle does. `max_total` is the exam's full points
    when it has questions nobody answered (the gradebook's and the grade scale's total); by default the
    answered questions' points. `in_review` (parallel to `scores`, empty: none) names each student's
    questions whose score waits for the teacher: they are counted at their current value, since leaving
    out the answers the grader was unsure of would bias facility towards the clear ones, and counted as
    `provisional`, so the teacher sees how much may still move. `ungraded` (parallel to `scores`, empty:
    none) names each student's questions answered but not graded yet: such a student has no total, as in
    the gradebook (counting the answer as 0 would pull the total's mean down and read as final), so the
    whole-test numbers and the discrimination's rest of the test leave the student out.
    """
    question_ids = list(max_points)
    complete = [not questions for questions in ungraded] or [True for _ in scores]
    totals: list[float | None] = [
        sum(score or 0.0 for score in row.values()) if whole else None
        for row, whole in zip(scores, complete, strict=True)
    ]
    reviewing = list(in_review) or [() for _ in scores]
    items = [
        _item_stats(question_id, scores, totals, max_points[question_id], reviewing)
        for question_id in question_ids
    ]
    known = [total for total in totals if total is not None]
    test = ExamStats(
        students=len(scores),
        max_total=sum(max_points.values()) if max_total is None else max_total,
        mean_total=sum(known) / len(known) if known else None,
        sd_total=sample_sd(known),
        cronbach_alpha=cronbach_alpha(
            [
                [row.get(question_id) or 0.0 for question_id in question_ids]
                for row, whole in zip(scores, complete, strict=True)
                if whole
            ]
        ),
        provisional_students=sum(
            1
            for row, questions in zip(scores, reviewing, strict=True)
            if any(row.get(question_id) is not None for question_id in questions)
        ),
        ungraded_students=complete.count(False),
    )
    return items, test


def _item_stats(
    question_id: str,
    scores: Sequence[dict[str, float | None]],
    totals: Sequence[float | None],
    max_points: float,
    in_review: Sequence[Collection[str]],
) -> ItemStats:
    """The question's numbers over the students with a graded answer to it; the discrimination over
    those of them with a total (no answer of theirs waiting for the grader)."""
    answered = [
        (score, total, question_id in questions)
        for row, total, questions in zip(scores, totals, in_review, strict=True)
        if (score := row.get(question_id)) is not None
    ]
    item_scores = [score for score, _, _ in answered]
    mean = sum(item_scores) / len(item_scores) if item_scores else None
    facility = mean / max_points if mean is not None else None
    with_total = [(score, total) for score, total, _ in answered if total is not None]
    discrimination = pearson(
        [score for score, _ in with_total], [total - score for score, total in with_total]
    )
    provisional = sum(1 for _, _, reviewing in answered if reviewing)
    return ItemStats(
        question_id=question_id,
        students=len(answered),
        max_points=max_points,
        mean_score=mean,
        sd_score=sample_sd(item_scores),
        facility=facility,
        discrimination=discrimination,
        provisional=provisional,
        remarks=tuple(_remarks(facility, discrimination, len(answered), provisional)),
    )


def _remarks(
    facility: float | None, discrimination: float | None, students: int, provisional: int
) -> Iterable[str]:
    if facility is not None and facility < 0.2:
        yield "very hard"
    if facility is not None and facility > 0.9:
        yield "very easy"
    if discrimination is not None and discrimination < 0:
        yield "negative discrimination: check the key"
    elif discrimination is not None and discrimination < 0.2:
        yield "weak discrimination"
    if 0 < students < 10:
        yield "few students"
    if provisional:
        yield f"{provisional} provisional"


def cronbach_alpha(table: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a students × items table; None when undefined."""
    if len(table) < 2 or not table[0] or len(table[0]) < 2:
        return None
    item_count = len(table[0])
    item_variances = [_variance([row[index] for row in table]) for index in range(item_count)]
    total_variance = _variance([sum(row) for row in table])
    if total_variance <= 1e-12:
        return None
    return (item_count / (item_count - 1)) * (1 - sum(item_variances) / total_variance)


def _variance(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((value - mean) ** 2 for value in values) / (len(values) - 1)


STATUSES = tuple(status.value for status in PointStatus)
"""covered, partial, missing: the key-point statuses a tally counts."""


class KeyPointTally(_Value):
    """How the class did on one key point (Gradescope's rubric item statistics): students whose latest
    graded answer covered, partly covered or missed it, a teacher's decision of the point counting instead
    of the grader's."""

    question_id: str
    point_id: str
    text: str
    covered: int = 0
    partial: int = 0
    missing: int = 0
    decided: int = 0
    """Students whose counted answer has a teacher's decision of this point."""

    @property
    def answers(self) -> int:
        return self.covered + self.partial + self.missing

    @property
    def missed_share(self) -> float | None:
        return self.missing / self.answers if self.answers else None


def key_point_tallies(answers: Iterable[AnswerDetail]) -> list[KeyPointTally]:
    """One tally per key point, by question number then rubric order. Each student counts once per
    question, with their latest graded answer (as the gradebook counts it), so a student who tried a
    question three times does not weigh three times; a teacher's decision on that answer still wins."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    texts: dict[tuple[str, str], str] = {}
    order: dict[tuple[str, str], tuple[int, str, int]] = {}
    for detail in tallied_answers(answers):
        question = detail.question
        position = {point.id: index for index, point in enumerate(question.rubric)}
        for point in detail.final_points:
            key = (question.id, str(point.get("point_id")))
            tally = counts.setdefault(key, dict.fromkeys((*STATUSES, "decided"), 0))
            status = str(point.get("status"))
            if status in STATUSES:
                tally[status] += 1
            tally["decided"] += int("decided_by" in point)
            texts[key] = str(point.get("text", ""))
            order[key] = (question.number or 0, question.id, position.get(key[1], len(position)))
    return [
        KeyPointTally(question_id=key[0], point_id=key[1], text=texts[key], **counts[key])
        for key in sorted(counts, key=lambda key: order[key])
    ]


def tallied_answers(answers: Iterable[AnswerDetail]) -> list[AnswerDetail]:
    """The answers key_point_tallies counts: each student's latest answer per question with key points."""
    return list(latest_per_student_question(detail for detail in answers if detail.final_points).values())
