"""The schema: SQLAlchemy 2.0 typed declarative tables. Rows never leave db/ (see records.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        in_utc = aware.astimezone(UTC)
        return in_utc.replace(tzinfo=None) if dialect.name == "sqlite" else in_utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Student(Base):
    """A profile; the local default profile is created on first use.

    The external id (LMS e-mail, username, student number) identifies a student; names are not unique,
    but at most one student of a name has no external id, so a name alone never means two students."""

    __tablename__ = "students"
    __table_args__ = (
        Index(
            "uq_students_name_without_external_id",
            "name",
            unique=True,
            sqlite_where=text("external_id IS NULL"),
            postgresql_where=text("external_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExtraTime(Base):
    """A student's extra time on timed exams (an accommodation): a percentage of the bank's limit or a
    number of minutes, for one bank or (bank_id NULL) for every bank; the bank's own setting wins.

    Read when a full exam starts: the deadline stored with the session is final."""

    __tablename__ = "extra_time"
    __table_args__ = (
        UniqueConstraint("student_id", "bank_id"),
        Index(
            "uq_extra_time_student_all_banks",
            "student_id",
            unique=True,
            sqlite_where=text("bank_id IS NULL"),
            postgresql_where=text("bank_id IS NULL"),
        ),
        CheckConstraint("(percent IS NULL) <> (minutes IS NULL)", name="percent_or_minutes"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"))
    bank_id: Mapped[str | None] = mapped_column(String(120))
    percent: Mapped[float | None] = mapped_column(Float)
    minutes: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    student: Mapped[Student] = relationship()


class QuestionSnapshot(Base):
    """A question exactly as it was asked, so history stays true after the bank is edited."""

    __tablename__ = "question_snapshots"
    __table_args__ = (UniqueConstraint("bank_id", "question_id", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(120), index=True)
    bank_version: Mapped[str] = mapped_column(String(60))
    question_id: Mapped[str] = mapped_column(String(120))
    number: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    question_type: Mapped[str] = mapped_column(String(40))
    prompt: Mapped[str] = mapped_column(Text)
    reference_answer: Mapped[str] = mapped_column(Text)
    rubric: Mapped[list[Any]] = mapped_column()
    topics: Mapped[list[Any]] = mapped_column()
    max_points: Mapped[float] = mapped_column(Float)
    question_json: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizSession(Base):
    """One sitting of a quiz; its items keep the order, position and drafts for resuming."""

    __tablename__ = "quiz_sessions"
    __table_args__ = (Index("ix_quiz_sessions_student_bank_status", "student_id", "bank_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    bank_id: Mapped[str] = mapped_column(String(120))
    bank_version: Mapped[str] = mapped_column(String(60))
    mode: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    position: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column()
    """A timed exam's end: answers typed by then are submitted even when the student is not there."""
    topics: Mapped[list[Any] | None] = mapped_column()
    """The topics the questions were chosen from (quiz.topics); NULL: the whole bank."""

    student: Mapped[Student] = relationship()
    items: Mapped[list[SessionItem]] = relationship(
        order_by="SessionItem.position", cascade="all, delete-orphan", back_populates="session"
    )


class SessionItem(Base):
    """A question's place in a session, with the draft being typed, the time spent and the answer
    submitted."""

    __tablename__ = "session_items"
    __table_args__ = (
        UniqueConstraint("session_id", "position"),
        UniqueConstraint("session_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("quiz_sessions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(120))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("question_snapshots.id"))
    draft: Mapped[str | None] = mapped_column(Text)
    draft_saved_at: Mapped[datetime | None] = mapped_column()
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Flagged by the student to come back to (Moodle's "Flag question"); kept for resuming."""
    time_spent_s: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    """Seconds spent on the question over every sitting, so a resumed quiz hands it in with all of them."""

    session: Mapped[QuizSession] = relationship(back_populates="items")
    snapshot: Mapped[QuestionSnapshot] = relationship()


class TopicFilter(Base):
    """The topics a student restricts a bank's quizzes to (Anki decks, Moodle categories); no row means all.

    Kept per student and bank so the choice survives a restart of the app."""

    __tablename__ = "topic_filters"

    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    topics: Mapped[list[Any]] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Answer(Base):
    """A submitted answer, stored before grading runs; never updated except for regrade flags."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("bank_id", "external_key"),
        Index("ix_answers_bank_question", "bank_id", "question_id"),
        Index("ix_answers_student_submitted", "student_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_sessions.id"), index=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("question_snapshots.id"))
    bank_id: Mapped[str] = mapped_column(String(120))
    question_id: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(10))
    time_taken_s: Mapped[float | None] = mapped_column(Float)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(40), default="quiz")
    external_key: Mapped[str | None] = mapped_column(String(300))
    regrade_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    regrade_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    regrade_reason: Mapped[str | None] = mapped_column(Text)

    student: Mapped[Student] = relationship()
    snapshot: Mapped[QuestionSnapshot] = relationship()


class GradeRow(Base):
    """One automatic grading of an answer; regrading adds a row, old rows stay."""

    __tablename__ = "grades"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    points: Mapped[list[Any]] = mapped_column()
    feedback: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean)
    flags: Mapped[list[Any]] = mapped_column()
    language: Mapped[str | None] = mapped_column(String(10))
    grader_version: Mapped[str] = mapped_column(String(60))
    model_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Override(Base):
    """A teacher's score for an answer; the latest one wins over every automatic grade.

    `point_credits` holds the teacher's key-point decisions (point id → credit 0..1) when the
    score was given point by point; NULL for a plain score.
    """

    __tablename__ = "overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    point_credits: Mapped[dict[str, Any] | None] = mapped_column()
    comment: Mapped[str] = mapped_column(Text)
    teacher: Mapped[str] = mapped_column(String(200))
    group_key: Mapped[str | None] = mapped_column(String(40))
    """The answer group whose decision this override is (NULL: decided for this answer alone)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupPin(Base):
    """A teacher's placement of an answer in an answer group (moved, merged or confirmed there).

    Groups are computed again at every look; pinned answers keep their group at any similarity.
    """

    __tablename__ = "answer_group_pins"

    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(40), index=True)
    pinned_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupConfirmation(Base):
    """A teacher reviewed an answer group: answers up to `last_answer_id` were there to see."""

    __tablename__ = "answer_group_confirmations"
    __table_args__ = (UniqueConstraint("bank_id", "question_id", "group_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(120))
    question_id: Mapped[str] = mapped_column(String(120))
    group_key: Mapped[str] = mapped_column(String(40))
    last_answer_id: Mapped[int] = mapped_column(Integer)
    confirmed_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditRow(Base):
    """Every change to an answer's outcome, written in the same transaction as the change."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewCard(Base):
    """Spaced-repetition state of one question for one student (FSRS card fields, stored as-is)."""

    __tablename__ = "review_cards"
    __table_args__ = (UniqueConstraint("student_id", "bank_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    bank_id: Mapped[str] = mapped_column(String(120))
    question_id: Mapped[str] = mapped_column(String(120))
    state: Mapped[int] = mapped_column(Integer)
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(index=True)
    last_review: Mapped[datetime | None] = mapped_column()
    lapses: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    """Times the question was forgotten after it had been learnt (Anki's lapses: Again on a review)."""
    leech: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Lapsed often enough to be a leech (Anki's leech tag); stays set, as Anki's tag does."""


class Suspension(Base):
    """A question a student suspended (or that was suspended as a leech): practice, due today and
    weakest first never ask it until it is unsuspended (Anki's suspend)."""

    __tablename__ = "suspended_questions"

    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))
    suspended_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewLogRow(Base):
    """One review of a card (rating 1-4), kept for the FSRS optimizer and progress views."""

    __tablename__ = "review_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("review_cards.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[datetime] = mapped_column()
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"))


class Document(Base):
    """A course document registered for retrieval; its chunks rebuild the faiss index."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(1000), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)

    chunks: Mapped[list[DocumentChunk]] = relationship(
        order_by="DocumentChunk.position", cascade="all, delete-orphan", passive_deletes=True
    )


class DocumentChunk(Base):
    __tablename__ = "document_chunks"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class AppSecret(Base):
    """A secret every tenta process on this database shares (the anonymous-grading pseudonym key), so
    teachers on different machines see the same thing. Stored once, never printed or exported."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
