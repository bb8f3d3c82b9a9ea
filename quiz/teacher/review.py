"""The teacher's decisions and what they feed: overrides, regrading that keeps them, agreement data.

Auto grades and overrides are separate rows (the repository keeps both); the final score is the
latest override when there is one. Regrading adds a new auto grade and so can only change the final
score of answers no teacher has decided.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from db.records import AnswerDetail, OverrideRecord, check_point_credits
from grading.models import PointStatus
from grading.rubric import weighted_credit
from question_bank.errors import TentaError
from question_bank.models import Bank, Question
from quiz.grading_service import ensure_grader, grade_and_store, grade_requests
from quiz.teacher.analysis import AgreementReport, PointCredit, ScoredPair, agreement_report

if TYPE_CHECKING:
    from db.repository import Repository
    from quiz.context import AppContext

SCORE_CHANGE_EPSILON = 1e-6
SCORE_DECIMALS = 2
"""Scores are kept to hundredths of a point, as the grader rounds them."""

POINT_DECISIONS = {PointStatus.COVERED: 1.0, PointStatus.PARTIAL: 0.5, PointStatus.MISSING: 0.0}
"""A key point's decision by name, as the grader reports statuses (any share 0..1 works too); the
CLI's `--point` and the review queue's cycling both decide through it."""
STATUS_WORDS = {
    **{status.value: status for status in POINT_DECISIONS},
    "täckt": PointStatus.COVERED,
    "delvis": PointStatus.PARTIAL,
    "saknas": PointStatus.MISSING,
}
"""The words `--point` takes for a status, in English and in Swedish (täckt / delvis / saknas), as a
Swedish teacher says them; any case."""


def parse_score(text: str, max_points: float) -> float:
    """A teacher's score: points ('1.5', '1,5') or a share of max points ('75%'), within 0..max."""
    cleaned = text.strip().replace(",", ".")
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(%?)", cleaned)
    if not match:
        raise TentaError(f"score {text!r} is not a number of points (e.g. 1.5) or a percentage (e.g. 75%)")
    value = float(match.group(1))
    score = value / 100.0 * max_points if match.group(2) else value
    if not 0.0 <= score <= max_points + 1e-9:
        raise TentaError(f"score {text!r} is outside 0-{max_points:g} points")
    return min(score, max_points)


def parse_point_decision(text: str) -> tuple[str, float]:
    """'kp2=covered', 'kp3=0.5', 'kp3=50%' or 'kp4=missing' → (point id, credit).

    The range (0..1) and the point id are checked against the answer's question when it is stored.
    """
    point_id, separator, written = text.partition("=")
    point_id, value = point_id.strip(), unicodedata.normalize("NFC", written.strip()).casefold()
    if not separator or not point_id or not value:
        raise TentaError(
            f"key point {text!r}: write POINT=covered, POINT=partial, POINT=missing or POINT=0.5 "
            "(or täckt, delvis, saknas)"
        )
    if value in STATUS_WORDS:
        return point_id, POINT_DECISIONS[STATUS_WORDS[value]]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(%?)", value.replace(",", "."))
    if not match:
        raise TentaError(
            f"key point {point_id!r}: {written.strip()!r} is not a status "
            f"({', '.join(STATUS_WORDS)}, in any case) or a credit such as 0.5 or 50%"
        )
    return point_id, float(match.group(1)) / (100.0 if match.group(2) else 1.0)


def point_decisions(texts: Sequence[str]) -> dict[str, float]:
    """Every `--point` option as one mapping; naming a point twice is a mistake, not an update."""
    decisions: dict[str, float] = {}
    for text in texts:
        point_id, credit = parse_point_decision(text)
        if point_id in decisions:
            raise TentaError(f"key point {point_id!r} is given twice")
        decisions[point_id] = credit
    return decisions


def auto_point_credits(detail: AnswerDetail) -> dict[str, float]:
    """The latest auto grade's credit per key point (empty when the answer was never graded)."""
    grade = detail.latest_grade
    if grade is None:
        return {}
    return {str(point.get("point_id")): float(point.get("credit", 0.0)) for point in grade.points}


def score_from_points(detail: AnswerDetail, decisions: Mapping[str, float]) -> float:
    """The score a teacher's key-point decisions add up to, as the grader scores its rubric credit.

    Points the teacher did not decide keep the auto grade's credit (0 when never graded); the
    weighted share is taken of the question's max points and rounded to hundredths.
    """
    checked = check_point_credits(detail.answer.id, detail.question, decisions)
    auto = auto_point_credits(detail)
    rubric = detail.question.rubric
    credits = [checked.get(point.id, auto.get(point.id, 0.0)) for point in rubric]
    share = weighted_credit(credits, [point.weight for point in rubric])
    return round(share * detail.max_points, SCORE_DECIMALS)


@dataclass(frozen=True)
class OverrideOutcome:
    """What `apply_override` did: `override` is the new row, or the latest one when it already said
    the same (`stored` False)."""

    override: OverrideRecord
    stored: bool


def apply_override(
    repository: Repository,
    detail: AnswerDetail,
    *,
    score: float | None,
    point_credits: Mapping[str, float],
    comment: str,
    teacher: str,
) -> OverrideOutcome:
    """Store a teacher's decision: the score given, else the score the key-point decisions add up to.

    The decisions are stored with the score either way (a given score wins over the points' sum).
    Giving the answer's latest decision again stores nothing, as Gradescope and Moodle treat a regrade
    that changes nothing: a second row would only repeat the audit trail (see `repeats_latest_override`).
    """
    if score is None:
        if not point_credits:
            raise TentaError(
                f"answer {detail.answer.id}: give a score or key-point decisions (ID=covered|partial|missing)"
            )
        score = score_from_points(detail, point_credits)
    latest = repeats_latest_override(detail, score, point_credits, comment)
    if latest is not None:
        return OverrideOutcome(latest, stored=False)
    stored = repository.add_override(detail.answer.id, score, comment, teacher, point_credits=point_credits)
    return OverrideOutcome(stored, stored=True)


def repeats_latest_override(
    detail: AnswerDetail, score: float, point_credits: Mapping[str, float], comment: str
) -> OverrideRecord | None:
    """The answer's latest override when it is this decision already: the same score, key-point
    decisions and comment, decided for this answer alone (a group's decision becomes the answer's own
    by deciding it again), and no regrade request since (deciding again is the answer to it).

    Who decided is not compared, as for a group decision a member already has: the decision is the
    same, and the trail keeps who made it first.
    """
    latest = detail.latest_override
    if latest is None or latest.group_key is not None or detail.regrade_requested:
        return None
    decisions = check_point_credits(detail.answer.id, detail.question, point_credits)
    same = (
        abs(latest.score - score) <= SCORE_CHANGE_EPSILON
        and latest.point_credits == decisions
        and latest.comment == comment
    )
    return latest if same else None


def scaled_auto_score(detail: AnswerDetail) -> float | None:
    """The latest auto grade in the points of the question as it was asked."""
    grade = detail.latest_grade
    if grade is None:
        return None
    return grade.score * detail.max_points / grade.max_points


# --- regrade ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegradeChange:
    answer_id: int
    student: str
    question_id: str
    student_id: int
    max_points: float
    old_auto: float | None
    new_auto: float
    old_final: float | None
    new_final: float | None
    overridden: bool

    @property
    def final_changed(self) -> bool:
        if self.old_final is None or self.new_final is None:
            return self.old_final != self.new_final
        return abs(self.new_final - self.old_final) > SCORE_CHANGE_EPSILON


@dataclass
class RegradeReport:
    regraded: int = 0
    stored: bool = True
    changes: list[RegradeChange] = field(default_factory=list)
    """Every answer whose auto grade or final score moved."""

    @property
    def final_changes(self) -> list[RegradeChange]:
        return [change for change in self.changes if change.final_changed]

    @property
    def overrides_kept(self) -> list[RegradeChange]:
        """Answers whose auto grade moved but whose final score stayed, because a teacher decided it."""
        return [change for change in self.changes if change.overridden]


def answers_to_regrade(
    repository: Repository, *, bank_id: str | None = None, since: datetime | None = None
) -> list[AnswerDetail]:
    return sorted(repository.answer_history(bank_id=bank_id, since=since), key=lambda d: d.answer.id)


def regrade(
    ctx: AppContext,
    details: Sequence[AnswerDetail],
    *,
    dry_run: bool = False,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
) -> RegradeReport:
    """Grade `details` again with the current grader; store the new auto grades unless `dry_run`."""
    report = RegradeReport(stored=not dry_run)
    for start in range(0, len(details), batch_size):
        batch = details[start : start + batch_size]
        new_scores = _dry_run_scores(ctx, batch) if dry_run else _stored_scores(ctx, batch)
        for detail, new_auto in zip(batch, new_scores, strict=True):
            report.regraded += 1
            change = _change(detail, new_auto)
            if change is not None:
                report.changes.append(change)
        if progress is not None:
            progress(len(batch))
    return report


def _stored_scores(ctx: AppContext, batch: Sequence[AnswerDetail]) -> list[float]:
    records = grade_and_store(ctx, [detail.answer for detail in batch])
    by_answer = {record.answer_id: record for record in records}
    return [
        by_answer[detail.answer.id].score * detail.max_points / by_answer[detail.answer.id].max_points
        for detail in batch
    ]


def _dry_run_scores(ctx: AppContext, batch: Sequence[AnswerDetail]) -> list[float]:
    """The auto scores a regrade would store, asked exactly as grade_and_store asks (graded neighbours
    included), without storing them."""
    requests = grade_requests(ctx, [detail.answer for detail in batch])
    grades = ensure_grader(ctx).grade_many(requests)
    return [
        grade.score * detail.max_points / grade.max_points
        for detail, grade in zip(batch, grades, strict=True)
    ]


def _change(detail: AnswerDetail, new_auto: float) -> RegradeChange | None:
    old_auto = scaled_auto_score(detail)
    override = detail.latest_override
    new_final = override.score if override is not None else new_auto
    auto_moved = old_auto is None or abs(new_auto - old_auto) > SCORE_CHANGE_EPSILON
    change = RegradeChange(
        answer_id=detail.answer.id,
        student=detail.answer.student_name,
        question_id=detail.answer.question_id,
        student_id=detail.answer.student_id,
        max_points=detail.max_points,
        old_auto=old_auto,
        new_auto=new_auto,
        old_final=detail.final_score,
        new_final=new_final,
        overridden=override is not None,
    )
    return change if auto_moved or change.final_changed else None


# --- agreement and calibration data ----------------------------------------------------------------


@dataclass(frozen=True)
class OverrideExample:
    """A teacher-decided answer with its auto grade: what `tenta calibrate --from-overrides` fits on."""

    answer_id: int
    bank_id: str
    question: Question
    answer: str
    auto_fraction: float
    teacher_fraction: float
    model_id: str
    grader_version: str


def override_examples(repository: Repository, bank_id: str | None = None) -> list[OverrideExample]:
    """Every answer with both an auto grade and an override, oldest first (latest of each)."""
    examples = []
    for detail in answers_to_regrade(repository, bank_id=bank_id):
        grade, override = detail.latest_grade, detail.latest_override
        if grade is None or override is None:
            continue
        examples.append(
            OverrideExample(
                answer_id=detail.answer.id,
                bank_id=detail.answer.bank_id,
                question=detail.question,
                answer=detail.answer.text,
                auto_fraction=grade.score / grade.max_points,
                teacher_fraction=override.score / detail.max_points,
                model_id=grade.model_id,
                grader_version=grade.grader_version,
            )
        )
    return examples


def scored_pairs(details: Sequence[AnswerDetail]) -> list[ScoredPair]:
    pairs = []
    for detail in details:
        grade, override, auto = detail.latest_grade, detail.latest_override, scaled_auto_score(detail)
        if grade is None or override is None or auto is None:
            continue
        pairs.append(
            ScoredPair(
                answer_id=detail.answer.id,
                question_id=detail.answer.question_id,
                max_points=detail.max_points,
                auto_score=auto,
                teacher_score=override.score,
                points=tuple(
                    PointCredit(
                        point_id=str(point.get("point_id", "")),
                        text=str(point.get("text", "")),
                        status=str(point.get("status", "")),
                        credit=float(point.get("credit", 0.0)),
                        teacher_credit=override.point_credits.get(str(point.get("point_id", ""))),
                    )
                    for point in grade.points
                ),
            )
        )
    return pairs


def agreement(
    repository: Repository, bank_id: str | None = None, banks: Sequence[Bank] = ()
) -> AgreementReport:
    """Auto grades against teacher overrides (see quiz.teacher.analysis.agreement_report), the questions
    of `banks` in bank order, as `tenta stats` lists them, and the rest (a removed bank's) after them in
    the order they were answered."""
    position = {
        (bank.id, question.id): (index, number)
        for index, bank in enumerate(banks)
        for number, question in enumerate(bank.questions)
    }
    details = sorted(
        answers_to_regrade(repository, bank_id=bank_id),
        key=lambda detail: position.get((detail.answer.bank_id, detail.answer.question_id), (len(banks), 0)),
    )
    return agreement_report(scored_pairs(details))
