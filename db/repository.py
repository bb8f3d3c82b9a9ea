"""The one door to stored data, shared by the CLI, the TUI and batch grading.

Every public method runs in its own short transaction and returns pydantic records from
db/records.py. Writes commit before the method returns, so an answer handed to `submit_answer`
is on disk before any grading starts, and a crash can never leave half a grade behind.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Engine, Select, event, exc, select, update
from sqlalchemy.orm import Session, selectinload

from db import migrate
from db.engine import create_engine_for, describe_url, write_engine
from db.models import (
    Answer,
    AppSecret,
    AuditRow,
    Document,
    DocumentChunk,
    ExtraTime,
    GradeRow,
    GroupConfirmation,
    GroupPin,
    Override,
    QuestionSnapshot,
    QuizSession,
    ReviewCard,
    ReviewLogRow,
    SessionItem,
    Student,
    Suspension,
    TopicFilter,
    utcnow,
)
from db.records import (
    AnswerDetail,
    AnswerRecord,
    AuditEvent,
    AuditKind,
    DocumentChunkRecord,
    DocumentRecord,
    ExportRow,
    ExtraTimeRecord,
    Gradebook,
    GradebookRow,
    GradeRecord,
    GroupConfirmationRecord,
    GroupLayout,
    GroupPinRecord,
    NewAuditEvent,
    NewGrade,
    OverrideRecord,
    QuestionStats,
    QuizSessionRecord,
    ReviewCardRecord,
    ReviewLogEntry,
    ReviewLogRecord,
    SessionDetail,
    SessionItemDetail,
    SessionStatus,
    SessionSummary,
    StudentRecord,
    SuspensionReason,
    SuspensionRecord,
    check_extra_time,
    check_point_credits,
)
from question_bank.errors import TentaError
from question_bank.models import Bank, Question

T = TypeVar("T")
Clock = Callable[[], datetime]
"""Where the repository takes the time from: the wall clock in UTC unless told otherwise."""

DEFAULT_STUDENT_NAME = "local"
DISCRIMINATION_GROUP_SHARE = 0.27
_WRITE_ATTEMPTS = 6
_IN_CLAUSE_SIZE = 500


class RecordNotFound(TentaError):
    """A session, answer or student id that is not in the database."""


class AmbiguousStudentName(TentaError):
    """A name without an external id that several students share: which one is meant cannot be known."""

    def __init__(self, name: str, candidates: Sequence[StudentRecord], how_to_choose: str) -> None:
        ids = ", ".join(
            candidate.external_id or f"tenta student #{candidate.id} without an id"
            for candidate in candidates
        )
        super().__init__(f"{len(candidates)} students are named {name!r} (ids: {ids}); {how_to_choose}")
        self.name = name
        self.candidates = list(candidates)


_CHOOSE_BY_ID_WHEN_ADDING = (
    "give the student's id (in a submissions file a student id or e-mail column on every row; "
    "on the command line --id)"
)
_CHOOSE_BY_ID_WHEN_FINDING = "name the student by their id instead"


def open_repository(url: str, *, clock: Clock = utcnow) -> Repository:
    """Open (creating if needed) the database at `url` and migrate it to the current schema.

    `clock` stamps every row the repository writes (tests and imports of past exams pass their own)."""
    engine = _engine(url)
    name = describe_url(engine.url)
    try:
        with database_errors(name):
            migrate.upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Repository(engine, clock=clock)


def _engine(url: str) -> Engine:
    """The engine, or one line on a URL that does not parse or an SQLite folder that cannot be made (the
    URL itself is left out of the message: it may hold a password)."""
    try:
        return create_engine_for(url)
    except exc.ArgumentError as error:
        raise TentaError(
            "the database URL (TENTA_DATABASE_URL or database_url in config.toml) is not a database URL; "
            "use e.g. sqlite:////path/to/tenta.sqlite3 or postgresql://user@host/tenta"
        ) from error
    except OSError as error:
        folder = error.filename or describe_url(url)
        reason = error.strerror or error
        raise TentaError(f"{folder}: cannot create the database's folder ({reason})") from error


@contextmanager
def database_errors(name: str) -> Iterator[None]:
    """Turn driver failures (corrupt file, unreadable file, server down) into one line naming the database."""
    try:
        yield
    except (exc.IntegrityError, exc.ProgrammingError, exc.DataError):
        raise
    except exc.DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error).__name__
        raise TentaError(f"{name}: cannot use the database ({reason})") from error


class Repository:
    """Students, quiz sessions, answers, grades, overrides, review state and course documents."""

    def __init__(self, engine: Engine, *, clock: Clock = utcnow) -> None:
        self._engine = engine
        self._writer = write_engine(engine)
        self._clock = clock
        self.name = describe_url(engine.url)

    def close(self) -> None:
        self._engine.dispose()

    # ---------------------------------------------------------------- students

    def default_student(self) -> StudentRecord:
        """The local profile, created on first use."""

        def work(session: Session) -> StudentRecord:
            student = session.scalars(select(Student).where(Student.is_default.is_(True))).first()
            if student is None:
                student = session.scalars(select(Student).where(Student.name == DEFAULT_STUDENT_NAME)).first()
                if student is None:
                    student = Student(name=DEFAULT_STUDENT_NAME)
                    session.add(student)
                student.is_default = True
                session.flush()
            return _student_record(student)

        return self._write(work, retry_on_conflict=True)

    def get_or_create_student(self, name: str, external_id: str | None = None) -> StudentRecord:
        """The student this external id identifies, else the student of this name; created when missing.

        Names are not unique (two "Anna Öberg" with their own e-mails are two students). An unknown id
        is recorded on the student of that name only while that student has no id of its own (a profile
        made by name, rows from a file without ids); otherwise the id makes a new student. Without an id,
        a name that several students share is an AmbiguousStudentName error, never a silent pick."""
        clean_name = name.strip()
        if not clean_name:
            raise TentaError("a student needs a non-empty name")
        clean_id = (external_id or "").strip() or None

        def work(session: Session) -> StudentRecord:
            if clean_id is None:
                student = _only_student_named(session, clean_name, how_to_choose=_CHOOSE_BY_ID_WHEN_ADDING)
            else:
                student = _student_with_external_id(session, clean_id) or _adoptable(session, clean_name)
            if student is None:
                student = Student(name=clean_name, external_id=clean_id)
                session.add(student)
            elif student.external_id is None:
                student.external_id = clean_id
            session.flush()
            return _student_record(student)

        return self._write(work, retry_on_conflict=True)

    def find_student(self, name: str) -> StudentRecord | None:
        """The student with this external id, else the one with this name, if any (AmbiguousStudentName
        when several students share the name). A name or id typed otherwise than stored ('åsa öberg' for
        'Åsa Öberg', an NFD name from a Mac) finds the one student it can only mean, as a teacher reads
        it; stored names stay apart by case, so two students differing only in case are both named."""
        key = name.strip()

        def work(session: Session) -> StudentRecord | None:
            found = _student_with_external_id(session, key) if key else None
            if found is None and key:
                found = _only_student_named(session, key, how_to_choose=_CHOOSE_BY_ID_WHEN_FINDING)
            if found is None and key:
                found = _only_student_written_so(session, key)
            return _student_record(found) if found else None

        return self._read(work)

    def list_students(self) -> list[StudentRecord]:
        def work(session: Session) -> list[StudentRecord]:
            query = select(Student).order_by(Student.name, Student.id)
            return [_student_record(s) for s in session.scalars(query)]

        return self._read(work)

    # ---------------------------------------------------------------- extra time (accommodations)

    def set_extra_time(
        self,
        student_id: int,
        bank_id: str | None = None,
        *,
        percent: float | None = None,
        minutes: float | None = None,
    ) -> ExtraTimeRecord:
        """Give a student `percent` or `minutes` of extra time on the timed exams of `bank_id` (None: every
        bank), replacing the earlier setting of that scope. Exams already started keep their deadline."""
        check_extra_time(percent, minutes)
        scope = _extra_time_scope(bank_id)

        def work(session: Session) -> ExtraTimeRecord:
            student = _require(session, Student, student_id)
            row = session.scalars(_extra_time_query(student_id, scope)).first()
            if row is None:
                row = ExtraTime(student_id=student_id, bank_id=scope)
                session.add(row)
            row.percent, row.minutes = percent, minutes
            row.updated_at = self._clock()
            session.flush()
            return _extra_time_record(row, student.name)

        return self._write(work, retry_on_conflict=True)

    def clear_extra_time(self, student_id: int, bank_id: str | None = None) -> ExtraTimeRecord | None:
        """Remove the student's extra time of that scope (None: the every-bank setting); the removed one."""
        scope = _extra_time_scope(bank_id)

        def work(session: Session) -> ExtraTimeRecord | None:
            student = _require(session, Student, student_id)
            row = session.scalars(_extra_time_query(student_id, scope)).first()
            if row is None:
                return None
            removed = _extra_time_record(row, student.name)
            session.delete(row)
            return removed

        return self._write(work)

    def extra_time_for(self, student_id: int, bank_id: str) -> ExtraTimeRecord | None:
        """The extra time that applies to the student's exams of this bank: the bank's own setting,
        else the every-bank one, else None."""

        def work(session: Session) -> ExtraTimeRecord | None:
            rows = session.scalars(
                select(ExtraTime)
                .options(selectinload(ExtraTime.student))
                .where(
                    ExtraTime.student_id == student_id,
                    (ExtraTime.bank_id == bank_id) | ExtraTime.bank_id.is_(None),
                )
            ).all()
            chosen = min(rows, key=lambda row: row.bank_id is None, default=None)
            return _extra_time_record(chosen, chosen.student.name) if chosen else None

        return self._read(work)

    def extra_time_settings(self, student_id: int | None = None) -> list[ExtraTimeRecord]:
        """Every extra-time setting (of one student), by student name, the every-bank setting first."""

        def work(session: Session) -> list[ExtraTimeRecord]:
            query = select(ExtraTime, Student.name).join(Student, ExtraTime.student_id == Student.id)
            if student_id is not None:
                query = query.where(ExtraTime.student_id == student_id)
            records = [_extra_time_record(row, name) for row, name in session.execute(query)]
            return sorted(records, key=lambda r: (r.student_name, r.bank_id is not None, r.bank_id or ""))

        return self._read(work)

    # ---------------------------------------------------------------- quiz sessions

    def start_session(
        self,
        student_id: int,
        bank: Bank,
        questions: Sequence[Question],
        mode: str,
        *,
        deadline: datetime | None = None,
        topics: Sequence[str] = (),
    ) -> QuizSessionRecord:
        """A session asking `questions` in this order (until `deadline` when timed), chosen from `topics`
        (none: the whole bank); unfinished older sessions of the bank are abandoned."""
        if not questions:
            raise TentaError("a quiz session needs at least one question")
        question_ids = [question.id for question in questions]
        if len(set(question_ids)) != len(question_ids):
            raise TentaError("a quiz session cannot ask the same question twice")
        if not mode.strip():
            raise TentaError("a quiz session needs a mode")

        def work(session: Session) -> QuizSessionRecord:
            _require(session, Student, student_id)
            now = self._clock()
            for stale in session.scalars(_in_progress(student_id, bank.id)):
                stale.status = SessionStatus.ABANDONED.value
                stale.finished_at = now
                stale.updated_at = now
            quiz = QuizSession(
                student_id=student_id,
                bank_id=bank.id,
                bank_version=bank.version,
                mode=mode,
                status=SessionStatus.IN_PROGRESS.value,
                position=0,
                started_at=now,
                updated_at=now,
                deadline=deadline,
                topics=list(dict.fromkeys(topics)) or None,
            )
            quiz.items = [
                SessionItem(
                    position=index, question_id=question.id, snapshot=_snapshot(session, bank, question)
                )
                for index, question in enumerate(questions)
            ]
            session.add(quiz)
            session.flush()
            return _session_record(quiz)

        return self._write(work)

    def resumable_session(self, student_id: int, bank_id: str) -> QuizSessionRecord | None:
        """The unfinished session of this student and bank, to continue exactly where it stopped."""

        def work(session: Session) -> QuizSessionRecord | None:
            quiz = session.scalars(
                _in_progress(student_id, bank_id)
                .options(selectinload(QuizSession.items))
                .order_by(QuizSession.started_at.desc(), QuizSession.id.desc())
            ).first()
            return _session_record(quiz) if quiz else None

        return self._read(work)

    def get_session(self, session_id: int) -> QuizSessionRecord:
        return self._read(lambda session: _session_record(_require(session, QuizSession, session_id)))

    def set_position(self, session_id: int, position: int) -> None:
        """Remember which question is on screen (len(question_ids) means past the last one)."""

        def work(session: Session) -> None:
            quiz = _open_session(session, session_id)
            if not 0 <= position <= len(quiz.items):
                raise TentaError(f"quiz session {session_id} has no position {position}")
            quiz.position = position
            quiz.updated_at = self._clock()

        self._write(work)

    def save_draft(self, session_id: int, question_id: str, text: str) -> None:
        """Keep what the student is typing, so a crash or a closed terminal loses nothing."""

        def work(session: Session) -> None:
            quiz = _open_session(session, session_id)
            item = _item(quiz, question_id)
            item.draft = text
            item.draft_saved_at = quiz.updated_at = self._clock()

        self._write(work)

    def set_flag(self, session_id: int, question_id: str, flagged: bool) -> None:
        """Flag (or unflag) a question of an unfinished session to come back to before finishing."""

        def work(session: Session) -> None:
            quiz = _open_session(session, session_id)
            _item(quiz, question_id).flagged = flagged
            quiz.updated_at = self._clock()

        self._write(work)

    def add_time(self, session_id: int, question_id: str, seconds: float) -> None:
        """Add time spent on a question of an unfinished session to what earlier sittings stored, so a
        resumed quiz hands the answer in with the time of every sitting. The sum is taken by the database
        (one UPDATE), so two writers adding at once both count."""
        if not math.isfinite(seconds) or seconds < 0:
            raise TentaError(f"time spent must be a number of seconds, 0 or more (got {seconds})")

        def work(session: Session) -> None:
            quiz = _open_session(session, session_id)
            item = _item(quiz, question_id)
            session.execute(
                update(SessionItem)
                .where(SessionItem.id == item.id)
                .values(time_spent_s=SessionItem.time_spent_s + seconds)
            )
            quiz.updated_at = self._clock()

        self._write(work)

    def finish_session(self, session_id: int) -> QuizSessionRecord:
        return self._end_session(session_id, SessionStatus.FINISHED)

    def abandon_session(self, session_id: int) -> QuizSessionRecord:
        return self._end_session(session_id, SessionStatus.ABANDONED)

    def _end_session(self, session_id: int, status: SessionStatus) -> QuizSessionRecord:
        def work(session: Session) -> QuizSessionRecord:
            quiz = _require(session, QuizSession, session_id)
            if quiz.status == SessionStatus.IN_PROGRESS.value:
                quiz.status = status.value
                quiz.finished_at = quiz.updated_at = self._clock()
            return _session_record(quiz)

        return self._write(work)

    # ---------------------------------------------------------------- topic filters

    def topic_filter(self, student_id: int, bank_id: str) -> list[str]:
        """The topics this student restricts the bank's quizzes to; empty means every topic."""

        def work(session: Session) -> list[str]:
            row = session.get(TopicFilter, (student_id, bank_id))
            return [str(topic) for topic in row.topics] if row else []

        return self._read(work)

    def set_topic_filter(self, student_id: int, bank_id: str, topics: Sequence[str]) -> None:
        """Keep the student's topic choice for the bank (no topics: back to every topic)."""
        chosen = list(dict.fromkeys(topics))

        def work(session: Session) -> None:
            _require(session, Student, student_id)
            row = session.get(TopicFilter, (student_id, bank_id))
            if not chosen:
                if row is not None:
                    session.delete(row)
                return
            if row is None:
                row = TopicFilter(student_id=student_id, bank_id=bank_id)
                session.add(row)
            row.topics = chosen
            row.updated_at = self._clock()

        self._write(work)

    # ---------------------------------------------------------------- answers

    def submit_answer(
        self,
        student_id: int,
        bank: Bank,
        question: Question,
        text: str,
        *,
        session_id: int | None = None,
        language: str | None = None,
        time_taken_s: float | None = None,
        submitted_at: datetime | None = None,
        source: str = "quiz",
        external_key: str | None = None,
        earlier_key: str | None = None,
    ) -> AnswerRecord:
        """Store an answer and commit before returning; a repeated `external_key`, or an answer stored
        under `earlier_key` (the key the same row had before, e.g. while its time could not be read),
        returns the stored one. Outside a quiz session (a submissions file), an answer whose text is
        that of the student's attempt it would follow returns that attempt: a resubmission that changes
        nothing is not a new attempt to grade and review again, and the teacher's decision on the
        attempt stays the one the gradebook counts."""
        if time_taken_s is not None and time_taken_s < 0:
            raise TentaError("time taken cannot be negative")
        when = submitted_at or self._clock()

        def work(session: Session) -> AnswerRecord:
            for key in (external_key, earlier_key):
                existing = _answer_by_key(session, bank.id, key) if key is not None else None
                if existing is not None:
                    return _answer_record(existing)
            _require(session, Student, student_id)
            if session_id is None:
                previous = _attempt_before(session, student_id, bank.id, question.id, when)
                if previous is not None and same_answer_text(previous.text, text):
                    return _answer_record(previous)
            item = None
            if session_id is not None:
                item = _item(_open_session(session, session_id), question.id)
            answer = Answer(
                student_id=student_id,
                session_id=session_id,
                snapshot=item.snapshot if item else _snapshot(session, bank, question),
                bank_id=bank.id,
                question_id=question.id,
                text=text,
                language=language,
                time_taken_s=time_taken_s,
                submitted_at=when,
                source=source,
                external_key=external_key,
            )
            session.add(answer)
            session.flush()
            if item is not None:
                item.answer_id = answer.id
                item.draft = None
                item.session.updated_at = self._clock()
            _audit(session, answer.id, AuditKind.SUBMITTED, source, {"length": len(text)})
            return _answer_record(answer)

        try:
            return self._write(work)
        except exc.IntegrityError:
            if external_key is None:
                raise
            # Another writer stored the same external key between our look-up and insert.
            return self._read(
                lambda session: _answer_record(_answer_by_key_or_fail(session, bank.id, external_key))
            )

    def ungraded_answers(self, bank_id: str | None = None) -> list[AnswerRecord]:
        """Answers waiting for the grader: never graded, or a regrade was requested since the last grade."""

        def work(session: Session) -> list[AnswerRecord]:
            graded = select(GradeRow.answer_id)
            query = _answers_query().where(Answer.id.not_in(graded) | Answer.regrade_pending.is_(True))
            if bank_id is not None:
                query = query.where(Answer.bank_id == bank_id)
            return [_answer_record(answer) for answer in session.scalars(query.order_by(Answer.id))]

        return self._read(work)

    def get_answer(self, answer_id: int) -> AnswerDetail:
        return self._read(lambda session: _details(session, [_require(session, Answer, answer_id)])[0])

    def answer_history(
        self,
        student_id: int | None = None,
        bank_id: str | None = None,
        *,
        question_id: str | None = None,
        topic: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[AnswerDetail]:
        """Every answer matching the filters, newest first (topic matches the snapshot's topics)."""

        def work(session: Session) -> list[AnswerDetail]:
            query = _answers_query()
            if student_id is not None:
                query = query.where(Answer.student_id == student_id)
            if bank_id is not None:
                query = query.where(Answer.bank_id == bank_id)
            if question_id is not None:
                query = query.where(Answer.question_id == question_id)
            if since is not None:
                query = query.where(Answer.submitted_at >= since)
            if until is not None:
                query = query.where(Answer.submitted_at < until)
            answers = list(session.scalars(query.order_by(Answer.submitted_at.desc(), Answer.id.desc())))
            if topic is not None:
                wanted = topic.casefold()
                answers = [a for a in answers if wanted in (str(t).casefold() for t in a.snapshot.topics)]
            return _details(session, answers)

        return self._read(work)

    # ---------------------------------------------------------------- grades and overrides

    def save_grade(self, answer_id: int, grade: NewGrade) -> GradeRecord:
        """Add an automatic grade (one row, one transaction); earlier grades stay in the history, and
        the audit names a second grading 'regraded', with the score it had before."""

        def work(session: Session) -> GradeRecord:
            answer = _require(session, Answer, answer_id)
            previous = session.scalars(
                select(GradeRow).where(GradeRow.answer_id == answer_id).order_by(GradeRow.id.desc()).limit(1)
            ).first()
            row = GradeRow(answer_id=answer_id, **grade.model_dump())
            session.add(row)
            answer.regrade_pending = False
            session.flush()
            detail: dict[str, Any] = {
                "grade_id": row.id,
                "score": grade.score,
                "max_points": grade.max_points,
                "needs_review": grade.needs_review,
            }
            kind = AuditKind.GRADED
            if previous is not None:
                kind = AuditKind.REGRADED
                detail["previous_score"] = previous.score
            _audit(session, answer_id, kind, f"{grade.grader_version} / {grade.model_id}", detail)
            return _grade_record(row)

        return self._write(work)

    def request_regrade(self, answer_id: int, reason: str, *, requested_by: str = "student") -> None:
        """Ask for the answer to be graded again and looked at by a teacher."""

        def work(session: Session) -> None:
            answer = _require(session, Answer, answer_id)
            answer.regrade_pending = True
            answer.regrade_requested = True
            answer.regrade_reason = reason
            _audit(session, answer_id, AuditKind.REGRADE_REQUESTED, requested_by, {"reason": reason})

        self._write(work)

    def add_override(
        self,
        answer_id: int,
        score: float,
        comment: str,
        teacher: str,
        *,
        point_credits: Mapping[str, float] | None = None,
        group_key: str | None = None,
    ) -> OverrideRecord:
        """A teacher's score; it is the final score from now on, whatever later regrades say.

        `point_credits` are the teacher's key-point decisions (point id → credit 0..1) behind the
        score; every id must be a key point of the question as the answer was asked it. `group_key`
        names the answer group whose decision this is (None: decided for this answer alone).
        """
        if not teacher.strip():
            raise TentaError("an override needs the teacher's name")

        def work(session: Session) -> OverrideRecord:
            answer = _require(session, Answer, answer_id)
            maximum = answer.snapshot.max_points
            if not 0.0 <= score <= maximum:
                raise TentaError(f"answer {answer_id}: override score {score:g} is outside 0-{maximum:g}")
            question = Question.model_validate(answer.snapshot.question_json)
            decisions = check_point_credits(answer_id, question, point_credits or {})
            before = _details(session, [answer])[0].final_score
            row = Override(
                answer_id=answer_id,
                score=score,
                comment=comment,
                teacher=teacher.strip(),
                point_credits=decisions or None,
                group_key=group_key,
            )
            session.add(row)
            answer.regrade_requested = False
            session.flush()
            detail: dict[str, Any] = {
                "override_id": row.id,
                "score": score,
                "previous_score": before,
                "comment": comment,
            }
            if decisions:
                detail["point_credits"] = decisions
            if group_key is not None:
                detail["group"] = group_key
            _audit(session, answer_id, AuditKind.OVERRIDDEN, row.teacher, detail)
            return _override_record(row)

        return self._write(work)

    # ---------------------------------------------------------------- answer groups

    def group_layout(self, bank_id: str, question_id: str) -> GroupLayout:
        """The pins and confirmations a teacher made to one question's answer groups."""

        def work(session: Session) -> GroupLayout:
            pins = session.scalars(
                select(GroupPin)
                .join(Answer, Answer.id == GroupPin.answer_id)
                .where(Answer.bank_id == bank_id, Answer.question_id == question_id)
                .order_by(GroupPin.answer_id)
            )
            confirmations = session.scalars(
                select(GroupConfirmation)
                .where(GroupConfirmation.bank_id == bank_id, GroupConfirmation.question_id == question_id)
                .order_by(GroupConfirmation.group_key)
            )
            return GroupLayout(
                pins=[
                    GroupPinRecord(
                        answer_id=pin.answer_id,
                        group_key=pin.group_key,
                        pinned_by=pin.pinned_by,
                        created_at=pin.created_at,
                    )
                    for pin in pins
                ],
                confirmations=[
                    GroupConfirmationRecord(
                        group_key=row.group_key,
                        last_answer_id=row.last_answer_id,
                        confirmed_by=row.confirmed_by,
                        created_at=row.created_at,
                    )
                    for row in confirmations
                ],
            )

        return self._read(work)

    def save_group_layout(
        self,
        bank_id: str,
        question_id: str,
        *,
        teacher: str,
        pins: Mapping[int, str] | None = None,
        confirm: Mapping[str, int] | None = None,
        unconfirm: Sequence[str] = (),
        events: Sequence[NewAuditEvent] = (),
    ) -> GroupLayout:
        """One teacher's change to the groups, in one transaction: `pins` (answer id → group key) place
        answers, `confirm` (group key → last answer id seen) marks groups reviewed, `unconfirm` drops that.

        Every pinned answer must be an answer to the question, else nothing changes. `events` go to the
        answers' audit trails in the same transaction, with the teacher as actor.
        """
        if not teacher.strip():
            raise TentaError("changing answer groups needs the teacher's name")

        def work(session: Session) -> None:
            for answer_id, group_key in (pins or {}).items():
                answer = _require(session, Answer, answer_id)
                if (answer.bank_id, answer.question_id) != (bank_id, question_id):
                    raise TentaError(
                        f"answer {answer_id} is an answer to {answer.bank_id}/{answer.question_id}, "
                        f"not to {bank_id}/{question_id}"
                    )
                pin = session.get(GroupPin, answer_id)
                if pin is None:
                    session.add(GroupPin(answer_id=answer_id, group_key=group_key, pinned_by=teacher.strip()))
                else:
                    pin.group_key, pin.pinned_by = group_key, teacher.strip()
            keys = [*unconfirm, *(confirm or {})]
            for row in session.scalars(
                select(GroupConfirmation).where(
                    GroupConfirmation.bank_id == bank_id,
                    GroupConfirmation.question_id == question_id,
                    GroupConfirmation.group_key.in_(keys),
                )
            ):
                session.delete(row)
            session.flush()
            for group_key, last_answer_id in (confirm or {}).items():
                session.add(
                    GroupConfirmation(
                        bank_id=bank_id,
                        question_id=question_id,
                        group_key=group_key,
                        last_answer_id=last_answer_id,
                        confirmed_by=teacher.strip(),
                    )
                )
            for entry in events:
                _require(session, Answer, entry.answer_id)
                _audit(session, entry.answer_id, entry.kind, teacher.strip(), entry.detail)

        self._write(work)
        return self.group_layout(bank_id, question_id)

    def review_queue(self, bank_id: str | None = None) -> list[AnswerDetail]:
        """Answers a teacher should look at: uncertain grades not yet overridden, and regrade requests.
        An uncertain grade of an attempt the same student answered again later is left out: the
        gradebook counts the latest answer only (a regrade request stays, the student asked for it)."""

        def work(session: Session) -> list[AnswerDetail]:
            flagged = select(GradeRow.answer_id).where(GradeRow.needs_review.is_(True))
            query = _answers_query().where(Answer.id.in_(flagged) | Answer.regrade_requested.is_(True))
            if bank_id is not None:
                query = query.where(Answer.bank_id == bank_id)
            details = _details(session, list(session.scalars(query.order_by(Answer.submitted_at, Answer.id))))
            latest = _latest_answer_ids(session, [detail.answer for detail in details])
            return [
                detail for detail in details if detail.in_review_queue(counted=detail.answer.id in latest)
            ]

        return self._read(work)

    def audit_trail(self, answer_id: int) -> list[AuditEvent]:
        """Every submission, grade, regrade request and override of the answer, oldest first."""

        def work(session: Session) -> list[AuditEvent]:
            _require(session, Answer, answer_id)
            rows = session.scalars(
                select(AuditRow).where(AuditRow.answer_id == answer_id).order_by(AuditRow.id)
            )
            return [
                AuditEvent(
                    id=row.id,
                    answer_id=row.answer_id,
                    kind=AuditKind(row.kind),
                    actor=row.actor,
                    at=row.created_at,
                    detail=row.detail,
                )
                for row in rows
            ]

        return self._read(work)

    # ---------------------------------------------------------------- history and statistics

    def history(
        self,
        student_id: int | None = None,
        bank_id: str | None = None,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[SessionSummary]:
        """Quiz sessions with their scores, newest first."""

        def work(session: Session) -> list[SessionSummary]:
            query = select(QuizSession).options(
                selectinload(QuizSession.items).selectinload(SessionItem.snapshot),
                selectinload(QuizSession.student),
            )
            if student_id is not None:
                query = query.where(QuizSession.student_id == student_id)
            if bank_id is not None:
                query = query.where(QuizSession.bank_id == bank_id)
            if since is not None:
                query = query.where(QuizSession.started_at >= since)
            if until is not None:
                query = query.where(QuizSession.started_at < until)
            quizzes = list(
                session.scalars(query.order_by(QuizSession.started_at.desc(), QuizSession.id.desc()))
            )
            answer_ids = [item.answer_id for quiz in quizzes for item in quiz.items if item.answer_id]
            details = _details_by_id(session, answer_ids)
            return [_summary(quiz, details) for quiz in quizzes]

        return self._read(work)

    def session_detail(self, session_id: int) -> SessionDetail:
        """A session with each question, the answer given, its grades and feedback."""

        def work(session: Session) -> SessionDetail:
            quiz = _require(session, QuizSession, session_id)
            details = _details_by_id(session, [item.answer_id for item in quiz.items if item.answer_id])
            items = [
                SessionItemDetail(
                    position=item.position,
                    question_id=item.question_id,
                    prompt=item.snapshot.prompt,
                    max_points=item.snapshot.max_points,
                    draft=item.draft,
                    answer=details.get(item.answer_id) if item.answer_id else None,
                    flagged=item.flagged,
                )
                for item in quiz.items
            ]
            return SessionDetail(summary=_summary(quiz, details), items=items)

        return self._read(work)

    def question_statistics(self, bank_id: str) -> list[QuestionStats]:
        """Attempts, mean, facility and upper-lower 27 % discrimination per question (see QuestionStats).
        Answers waiting for the teacher (AnswerDetail.waits_for_teacher: an uncertain grade, a regrade
        request) are counted on the attempt the gradebook counts, the ones whose grade it holds."""
        details = self.answer_history(bank_id=bank_id)
        graded = [d for d in details if d.final_score is not None]
        latest = latest_per_student_question(graded)
        counted = latest_per_student_question(details).values()
        student_means = _student_mean_fractions(latest)
        upper, lower = _extreme_groups(student_means)
        by_question: dict[str, list[AnswerDetail]] = defaultdict(list)
        for detail in graded:
            by_question[detail.answer.question_id].append(detail)
        stats = []
        for question_id, reference in _question_order(details).items():
            attempts = by_question.get(question_id, [])
            fractions = {
                student: _fraction(detail)
                for (student, question), detail in latest.items()
                if question == question_id
            }
            discrimination = None
            if upper and lower:
                high = [fractions[s] for s in upper if s in fractions]
                low = [fractions[s] for s in lower if s in fractions]
                if high and low:
                    discrimination = sum(high) / len(high) - sum(low) / len(low)
            stats.append(
                QuestionStats(
                    question_id=question_id,
                    prompt=reference.prompt,
                    attempts=len(attempts),
                    students=len(fractions),
                    mean_score=_mean([d.final_score for d in attempts if d.final_score is not None]),
                    max_points=reference.max_points,
                    facility=_mean([_fraction(d) for d in attempts]),
                    discrimination=discrimination,
                    needs_review=sum(
                        1 for d in counted if d.answer.question_id == question_id and d.waits_for_teacher
                    ),
                )
            )
        return stats

    def gradebook(self, bank_id: str) -> Gradebook:
        """Students × questions: the final score of each student's latest answer, and the total."""
        details = self.answer_history(bank_id=bank_id)
        questions = _question_order(details)
        max_points = {question_id: detail.max_points for question_id, detail in questions.items()}
        latest = latest_per_student_question(details)
        students: dict[int, AnswerDetail] = {}
        for (student_id, _question), detail in latest.items():
            students.setdefault(student_id, detail)
        names = {student.id: student for student in self.list_students()}
        rows = []
        for student_id in sorted(students, key=lambda sid: _student_order(names[sid])):
            answered = {
                question_id: latest[(student_id, question_id)]
                for question_id in questions
                if (student_id, question_id) in latest
            }
            scores = {
                question_id: answered[question_id].final_score if question_id in answered else None
                for question_id in questions
            }
            rows.append(
                GradebookRow(
                    student_id=student_id,
                    student_name=names[student_id].name,
                    external_id=names[student_id].external_id,
                    scores=scores,
                    total=sum(score for score in scores.values() if score is not None),
                    max_total=sum(max_points.values()),
                    pending=[question_id for question_id in answered if scores[question_id] is None],
                    comments=_override_comments(answered),
                )
            )
        return Gradebook(bank_id=bank_id, question_ids=list(questions), max_points=max_points, rows=rows)

    def answers_for_export(self, bank_id: str) -> list[ExportRow]:
        """Every answer of the bank with auto, override and final scores, oldest first."""
        external_ids = {student.id: student.external_id for student in self.list_students()}
        rows = []
        for detail in reversed(self.answer_history(bank_id=bank_id)):
            grade, override = detail.latest_grade, detail.latest_override
            rows.append(
                ExportRow(
                    answer_id=detail.answer.id,
                    student_id=detail.answer.student_id,
                    student_name=detail.answer.student_name,
                    student_external_id=external_ids.get(detail.answer.student_id),
                    bank_id=detail.answer.bank_id,
                    question_id=detail.answer.question_id,
                    submitted_at=detail.answer.submitted_at,
                    language=detail.answer.language,
                    text=detail.answer.text,
                    auto_score=grade.score if grade else None,
                    override_score=override.score if override else None,
                    final_score=detail.final_score,
                    max_points=detail.max_points,
                    needs_review=detail.needs_review,
                    feedback=grade.feedback if grade else "",
                    teacher_comment=override.comment if override else None,
                    grader_version=grade.grader_version if grade else None,
                    model_id=grade.model_id if grade else None,
                )
            )
        return rows

    # ---------------------------------------------------------------- spaced repetition

    def get_review_card(self, student_id: int, bank_id: str, question_id: str) -> ReviewCardRecord | None:
        def work(session: Session) -> ReviewCardRecord | None:
            card = _card(session, student_id, bank_id, question_id)
            return _card_record(card) if card else None

        return self._read(work)

    def save_review_card(
        self,
        record: ReviewCardRecord,
        log_entry: ReviewLogEntry | None = None,
        *,
        suspend_as_leech: bool = False,
    ) -> ReviewCardRecord:
        """Store a card's new FSRS state and, in the same transaction, the review that produced it (and,
        with `suspend_as_leech`, the question's suspension as a leech)."""

        def work(session: Session) -> ReviewCardRecord:
            card = _card(session, record.student_id, record.bank_id, record.question_id)
            if card is None:
                _require(session, Student, record.student_id)
                card = ReviewCard(
                    student_id=record.student_id, bank_id=record.bank_id, question_id=record.question_id
                )
                session.add(card)
            for field in (
                "state",
                "step",
                "stability",
                "difficulty",
                "due",
                "last_review",
                "lapses",
                "leech",
            ):
                setattr(card, field, getattr(record, field))
            session.flush()
            if log_entry is not None:
                session.add(ReviewLogRow(card_id=card.id, **log_entry.model_dump()))
            if suspend_as_leech:
                self._suspend(
                    session, record.student_id, record.bank_id, record.question_id, SuspensionReason.LEECH
                )
            return _card_record(card)

        return self._write(work, retry_on_conflict=True)

    def due_cards(self, student_id: int, bank_id: str, now: datetime) -> list[ReviewCardRecord]:
        """Cards due at `now`, most overdue first."""

        def work(session: Session) -> list[ReviewCardRecord]:
            query = (
                _cards(student_id, bank_id)
                .where(ReviewCard.due <= now)
                .order_by(ReviewCard.due, ReviewCard.id)
            )
            return [_card_record(card) for card in session.scalars(query)]

        return self._read(work)

    def review_cards(self, student_id: int, bank_id: str) -> list[ReviewCardRecord]:
        def work(session: Session) -> list[ReviewCardRecord]:
            query = _cards(student_id, bank_id).order_by(ReviewCard.due, ReviewCard.id)
            return [_card_record(card) for card in session.scalars(query)]

        return self._read(work)

    def review_logs(self, student_id: int, bank_id: str) -> list[ReviewLogRecord]:
        """Every review of the student's cards in the bank, oldest first (input for the FSRS optimizer)."""

        def work(session: Session) -> list[ReviewLogRecord]:
            query = (
                select(ReviewLogRow, ReviewCard.question_id)
                .join(ReviewCard, ReviewLogRow.card_id == ReviewCard.id)
                .where(ReviewCard.student_id == student_id, ReviewCard.bank_id == bank_id)
                .order_by(ReviewLogRow.reviewed_at, ReviewLogRow.id)
            )
            return [
                ReviewLogRecord(
                    id=log.id,
                    card_id=log.card_id,
                    question_id=question_id,
                    rating=log.rating,
                    reviewed_at=log.reviewed_at,
                    duration_ms=log.duration_ms,
                    answer_id=log.answer_id,
                )
                for log, question_id in session.execute(query)
            ]

        return self._read(work)

    # ---------------------------------------------------------------- suspended questions

    def suspend_question(
        self,
        student_id: int,
        bank_id: str,
        question_id: str,
        reason: SuspensionReason = SuspensionReason.MANUAL,
    ) -> SuspensionRecord:
        """Keep the question out of the student's practice, due today and weakest first until
        unsuspended; suspending a suspended question keeps its first suspension."""

        def work(session: Session) -> SuspensionRecord:
            _require(session, Student, student_id)
            return _suspension_record(self._suspend(session, student_id, bank_id, question_id, reason))

        return self._write(work, retry_on_conflict=True)

    def unsuspend_question(self, student_id: int, bank_id: str, question_id: str) -> SuspensionRecord | None:
        """Let the question come up again; the suspension removed, or None when it was not suspended."""

        def work(session: Session) -> SuspensionRecord | None:
            row = session.get(Suspension, (student_id, bank_id, question_id))
            if row is None:
                return None
            removed = _suspension_record(row)
            session.delete(row)
            return removed

        return self._write(work)

    def suspended_questions(self, student_id: int, bank_id: str) -> list[SuspensionRecord]:
        """The student's suspended questions of the bank, oldest suspension first."""

        def work(session: Session) -> list[SuspensionRecord]:
            query = (
                select(Suspension)
                .where(Suspension.student_id == student_id, Suspension.bank_id == bank_id)
                .order_by(Suspension.suspended_at, Suspension.question_id)
            )
            return [_suspension_record(row) for row in session.scalars(query)]

        return self._read(work)

    def _suspend(
        self, session: Session, student_id: int, bank_id: str, question_id: str, reason: SuspensionReason
    ) -> Suspension:
        if not question_id.strip():
            raise TentaError("suspending a question needs the question's id")
        row = session.get(Suspension, (student_id, bank_id, question_id))
        if row is None:
            row = Suspension(
                student_id=student_id,
                bank_id=bank_id,
                question_id=question_id,
                reason=reason.value,
                suspended_at=self._clock(),
            )
            session.add(row)
            session.flush()
        return row

    # ---------------------------------------------------------------- course material

    def register_document(self, path: str, content_hash: str, chunks: Sequence[tuple[int, str]]) -> int:
        """Record a course document and its chunks; an unchanged hash keeps the stored chunks."""

        def work(session: Session) -> int:
            document = session.scalars(select(Document).where(Document.path == path)).first()
            if document is not None and document.content_hash == content_hash:
                return document.id
            if document is None:
                document = Document(path=path, content_hash=content_hash)
                session.add(document)
            else:
                document.content_hash = content_hash
                document.registered_at = self._clock()
                document.chunks.clear()
                session.flush()
            document.chunks.extend(DocumentChunk(position=position, text=text) for position, text in chunks)
            session.flush()
            return document.id

        return self._write(work, retry_on_conflict=True)

    def remove_document(self, path: str) -> bool:
        def work(session: Session) -> bool:
            document = session.scalars(select(Document).where(Document.path == path)).first()
            if document is None:
                return False
            session.delete(document)
            return True

        return self._write(work)

    def documents(self) -> list[DocumentRecord]:
        def work(session: Session) -> list[DocumentRecord]:
            query = select(Document).options(selectinload(Document.chunks)).order_by(Document.path)
            return [
                DocumentRecord(
                    id=document.id,
                    path=document.path,
                    content_hash=document.content_hash,
                    chunk_count=len(document.chunks),
                    registered_at=document.registered_at,
                )
                for document in session.scalars(query)
            ]

        return self._read(work)

    def document_chunks(self) -> list[DocumentChunkRecord]:
        """Every registered chunk, by document path and position: enough to rebuild the faiss index."""

        def work(session: Session) -> list[DocumentChunkRecord]:
            query = (
                select(DocumentChunk, Document.path)
                .join(Document, DocumentChunk.document_id == Document.id)
                .order_by(Document.path, DocumentChunk.position)
            )
            return [
                DocumentChunkRecord(
                    document_id=chunk.document_id, path=path, position=chunk.position, text=chunk.text
                )
                for chunk, path in session.execute(query)
            ]

        return self._read(work)

    # ---------------------------------------------------------------- shared secrets

    def shared_secret(self, name: str, make: Callable[[], str]) -> str:
        """The secret stored under `name`, storing `make()` first when there is none yet.

        Every process on this database gets the same value: when two store one at the same moment,
        one insert wins, the other hits the primary key and both return the winner's value."""
        stored = self._read(lambda session: _secret(session, name))
        if stored is not None:
            return stored
        proposed = make()
        with suppress(exc.IntegrityError):  # stored by another process since we looked: theirs wins
            self._write(lambda session: session.add(AppSecret(name=name, value=proposed)))
        stored = self._read(lambda session: _secret(session, name))
        if stored is None:
            raise TentaError(f"{self.name}: the shared secret {name!r} vanished right after it was stored")
        return stored

    # ---------------------------------------------------------------- transactions

    def _stamp_new_rows(self, session: Session, _context: object, _instances: object) -> None:
        """Give new rows the repository's time where their column would default to the wall clock."""
        now: datetime | None = None
        for row in session.new:
            for column in row.__table__.columns:
                default = getattr(column.default, "arg", None)
                if getattr(default, "__wrapped__", None) is utcnow and getattr(row, column.key) is None:
                    now = now or self._clock()
                    setattr(row, column.key, now)

    def _read(self, work: Callable[[Session], T]) -> T:
        with database_errors(self.name), Session(self._engine, expire_on_commit=False) as session:
            return work(session)

    def _write(self, work: Callable[[Session], T], *, retry_on_conflict: bool = False) -> T:
        """Run `work` in one write transaction, retrying when another writer holds the lock too long.

        With `retry_on_conflict`, a unique-constraint clash (a concurrent writer created the same row
        first, possible on PostgreSQL) is retried once, and the retry finds that row.
        """
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                with database_errors(self.name), Session(self._writer, expire_on_commit=False) as session:
                    event.listen(session, "before_flush", self._stamp_new_rows)
                    result = work(session)
                    session.commit()
                    return result
            except exc.IntegrityError:
                if retry_on_conflict and attempt == 0:
                    continue
                raise
            except TentaError as error:
                if attempt + 1 < _WRITE_ATTEMPTS and _is_contention(error.__cause__):
                    time.sleep(0.05 * 2**attempt)
                    continue
                raise
        raise AssertionError("unreachable")

    def withdraw_overrides(
        self, withdrawn: Mapping[int, Sequence[int]], teacher: str, detail: Mapping[str, Any]
    ) -> list[AnswerDetail]:
        """Withdraw overrides (answer id → its override ids), one transaction: the rows go, so each final
        score falls back to the answer's remaining override or its auto grade, and every answer's audit
        trail gets a GROUP_RELEASED entry naming what was withdrawn (score, teacher, comment, group).

        An override id that is not the answer's changes nothing. Returns the answers as they are now.
        """
        if not teacher.strip():
            raise TentaError("releasing a decision needs the teacher's name")

        def work(session: Session) -> list[AnswerDetail]:
            answers = []
            for answer_id, override_ids in withdrawn.items():
                answer = _require(session, Answer, answer_id)
                before = _details(session, [answer])[0].final_score
                rows = list(
                    session.scalars(
                        select(Override)
                        .where(Override.answer_id == answer_id, Override.id.in_(list(override_ids)))
                        .order_by(Override.id)
                    )
                )
                if len(rows) != len(set(override_ids)):
                    raise TentaError(f"answer {answer_id}: an override to withdraw is not this answer's")
                removed = [
                    {
                        "override_id": row.id,
                        "score": row.score,
                        "teacher": row.teacher,
                        "comment": row.comment,
                        "group": row.group_key,
                    }
                    for row in rows
                ]
                for row in rows:
                    session.delete(row)
                session.flush()
                answers.append(answer)
                after = _details(session, [answer])[0].final_score
                _audit(
                    session,
                    answer_id,
                    AuditKind.GROUP_RELEASED,
                    teacher.strip(),
                    {**detail, "score": after, "previous_score": before, "withdrawn": removed},
                )
            return _details(session, answers)

        return self._write(work)


# -------------------------------------------------------------------- helpers (rows → records)


def _is_contention(error: BaseException | None) -> bool:
    if not isinstance(error, exc.OperationalError):
        return False
    message = str(error.orig).lower()
    sqlstate = getattr(error.orig, "sqlstate", None)
    return "database is locked" in message or "database is busy" in message or sqlstate in ("40001", "40P01")


def _secret(session: Session, name: str) -> str | None:
    return session.scalar(select(AppSecret.value).where(AppSecret.name == name))


ModelT = TypeVar("ModelT", Student, QuizSession, Answer)


def _require(session: Session, model: type[ModelT], row_id: int) -> ModelT:
    row = session.get(model, row_id)
    if row is None:
        label = {Student: "student", QuizSession: "quiz session", Answer: "answer"}[model]
        raise RecordNotFound(f"no {label} with id {row_id}")
    return row


def _open_session(session: Session, session_id: int) -> QuizSession:
    quiz = _require(session, QuizSession, session_id)
    if quiz.status != SessionStatus.IN_PROGRESS.value:
        raise TentaError(f"quiz session {session_id} is {quiz.status}; start a new one")
    return quiz


def _item(quiz: QuizSession, question_id: str) -> SessionItem:
    for item in quiz.items:
        if item.question_id == question_id:
            return item
    raise TentaError(f"quiz session {quiz.id} does not ask question {question_id!r}")


def _in_progress(student_id: int, bank_id: str) -> Select[QuizSession]:
    return select(QuizSession).where(
        QuizSession.student_id == student_id,
        QuizSession.bank_id == bank_id,
        QuizSession.status == SessionStatus.IN_PROGRESS.value,
    )


def _answers_query() -> Select[Answer]:
    return select(Answer).options(selectinload(Answer.student), selectinload(Answer.snapshot))


def _answer_by_key(session: Session, bank_id: str, external_key: str) -> Answer | None:
    return session.scalars(
        _answers_query().where(Answer.bank_id == bank_id, Answer.external_key == external_key)
    ).first()


def _attempt_before(
    session: Session, student_id: int, bank_id: str, question_id: str, when: datetime
) -> Answer | None:
    """The student's attempt at the question that an answer submitted at `when` would follow: the
    latest submitted at or before it (in the order latest_per_student_question takes)."""
    return session.scalars(
        _answers_query()
        .where(
            Answer.student_id == student_id,
            Answer.bank_id == bank_id,
            Answer.question_id == question_id,
            Answer.submitted_at <= when,
        )
        .order_by(Answer.submitted_at.desc(), Answer.id.desc())
        .limit(1)
    ).first()


def same_answer_text(stored: str, submitted: str) -> bool:
    """Whether two answers say the same: equal but for line endings and surrounding white space (a form
    export and a spreadsheet save write the same answer with different ones)."""

    def plain(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()

    return plain(stored) == plain(submitted)


def _answer_by_key_or_fail(session: Session, bank_id: str, external_key: str) -> Answer:
    answer = _answer_by_key(session, bank_id, external_key)
    if answer is None:
        raise TentaError(f"bank {bank_id}: answer {external_key!r} could not be stored")
    return answer


def _snapshot(session: Session, bank: Bank, question: Question) -> QuestionSnapshot:
    """The stored snapshot of the question as written now, created the first time it is asked."""
    content_hash = question.content_hash()
    query = select(QuestionSnapshot).where(
        QuestionSnapshot.bank_id == bank.id,
        QuestionSnapshot.question_id == question.id,
        QuestionSnapshot.content_hash == content_hash,
    )
    found = session.scalars(query).first()
    if found is not None:
        return found
    main_language = bank.languages[0]
    snapshot = QuestionSnapshot(
        bank_id=bank.id,
        bank_version=bank.version,
        question_id=question.id,
        number=question.number,
        content_hash=content_hash,
        question_type=question.type.value,
        prompt=question.prompt_in(main_language),
        reference_answer=question.reference_in(main_language),
        rubric=[point.model_dump(mode="json") for point in question.rubric],
        topics=list(question.topics),
        max_points=question.max_points,
        question_json=question.model_dump(mode="json"),
    )
    try:
        with session.begin_nested():
            session.add(snapshot)
    except exc.IntegrityError:
        # A concurrent writer (PostgreSQL) stored the same snapshot first.
        return session.scalars(query).one()
    return snapshot


def _audit(session: Session, answer_id: int, kind: AuditKind, actor: str, detail: dict[str, Any]) -> None:
    session.add(AuditRow(answer_id=answer_id, kind=kind.value, actor=actor, detail=detail))


def _students_named(session: Session, name: str, *conditions: ColumnElement[bool]) -> list[Student]:
    """Students with exactly this name, by id. Case and Unicode composition count, as they always have
    (an NFD "Öberg" from a Mac file is another name than an NFC one); only surrounding space is trimmed."""
    query = select(Student).where(Student.name == name, *conditions).order_by(Student.id)
    return list(session.scalars(query))


def _student_with_external_id(session: Session, external_id: str) -> Student | None:
    return session.scalars(select(Student).where(Student.external_id == external_id)).first()


def _adoptable(session: Session, name: str) -> Student | None:
    """The student of this name who has no external id yet (a profile made by name), to take a new id;
    there is at most one (the partial unique index on students.name)."""
    without_id = _students_named(session, name, Student.external_id.is_(None))
    return without_id[0] if without_id else None


def _only_student_named(session: Session, name: str, *, how_to_choose: str) -> Student | None:
    named = _students_named(session, name)
    if len(named) > 1:
        raise AmbiguousStudentName(name, [_student_record(student) for student in named], how_to_choose)
    return named[0] if named else None


def _only_student_written_so(session: Session, typed: str) -> Student | None:
    """The student whose external id, else whose name, reads as `typed` up to case and Unicode
    composition; AmbiguousStudentName when several names do."""
    wanted = _as_typed(typed)
    students = list(session.scalars(select(Student).order_by(Student.id)))
    by_id = [
        student for student in students if student.external_id and _as_typed(student.external_id) == wanted
    ]
    if len(by_id) == 1:
        return by_id[0]
    named = [student for student in students if _as_typed(student.name) == wanted]
    if len(named) > 1:
        candidates = [_student_record(student) for student in named]
        raise AmbiguousStudentName(typed, candidates, _CHOOSE_BY_ID_WHEN_FINDING)
    return named[0] if named else None


def _as_typed(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _student_order(student: StudentRecord) -> tuple[str, str, int]:
    """Alphabetical, case-insensitive; students sharing a name in the order of their external ids."""
    return student.name.casefold(), student.external_id or "", student.id


def _student_record(student: Student) -> StudentRecord:
    return StudentRecord(
        id=student.id,
        name=student.name,
        external_id=student.external_id,
        is_default=student.is_default,
        created_at=student.created_at,
    )


def _extra_time_scope(bank_id: str | None) -> str | None:
    if bank_id is None:
        return None
    if not bank_id.strip():
        raise TentaError("extra time for a bank needs the bank's id (leave it out for every bank)")
    return bank_id.strip()


def _extra_time_query(student_id: int, bank_id: str | None) -> Select[ExtraTime]:
    same_scope = ExtraTime.bank_id.is_(None) if bank_id is None else ExtraTime.bank_id == bank_id
    return select(ExtraTime).where(ExtraTime.student_id == student_id, same_scope)


def _extra_time_record(row: ExtraTime, student_name: str) -> ExtraTimeRecord:
    return ExtraTimeRecord(
        student_id=row.student_id,
        student_name=student_name,
        bank_id=row.bank_id,
        percent=row.percent,
        minutes=row.minutes,
        updated_at=row.updated_at,
    )


def _session_record(quiz: QuizSession) -> QuizSessionRecord:
    return QuizSessionRecord(
        id=quiz.id,
        student_id=quiz.student_id,
        bank_id=quiz.bank_id,
        bank_version=quiz.bank_version,
        mode=quiz.mode,
        status=SessionStatus(quiz.status),
        position=quiz.position,
        started_at=quiz.started_at,
        finished_at=quiz.finished_at,
        deadline=quiz.deadline,
        question_ids=[item.question_id for item in quiz.items],
        topics=[str(topic) for topic in quiz.topics or []],
        drafts={item.question_id: item.draft for item in quiz.items if item.draft is not None},
        answer_ids={item.question_id: item.answer_id for item in quiz.items if item.answer_id is not None},
        flagged=[item.question_id for item in quiz.items if item.flagged],
        time_spent={item.question_id: item.time_spent_s for item in quiz.items if item.time_spent_s},
    )


def _answer_record(answer: Answer) -> AnswerRecord:
    return AnswerRecord(
        id=answer.id,
        student_id=answer.student_id,
        student_name=answer.student.name,
        session_id=answer.session_id,
        bank_id=answer.bank_id,
        question_id=answer.question_id,
        snapshot_id=answer.snapshot_id,
        content_hash=answer.snapshot.content_hash,
        text=answer.text,
        language=answer.language,
        time_taken_s=answer.time_taken_s,
        submitted_at=answer.submitted_at,
        source=answer.source,
        external_key=answer.external_key,
    )


def _grade_record(row: GradeRow) -> GradeRecord:
    return GradeRecord(
        id=row.id,
        answer_id=row.answer_id,
        score=row.score,
        max_points=row.max_points,
        points=row.points,
        feedback=row.feedback,
        confidence=row.confidence,
        needs_review=row.needs_review,
        flags=row.flags,
        language=row.language,
        grader_version=row.grader_version,
        model_id=row.model_id,
        created_at=row.created_at,
    )


def _override_record(row: Override) -> OverrideRecord:
    return OverrideRecord(
        id=row.id,
        answer_id=row.answer_id,
        score=row.score,
        comment=row.comment,
        teacher=row.teacher,
        created_at=row.created_at,
        point_credits=row.point_credits or {},
        group_key=row.group_key,
    )


def _in_chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _IN_CLAUSE_SIZE):
        yield ids[start : start + _IN_CLAUSE_SIZE]


def _details_by_id(session: Session, answer_ids: Sequence[int]) -> dict[int, AnswerDetail]:
    answers: list[Answer] = []
    for chunk in _in_chunks(list(answer_ids)):
        answers.extend(session.scalars(_answers_query().where(Answer.id.in_(chunk))))
    return {detail.answer.id: detail for detail in _details(session, answers)}


def _details(session: Session, answers: Sequence[Answer]) -> list[AnswerDetail]:
    """AnswerDetails for `answers` (same order), loading grades and overrides in bulk."""
    ids = [answer.id for answer in answers]
    grades: dict[int, list[GradeRecord]] = defaultdict(list)
    overrides: dict[int, list[OverrideRecord]] = defaultdict(list)
    for chunk in _in_chunks(ids):
        for row in session.scalars(
            select(GradeRow).where(GradeRow.answer_id.in_(chunk)).order_by(GradeRow.id)
        ):
            grades[row.answer_id].append(_grade_record(row))
        for o in session.scalars(select(Override).where(Override.answer_id.in_(chunk)).order_by(Override.id)):
            overrides[o.answer_id].append(_override_record(o))
    return [_detail(answer, grades[answer.id], overrides[answer.id]) for answer in answers]


def _detail(answer: Answer, grades: list[GradeRecord], overrides: list[OverrideRecord]) -> AnswerDetail:
    snapshot = answer.snapshot
    final_score: float | None = None
    if overrides:
        final_score = overrides[-1].score
    elif grades:
        latest = grades[-1]
        # Stored in the snapshot's scale even if a grader reported another maximum.
        final_score = latest.score * snapshot.max_points / latest.max_points
    return AnswerDetail(
        answer=_answer_record(answer),
        question=Question.model_validate(snapshot.question_json),
        bank_version=snapshot.bank_version,
        prompt=snapshot.prompt,
        reference_answer=snapshot.reference_answer,
        rubric=snapshot.rubric,
        topics=[str(topic) for topic in snapshot.topics],
        max_points=snapshot.max_points,
        grades=grades,
        overrides=overrides,
        final_score=final_score,
        needs_review=bool(grades) and not overrides and grades[-1].needs_review,
        regrade_requested=answer.regrade_requested,
        regrade_reason=answer.regrade_reason,
    )


def _summary(quiz: QuizSession, details: dict[int, AnswerDetail]) -> SessionSummary:
    answered = [details[item.answer_id] for item in quiz.items if item.answer_id in details]
    finals = [detail.final_score for detail in answered if detail.final_score is not None]
    return SessionSummary(
        session_id=quiz.id,
        student_id=quiz.student_id,
        student_name=quiz.student.name,
        bank_id=quiz.bank_id,
        bank_version=quiz.bank_version,
        mode=quiz.mode,
        topics=[str(topic) for topic in quiz.topics or []],
        status=SessionStatus(quiz.status),
        started_at=quiz.started_at,
        finished_at=quiz.finished_at,
        question_count=len(quiz.items),
        answered_count=len(answered),
        graded_count=len(finals),
        needs_review_count=sum(1 for detail in answered if detail.waits_for_teacher),
        score=sum(finals) if finals else None,
        max_points=sum(item.snapshot.max_points for item in quiz.items),
    )


def _card(session: Session, student_id: int, bank_id: str, question_id: str) -> ReviewCard | None:
    return session.scalars(_cards(student_id, bank_id).where(ReviewCard.question_id == question_id)).first()


def _cards(student_id: int, bank_id: str) -> Select[ReviewCard]:
    return select(ReviewCard).where(ReviewCard.student_id == student_id, ReviewCard.bank_id == bank_id)


def _card_record(card: ReviewCard) -> ReviewCardRecord:
    return ReviewCardRecord(
        id=card.id,
        student_id=card.student_id,
        bank_id=card.bank_id,
        question_id=card.question_id,
        state=card.state,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        lapses=card.lapses,
        leech=card.leech,
    )


def _suspension_record(row: Suspension) -> SuspensionRecord:
    return SuspensionRecord(
        student_id=row.student_id,
        bank_id=row.bank_id,
        question_id=row.question_id,
        reason=SuspensionReason(row.reason),
        suspended_at=row.suspended_at,
    )


# -------------------------------------------------------------------- statistics


def _fraction(detail: AnswerDetail) -> float:
    return (detail.final_score or 0.0) / detail.max_points


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _question_order(details: Sequence[AnswerDetail]) -> dict[str, AnswerDetail]:
    """One answer per question (its newest snapshot wins), ordered by exam number, then id."""
    newest: dict[str, AnswerDetail] = {}
    for detail in details:
        current = newest.get(detail.answer.question_id)
        if current is None or detail.answer.snapshot_id > current.answer.snapshot_id:
            newest[detail.answer.question_id] = detail
    ordered = sorted(
        newest.items(),
        key=lambda pair: (pair[1].question.number is None, pair[1].question.number or 0, pair[0]),
    )
    return dict(ordered)


def _override_comments(answers: dict[str, AnswerDetail]) -> dict[str, str]:
    """The teacher's comment per question, where the answer's latest override has one."""
    comments = {}
    for question_id, detail in answers.items():
        override = detail.latest_override
        if override is not None and override.comment.strip():
            comments[question_id] = override.comment.strip()
    return comments


def _latest_answer_ids(session: Session, answers: Sequence[AnswerRecord]) -> set[int]:
    """Of the students' answers to the questions of `answers`, the latest per student, bank and question
    (submission time, then id, as latest_per_student_question orders them)."""
    if not answers:
        return set()
    rows = session.execute(
        select(Answer.id, Answer.student_id, Answer.bank_id, Answer.question_id, Answer.submitted_at).where(
            Answer.student_id.in_({answer.student_id for answer in answers}),
            Answer.question_id.in_({answer.question_id for answer in answers}),
        )
    )
    latest: dict[tuple[int, str, str], tuple[datetime, int]] = {}
    for answer_id, student_id, bank, question_id, submitted_at in rows:
        key = (student_id, bank, question_id)
        latest[key] = max(latest.get(key, (submitted_at, answer_id)), (submitted_at, answer_id))
    return {answer_id for _, answer_id in latest.values()}


def latest_per_student_question(details: Iterable[AnswerDetail]) -> dict[tuple[int, str], AnswerDetail]:
    """(student id, question id) → the student's latest answer: the one the gradebook counts."""
    latest: dict[tuple[int, str], AnswerDetail] = {}
    for detail in details:
        key = (detail.answer.student_id, detail.answer.question_id)
        current = latest.get(key)
        if current is None or (detail.answer.submitted_at, detail.answer.id) > (
            current.answer.submitted_at,
            current.answer.id,
        ):
            latest[key] = detail
    return latest


def _student_mean_fractions(latest: dict[tuple[int, str], AnswerDetail]) -> dict[int, float]:
    fractions: dict[int, list[float]] = defaultdict(list)
    for (student_id, _question), detail in latest.items():
        fractions[student_id].append(_fraction(detail))
    return {student_id: sum(values) / len(values) for student_id, values in fractions.items()}


def _extreme_groups(student_means: dict[int, float]) -> tuple[list[int], list[int]]:
    """The top and bottom 27 % of students by mean fraction (at least one each; empty below two students)."""
    if len(student_means) < 2:
        return [], []
    ranked = sorted(student_means, key=lambda student_id: (student_means[student_id], student_id))
    size = max(1, min(len(ranked) // 2, round(DISCRIMINATION_GROUP_SHARE * len(ranked))))
    return ranked[-size:], ranked[:size]
