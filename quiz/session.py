"""A quiz in progress: which questions, in what order, drafts, and submit → store → grade → schedule.

Everything a quiz screen does is a method here, so a test (or another interface) can run a whole
quiz without a terminal. The order of one answer is fixed: the answer is committed by the
repository first, then graded, then the grade is stored, then the FSRS card is reviewed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from db.records import (
    AnswerDetail,
    AnswerRecord,
    ExtraTimeRecord,
    GradeRecord,
    QuizSessionRecord,
    ReviewCardRecord,
    SessionStatus,
    SessionSummary,
    minutes_text,
)
from question_bank.errors import TentaError
from question_bank.models import Bank, Question
from quiz import progress, scheduling, topics
from quiz.modes import DEFAULT_PRACTICE_COUNT, QuizMode

if TYPE_CHECKING:
    from db.repository import Repository
    from quiz.context import AppContext


UNSAVED_ANSWERS = "unsaved-answers"
"""The data folder's folder for typed answers the database refused (ActiveQuiz.save_draft)."""


class QuizRequest(BaseModel):
    """What the student asked for on the home screen."""

    student_id: int
    bank_id: str
    mode: QuizMode
    count: int | None = Field(
        default=None, ge=1, description="Questions to ask; None means the mode's default."
    )
    topics: tuple[str, ...] = Field(
        default=(), description="Only questions of these topics (quiz.modes.NO_TOPIC: untagged); () = all."
    )


def choose_questions(
    ctx: AppContext, request: QuizRequest, bank: Bank, *, now: datetime, rng: random.Random
) -> list[Question]:
    """The questions of a new quiz, in the order they are asked, from the chosen topics only; practice,
    due today and weakest first leave out the student's suspended questions (a full exam asks all)."""
    ordered = sorted(bank.questions, key=lambda question: (question.number or 10**9, question.id))
    pool = topics.restrict(ordered, request.topics)
    if request.mode is QuizMode.FULL:
        return pool
    suspended = scheduling.suspended_ids(ctx.repository, request.student_id, bank.id)
    pool = [question for question in pool if question.id not in suspended]
    if request.mode is QuizMode.PRACTICE:
        count = min(request.count or DEFAULT_PRACTICE_COUNT, len(pool))
        return rng.sample(pool, count)
    if request.mode is QuizMode.DUE:
        due = scheduling.due_today(
            ctx.repository, request.student_id, bank.id, [question.id for question in pool], now
        )
        chosen = [bank.question(question_id) for question_id in due.due + due.new]
        return chosen[: request.count] if request.count else chosen
    answers = progress.student_answers(ctx.repository, request.student_id, bank.id)
    weakest = progress.weakest_first(topics.narrowed(bank, request.topics), answers)
    kept = [bank.question(question.id) for question in weakest if question.id not in suspended]
    return kept[: request.count or DEFAULT_PRACTICE_COUNT]


@dataclass(frozen=True)
class ExamTimeLimit:
    """A timed exam's limit for one student: the bank's minutes, lengthened by the student's extra time."""

    bank_minutes: float
    extra_time: ExtraTimeRecord | None = None

    @property
    def minutes(self) -> float:
        if self.extra_time is None:
            return self.bank_minutes
        return self.extra_time.extended_minutes(self.bank_minutes)

    def describe(self) -> str:
        """ "60 min", or with extra time "60 min + 25 % = 75 min"."""
        if self.extra_time is None:
            return f"{minutes_text(self.bank_minutes)} min"
        return self.extra_time.describe(self.bank_minutes)


def student_time_limit(
    repository: Repository, student_id: int, bank_id: str, bank_minutes: float | None
) -> ExamTimeLimit | None:
    """The full exam's time limit for this student (None when the bank is untimed), as of now: a session
    already started keeps the deadline it was given."""
    if bank_minutes is None:
        return None
    return ExamTimeLimit(bank_minutes, repository.extra_time_for(student_id, bank_id))


def exam_deadline(
    bank: Bank, mode: QuizMode, now: datetime, extra_time: ExtraTimeRecord | None = None
) -> datetime | None:
    """When a quiz started `now` must be handed in: the bank's time limit, plus the student's extra time,
    applies to the full exam only (practice stays untimed, as in Moodle, where the limit is a setting of
    the exam itself). The deadline is kept to the second."""
    if mode is not QuizMode.FULL or bank.time_limit_minutes is None:
        return None
    limit = ExamTimeLimit(bank.time_limit_minutes, extra_time)
    return now + timedelta(seconds=round(limit.minutes * 60))


def start_quiz(ctx: AppContext, request: QuizRequest, *, now: datetime, rng: random.Random) -> ActiveQuiz:
    """Start and store a new session; raises TentaError when the mode has nothing to ask.

    A full exam restricted to some topics is untimed: the bank's time limit is for the whole exam."""
    bank = ctx.catalog.load(request.bank_id)
    questions = choose_questions(ctx, request, bank, now=now, rng=rng)
    if not questions:
        suspended = scheduling.suspended_ids(ctx.repository, request.student_id, bank.id)
        raise TentaError(nothing_to_ask(request, bank, suspended=len(suspended)))
    timed = request.mode is QuizMode.FULL and bank.time_limit_minutes is not None and not request.topics
    extra_time = ctx.repository.extra_time_for(request.student_id, bank.id) if timed else None
    deadline = exam_deadline(bank, request.mode, now, extra_time) if timed else None
    record = ctx.repository.start_session(
        request.student_id, bank, questions, request.mode.value, deadline=deadline, topics=request.topics
    )
    return ActiveQuiz(ctx, bank, record)


def nothing_to_ask(request: QuizRequest, bank: Bank, *, suspended: int = 0) -> str:
    """Why a mode has no question: said of the chosen topics when there are some; when questions are
    suspended, how to get them back."""
    unsuspend = (
        f" ({suspended} suspended question(s) are left out: unsuspend them with u on the home screen "
        "or `tenta study unsuspend`)"
        if suspended and request.mode is not QuizMode.FULL
        else ""
    )
    if not request.topics:
        return f"Nothing to ask in {request.mode.label.lower()} mode for {bank.title} right now{unsuspend}."
    chosen = topics.describe(request.topics)
    if request.mode is QuizMode.DUE:
        return (
            f"No question of {chosen} is due today{unsuspend}; choose other topics or practise them instead."
        )
    return f"No question of {chosen} in {request.mode.label.lower()} mode{unsuspend}; choose other topics."


def unfinished_quiz_bank(ctx: AppContext, student_id: int, bank_ids: Sequence[str]) -> str | None:
    """The bank of the student's most recently started unfinished quiz among `bank_ids`, so that opening
    the app offers to resume it (and hands in a timed exam whose time ran out) whichever bank it was on."""
    sessions = [
        session
        for bank_id in bank_ids
        if (session := ctx.repository.resumable_session(student_id, bank_id)) is not None
    ]
    return max(sessions, key=lambda session: session.started_at).bank_id if sessions else None


def resume_quiz(ctx: AppContext, session_id: int) -> ActiveQuiz:
    """Continue an interrupted session at the question it was left on, with its drafts."""
    record = ctx.repository.get_session(session_id)
    if record.status is not SessionStatus.IN_PROGRESS:
        raise TentaError(f"Quiz {session_id} is {record.status.value}; it cannot be resumed.")
    bank = ctx.catalog.load(record.bank_id)
    return ActiveQuiz(ctx, bank, record)


@dataclass(frozen=True)
class GradeOutcome:
    """A stored answer with its stored grade and the review state it led to."""

    answer: AnswerRecord
    question: Question
    grade: GradeRecord
    review: ReviewCardRecord | None
    leech: bool = False
    """This answer's lapse made the question a leech (tell the student, once)."""
    suspended: bool = False
    """... and suspended it as one."""

    @property
    def fraction(self) -> float:
        return self.grade.score / self.grade.max_points if self.grade.max_points else 0.0


@dataclass(frozen=True)
class ItemResult:
    """One question's line in the results: graded, grading, failed or skipped."""

    position: int
    question_id: str
    prompt: str
    max_points: float
    answer: AnswerDetail | None
    error: str | None

    @property
    def score(self) -> float | None:
        return self.answer.final_score if self.answer else None

    @property
    def status(self) -> str:
        if self.answer is None:
            return "skipped"
        if self.answer.final_score is not None:
            return "review" if self.answer.needs_review else "graded"
        return "failed" if self.error else "grading"


class ItemState(StrEnum):
    """Where a question of a quiz stands before it is finished (Moodle's "summary of attempt")."""

    SUBMITTED = "submitted"
    CHANGED = "edited after submitting"
    DRAFT = "typed, not submitted"
    NOT_ANSWERED = "not answered"

    @property
    def needs_submitting(self) -> bool:
        """Typed text that finishing the quiz would otherwise leave ungraded."""
        return self in {ItemState.CHANGED, ItemState.DRAFT}


@dataclass(frozen=True)
class ItemSummary:
    position: int
    question: Question
    state: ItemState
    flagged: bool = False


@dataclass
class ActiveQuiz:
    """A session being taken: the current position, drafts and submitted answers, kept in the database."""

    ctx: AppContext
    bank: Bank
    session: QuizSessionRecord
    questions: list[Question] = field(init=False)
    drafts: dict[str, str] = field(init=False)
    answers: dict[str, AnswerRecord] = field(init=False, default_factory=dict)
    failures: dict[int, str] = field(init=False, default_factory=dict)
    time_spent: dict[str, float] = field(init=False, default_factory=dict)
    flagged: set[str] = field(init=False, default_factory=set)
    suspended: set[str] = field(init=False, default_factory=set)
    """The student's suspended questions of the bank (asked in a full exam, never in practice)."""
    position: int = field(init=False)
    finished_at: datetime | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        missing = [qid for qid in self.session.question_ids if not _has_question(self.bank, qid)]
        if missing:
            raise TentaError(
                f"Bank {self.bank.id!r} no longer has question(s) {', '.join(missing)}; "
                "the quiz cannot resume."
            )
        self.questions = [self.bank.question(question_id) for question_id in self.session.question_ids]
        self.drafts = dict(self.session.drafts)
        self.flagged = set(self.session.flagged)
        self.time_spent = dict(self.session.time_spent)
        self.suspended = scheduling.suspended_ids(self.ctx.repository, self.session.student_id, self.bank.id)
        self.position = min(max(self.session.position, 0), len(self.questions) - 1)
        for question_id, answer_id in self.session.answer_ids.items():
            answer = self.ctx.repository.get_answer(answer_id).answer
            self.answers[question_id] = answer
            # Submitting clears the stored draft; the editor shows the submitted text, as before quitting.
            self.drafts.setdefault(question_id, answer.text)

    @property
    def session_id(self) -> int:
        return self.session.id

    @property
    def mode(self) -> QuizMode:
        return QuizMode(self.session.mode)

    @property
    def topics(self) -> list[str]:
        """The topics the questions were chosen from (kept with the session, so a resume keeps them)."""
        return self.session.topics

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def current(self) -> Question:
        return self.questions[self.position]

    @property
    def is_last(self) -> bool:
        return self.position == self.total - 1

    def draft(self, question: Question | None = None) -> str:
        return self.drafts.get((question or self.current).id, "")

    def answer_for(self, question: Question | None = None) -> AnswerRecord | None:
        return self.answers.get((question or self.current).id)

    def save_draft(self, text: str) -> None:
        """Store what the student is typing for the current question (cheap; called often).

        When the database refuses it (read-only, full, locked by another program) the text is written to
        a file in the data folder's unsaved-answers instead, and the TentaError raised names that file:
        a failing database never takes a typed answer with it."""
        question_id = self.current.id
        if self.drafts.get(question_id, "") == text:
            return
        try:
            self.ctx.repository.save_draft(self.session_id, question_id, text)
        except TentaError as error:
            raise TentaError(f"{error.message}. {self._keep_on_disk(question_id, text)}") from error
        self.drafts[question_id] = text

    def _keep_on_disk(self, question_id: str, text: str) -> str:
        """Write an answer the database refused to <data dir>/unsaved-answers/quiz-<session>-<question>.txt
        and say where it is (or, when that fails too, that the text is only in the answer box)."""
        path = self.ctx.settings.data_dir / UNSAVED_ANSWERS / f"quiz-{self.session_id}-{question_id}.txt"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            return f"Copying it to {path} failed too ({error.strerror}): copy your answer from the box"
        return f"Your answer is kept in {path}"

    def go_to(self, position: int) -> None:
        """Move to another question; the position is stored (first, so a database that refuses it leaves
        the quiz where it was) so a resume lands here."""
        position = min(max(position, 0), self.total - 1)
        if position != self.position:
            self.ctx.repository.set_position(self.session_id, position)
            self.position = position

    def is_flagged(self, question: Question | None = None) -> bool:
        return (question or self.current).id in self.flagged

    def toggle_flag(self) -> bool:
        """Flag the current question to come back to, or unflag it (stored, so a resume keeps it)."""
        question_id = self.current.id
        flagged = question_id not in self.flagged
        self.ctx.repository.set_flag(self.session_id, question_id, flagged)
        if flagged:
            self.flagged.add(question_id)
        else:
            self.flagged.discard(question_id)
        return flagged

    def next_flagged(self) -> int | None:
        """The position of the next flagged question after the current one (wrapping); None if none."""
        for step in range(1, self.total + 1):
            position = (self.position + step) % self.total
            if self.questions[position].id in self.flagged:
                return position
        return None

    def is_suspended(self, question: Question | None = None) -> bool:
        return (question or self.current).id in self.suspended

    def set_suspended(self, question: Question, suspended: bool) -> None:
        """Suspend a question for this student (practice, due today and weakest first leave it out) or
        unsuspend it; this quiz still asks it."""
        repository, student_id = self.ctx.repository, self.session.student_id
        if suspended:
            repository.suspend_question(student_id, self.bank.id, question.id)
            self.suspended.add(question.id)
        else:
            repository.unsuspend_question(student_id, self.bank.id, question.id)
            self.suspended.discard(question.id)

    def add_time(self, seconds: float) -> None:
        """Count time spent on the current question, stored with the session so that the answer handed in
        after a pause or a quit and a resume carries the time of every sitting (a clock set back counts 0)."""
        if seconds <= 0:
            return
        question_id = self.current.id
        self.ctx.repository.add_time(self.session_id, question_id, seconds)
        self.time_spent[question_id] = self.time_spent.get(question_id, 0.0) + seconds

    @property
    def deadline(self) -> datetime | None:
        return self.session.deadline

    def seconds_left(self, now: datetime) -> float | None:
        """Time left of a timed exam (never negative); None when the quiz is untimed."""
        if self.deadline is None:
            return None
        return max((self.deadline - now).total_seconds(), 0.0)

    def time_is_up(self, now: datetime) -> bool:
        return self.deadline is not None and now >= self.deadline

    def submit(self, text: str, *, now: datetime, language: str | None = None) -> AnswerRecord:
        """Store the answer to the current question (committed before this returns).

        After a timed exam's deadline nothing more is accepted: the drafts saved in time are what
        `hand_in` submits."""
        if self.time_is_up(now):
            raise TentaError("Time is up: the answers typed before the deadline are handed in.")
        return self._store(self.current, text, now=now, language=language)

    def state_of(self, question: Question) -> ItemState:
        text = self.drafts.get(question.id, "")
        submitted = self.answers.get(question.id)
        if submitted is None:
            return ItemState.DRAFT if text.strip() else ItemState.NOT_ANSWERED
        return ItemState.CHANGED if text.strip() and text != submitted.text else ItemState.SUBMITTED

    def summary(self) -> list[ItemSummary]:
        """Every question's state, in quiz order."""
        return [
            ItemSummary(position, question, self.state_of(question), question.id in self.flagged)
            for position, question in enumerate(self.questions)
        ]

    def hand_in(self, *, now: datetime) -> list[AnswerRecord]:
        """Submit every typed answer not yet submitted (or changed since) as it stands, then close the
        session.

        Moodle's "Submit all and finish", and what happens when a timed exam's time runs out, with the
        student there or not ("open attempts are submitted automatically"): then the answers count as
        given at the deadline."""
        at = min(now, self.deadline) if self.deadline else now
        handed_in = [
            self._store(item.question, self.drafts[item.question.id], now=at)
            for item in self.summary()
            if item.state.needs_submitting
        ]
        self.finish(now=at)
        return handed_in

    def _store(
        self, question: Question, text: str, *, now: datetime, language: str | None = None
    ) -> AnswerRecord:
        answer = self.ctx.repository.submit_answer(
            self.session.student_id,
            self.bank,
            question,
            text,
            session_id=self.session_id,
            language=language,
            time_taken_s=round(self.time_spent.get(question.id, 0.0), 1),
            submitted_at=now,
        )
        self.answers[question.id] = answer
        self.drafts[question.id] = text
        self.failures.pop(answer.id, None)
        return answer

    def grade(self, answer: AnswerRecord, *, now: datetime) -> GradeOutcome:
        """Grade a stored answer, store the grade, and review the question's FSRS card with it."""
        from quiz.grading_service import grade_and_store

        try:
            (grade,) = grade_and_store(self.ctx, [answer])
        except Exception as error:
            self.failures[answer.id] = str(error)
            raise
        question = self.bank.question(answer.question_id)
        settings = self.ctx.settings
        review = scheduling.review(
            self.ctx.repository,
            student_id=answer.student_id,
            bank_id=answer.bank_id,
            question_id=answer.question_id,
            fraction=grade.score / grade.max_points,
            now=now,
            answer_id=answer.id,
            duration_s=answer.time_taken_s,
            leeches=scheduling.LeechPolicy(settings.leech_threshold, settings.leech_action == "suspend"),
        )
        if review.suspended:
            self.suspended.add(answer.question_id)
        return GradeOutcome(
            answer=answer,
            question=question,
            grade=grade,
            review=review.card,
            leech=review.leech,
            suspended=review.suspended,
        )

    def tries_short_of_full_points(self, question: Question) -> int:
        """The graded answers to `question` in this session that earned less than full points (a
        teacher's override counting instead of the grade), read from the database so that the count
        (one more hint per try, Moodle's interactive mode) survives quitting and resuming."""
        attempts = self.ctx.repository.answer_history(
            self.session.student_id, self.bank.id, question_id=question.id
        )
        return sum(
            1
            for attempt in attempts
            if attempt.answer.session_id == self.session_id
            and attempt.final_score is not None
            and attempt.final_score < attempt.max_points
            and not math.isclose(attempt.final_score, attempt.max_points)
        )

    def finish(self, *, now: datetime) -> None:
        """Close the session; answers already submitted keep grading in the background."""
        if self.finished_at is None:
            self.ctx.repository.finish_session(self.session_id)
            self.finished_at = now

    def results(self) -> tuple[SessionSummary, list[ItemResult]]:
        """The session's totals (a 'due today' quiz ended early: out of the cards answered) and
        per-question results in quiz order, as stored."""
        detail = self.ctx.repository.session_detail(self.session_id)
        items = [
            ItemResult(
                position=item.position,
                question_id=item.question_id,
                prompt=item.prompt,
                max_points=item.max_points,
                answer=item.answer,
                error=self.failures.get(item.answer.answer.id) if item.answer else None,
            )
            for item in detail.items
        ]
        return progress.counted_summary(detail), items

    def elapsed_seconds(self) -> float:
        """Time spent on the questions, over every sitting (what the timer shows)."""
        return sum(self.time_spent.values())


def _has_question(bank: Bank, question_id: str) -> bool:
    return any(question.id == question_id for question in bank.questions)
