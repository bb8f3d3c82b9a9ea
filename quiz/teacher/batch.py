"""Batch grading of a submissions file: store every answer first, then grade what is not graded yet.

Storing is idempotent (each row gets a stable external key), and grading only touches answers
without a grade, so re-running a file - or resuming a run that was killed midway - never
duplicates answers and grades only what is missing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from db.records import AnswerDetail, AnswerRecord, StudentRecord
from question_bank.errors import InputFileError, TentaError
from question_bank.models import Bank, Question
from quiz.grading_service import GradingFailedError, grade_and_store
from quiz.teacher.submissions import ParsedSubmissions, SubmissionRow, question_for_prompt

if TYPE_CHECKING:
    from db.repository import Repository
    from quiz.context import AppContext

IMPORT_SOURCE = "import"
DEFAULT_BATCH_SIZE = 32

ProgressCallback = Callable[[int], None]
"""Called with the number of answers just graded."""


@dataclass
class StoredSubmissions:
    """The answers of a file as stored (in file order), and the rows that could not be stored."""

    answers: list[AnswerRecord]
    errors: list[InputFileError]
    lines: dict[int, int] = field(default_factory=dict)
    """answer id → the file line of the (first) row it was stored from."""


@dataclass
class GradingRun:
    graded: int = 0
    already_graded: int = 0
    failures: dict[int, str] = field(default_factory=dict)
    """answer id → why grading failed; those answers stay stored and ungraded."""


@dataclass(frozen=True)
class QuestionSummary:
    question_id: str
    answers: int
    graded: int
    mean_score: float | None
    max_points: float
    needs_review: int


def resolve_question(bank: Bank, key: str) -> Question | None:
    """The question a submissions file means by `key`: an id, a number ('3', 'Q3', '3.'), or the prompt
    (as a form's column title: up to case, punctuation and small differences)."""
    cleaned = key.strip()
    try:
        return bank.question(cleaned)
    except KeyError:
        pass
    number = re.fullmatch(r"(?:q|question|fråga|uppgift)?\s*[#.]?\s*(\d+)\s*[.:)]?", cleaned, re.IGNORECASE)
    if number:
        try:
            return bank.question(int(number.group(1)))
        except KeyError:
            return None
    return question_for_prompt(bank, cleaned)


def submission_key(bank_id: str, row: SubmissionRow, question_id: str) -> str:
    """The idempotency key of a row: its explicit id, else a hash of who answered what, when."""
    if row.row_id is not None:
        return f"id:{row.row_id}"
    identity = [
        bank_id,
        row.student_external_id or row.student_name,
        question_id,
        row.answer,
        row.submitted_at.isoformat() if row.submitted_at else "",
    ]
    digest = hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"sub:{digest[:40]}"


def _key_without_time(bank_id: str, row: SubmissionRow, question_id: str) -> str | None:
    """The key the row had when its time could not be read (a format tenta learnt to read later, such as
    a Swedish Moodle site's '12 januari 2026, 09:05'): grading the file again finds that answer instead
    of storing it twice."""
    if row.row_id is not None or row.submitted_at is None:
        return None
    return submission_key(bank_id, row.model_copy(update={"submitted_at": None}), question_id)


def store_submissions(repository: Repository, bank: Bank, parsed: ParsedSubmissions) -> StoredSubmissions:
    """Store every valid row (each committed on its own); rows naming unknown questions are errors, except
    a form's question column that matches no prompt: one warning for the column, added to parsed.warnings."""
    students: dict[tuple[str, str | None], StudentRecord] = {}
    stored: dict[int, AnswerRecord] = {}
    lines: dict[int, int] = {}
    errors: list[InputFileError] = []
    unmatched_columns: dict[str, int] = {}
    unchanged: list[int] = []
    for row in parsed.rows:
        question = resolve_question(bank, row.question_key)
        if question is None and row.column is not None:
            unmatched_columns[row.column] = unmatched_columns.get(row.column, 0) + 1
            continue
        if question is None:
            errors.append(
                InputFileError(
                    parsed.path,
                    f"bank {bank.id!r} has no question {row.question_key!r}",
                    line=row.line,
                    field="question",
                )
            )
            continue
        exported = _exported_answer(repository, bank, question, row)
        if exported is not None:
            stored.setdefault(exported.id, exported)
            lines.setdefault(exported.id, row.line)
            continue
        try:
            identity = (row.student_name, row.student_external_id)
            if identity not in students:
                students[identity] = repository.get_or_create_student(*identity)
            keys = (submission_key(bank.id, row, question.id), _key_without_time(bank.id, row, question.id))
            answer = repository.submit_answer(
                students[identity].id,
                bank,
                question,
                row.answer,
                submitted_at=row.submitted_at,
                source=IMPORT_SOURCE,
                external_key=keys[0],
                earlier_key=keys[1],
            )
        except TentaError as error:
            errors.append(InputFileError(parsed.path, error.message, line=row.line))
            continue
        if answer.external_key not in keys:  # the student's earlier answer, sent again unchanged
            unchanged.append(row.line)
        stored.setdefault(answer.id, answer)
        lines.setdefault(answer.id, row.line)
    parsed.warnings.extend(
        InputFileError(
            parsed.path,
            f"matches no question of bank {bank.id!r} by its text; its {count} answer(s) were not stored "
            "(give the column the question's prompt, its id or 'Q<number>')",
            field=f"column {column!r}",
        )
        for column, count in unmatched_columns.items()
    )
    if unchanged:
        parsed.warnings.append(
            InputFileError(
                parsed.path,
                f"{len(unchanged)} answer(s) on line(s) {line_ranges(unchanged)} repeat the student's "
                "earlier answer unchanged: not stored again, the earlier answer (and any teacher decision "
                "on it) counts",
            )
        )
    return StoredSubmissions(answers=list(stored.values()), errors=errors, lines=lines)


def resubmissions(path: Path, stored: StoredSubmissions) -> list[InputFileError]:
    """A warning per student who answered a question on more than one row of the file (a second Moodle
    attempt, a corrected re-upload): every answer is stored, but only the latest submitted one counts in
    the gradebook, which the teacher should know before reading the file's summary or exporting."""
    by_question: dict[tuple[int, str], list[AnswerRecord]] = defaultdict(list)
    for answer in stored.answers:
        by_question[answer.student_id, answer.question_id].append(answer)
    later: dict[int, list[AnswerRecord]] = defaultdict(list)
    earlier: dict[int, list[AnswerRecord]] = defaultdict(list)
    for (student_id, _question_id), answers in by_question.items():
        if len(answers) > 1:
            ordered = sorted(answers, key=lambda answer: (answer.submitted_at, answer.id))
            later[student_id].append(ordered[-1])
            earlier[student_id].extend(ordered[:-1])
    return [
        InputFileError(
            path,
            f"answered {len(latest)} question(s) again, first on line(s) "
            f"{line_ranges(stored.lines[answer.id] for answer in earlier[student_id])}: the latest submitted "
            "answer counts in the gradebook and the summary, the earlier ones stay stored (tenta audit)",
            line=min(stored.lines[answer.id] for answer in latest),
            field=latest[0].student_name,
        )
        for student_id, latest in later.items()
    ]


def line_ranges(lines: Iterable[int]) -> str:
    """'3, 7-9, 12': file lines, runs of consecutive lines as one range."""
    runs: list[list[int]] = []
    for line in sorted(set(lines)):
        if runs and line == runs[-1][-1] + 1:
            runs[-1].append(line)
        else:
            runs.append([line])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def _exported_answer(
    repository: Repository, bank: Bank, question: Question, row: SubmissionRow
) -> AnswerRecord | None:
    """The stored answer a row of `tenta export answers` came from, when it is still the same answer (bank,
    question, student and text): reading the export back then stores no copy, which would take the place
    of the original, and its overrides, in the gradebook."""
    if row.tenta_answer_id is None:
        return None
    try:
        answer = repository.get_answer(row.tenta_answer_id).answer
    except TentaError:  # no such answer in this database (the export came from another one)
        return None
    stored = (answer.bank_id, answer.question_id, answer.student_name, answer.text.strip())
    return answer if stored == (bank.id, question.id, row.student_name, row.answer.strip()) else None


def pending_answers(repository: Repository, answers: Sequence[AnswerRecord]) -> list[AnswerRecord]:
    """Those of `answers` that still need the grader (never graded, or a regrade was requested)."""
    wanted = {answer.id for answer in answers}
    bank_ids = {answer.bank_id for answer in answers}
    return [
        answer
        for bank_id in sorted(bank_ids)
        for answer in repository.ungraded_answers(bank_id)
        if answer.id in wanted
    ]


def grade_pending(
    ctx: AppContext,
    pending: Sequence[AnswerRecord],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
) -> GradingRun:
    """Grade `pending` in batches, storing each batch's grades before starting the next."""
    run = GradingRun()
    for start in range(0, len(pending), batch_size):
        batch = pending[start : start + batch_size]
        try:
            run.graded += len(grade_and_store(ctx, batch))
        except GradingFailedError as error:
            run.graded += len(error.graded)
            run.failures.update(error.failures)
        if progress is not None:
            progress(len(batch))
    return run


def answer_details(repository: Repository, answers: Sequence[AnswerRecord]) -> list[AnswerDetail]:
    """Details of `answers` in the same order, read per bank in one query each."""
    wanted = {answer.id for answer in answers}
    by_id: dict[int, AnswerDetail] = {}
    for bank_id in {answer.bank_id for answer in answers}:
        for detail in repository.answer_history(bank_id=bank_id):
            if detail.answer.id in wanted:
                by_id[detail.answer.id] = detail
    return [by_id[answer.id] for answer in answers if answer.id in by_id]


def summarise(bank: Bank, details: Sequence[AnswerDetail], queued: Collection[int]) -> list[QuestionSummary]:
    """Per question of the bank (in bank order): answers, mean final score, and how many of them are in
    the review queue (`queued`: the answer ids Repository.review_queue lists, so the count is what
    `tenta review` shows, not a second copy of its rule)."""
    summaries = []
    for question in bank.questions:
        mine = [detail for detail in details if detail.answer.question_id == question.id]
        if not mine:
            continue
        finals = [detail.final_score for detail in mine if detail.final_score is not None]
        summaries.append(
            QuestionSummary(
                question_id=question.id,
                answers=len(mine),
                graded=len(finals),
                mean_score=sum(finals) / len(finals) if finals else None,
                max_points=question.max_points,
                needs_review=sum(1 for detail in mine if detail.answer.id in queued),
            )
        )
    return summaries
