"""A student's progress as plain data: the dashboard line, mastery per question and topic, chart series.

The progress screen draws these; the 'weakest first' quiz mode orders questions with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from statistics import fmean
from typing import TYPE_CHECKING, NamedTuple

from db.records import QuizSessionRecord, SessionDetail, SessionStatus, SessionSummary, StudentRecord
from question_bank.grade_scales import GradeBoundary, final_grade
from question_bank.models import Bank, Question
from quiz.modes import QuizMode, topic_label
from quiz.topics import bank_topics, describe, known_topics, restrict, topics_of

if TYPE_CHECKING:
    from db.repository import Repository
    from quiz.context import AppContext
    from quiz.scheduling import DueSummary

UNKNOWN_MASTERY = 0.5
"""What an unattempted question counts as when ranking weakness: neither known nor failed."""

POINT_EPSILON = 1e-9
ESTIMATE_NOTE = (
    "An estimate from your practice, not a prediction of the real exam: each question's latest score, "
    "weighted by how likely you still recall it today (FSRS), times its points. Questions never "
    "practised count 0."
)
"""Said wherever the estimate is shown: it comes from practice, it is not a promise."""


def points_text(points: float) -> str:
    """Points with at most one decimal: 21.4, 30, 22.5."""
    return f"{points:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class GradedAnswer:
    """One graded answer of the student, reduced to what progress needs."""

    question_id: str
    submitted_at: datetime
    fraction: float


@dataclass(frozen=True)
class QuestionMastery:
    question_id: str
    label: str
    latest: float | None
    attempts: int


@dataclass(frozen=True)
class TopicMastery:
    topic: str
    mastery: float | None
    question_ids: tuple[str, ...]


@dataclass(frozen=True)
class ScorePoint:
    """A point of a score-over-time series: when, how much (0..1), and a short label for the axis."""

    when: datetime
    fraction: float
    label: str


@dataclass(frozen=True)
class Dashboard:
    """The home screen's summary for one student and bank."""

    student: StudentRecord
    bank_id: str
    bank_title: str
    question_count: int
    finished_sessions: int
    graded_answers: int
    mastery: float | None
    due: int
    """Reviews due today in the student's chosen topics (all topics when none are chosen)."""
    new: int
    """Questions of the chosen topics never studied: a 'due today' quiz asks them after the reviews."""
    resumable: QuizSessionRecord | None
    time_limit_minutes: float | None = None
    suspended: int = 0
    """Questions the student suspended (or that were suspended as leeches): not in due or new."""

    def line(self) -> str:
        """The one-line summary shown on the home screen."""
        if self.graded_answers == 0:
            studied = "nothing answered yet"
        else:
            quizzes = "quiz" if self.finished_sessions == 1 else "quizzes"
            studied = f"{self.finished_sessions} {quizzes} · mastery {self.mastery or 0:.0%}"
        suspended = f" · {self.suspended} suspended" if self.suspended else ""
        due = f"{self.due_today} due today ({self.new} new)"
        return f"{self.bank_title}: {studied} · {due}{suspended}"

    @property
    def due_today(self) -> int:
        """How many questions a 'due today' quiz asks now: the due reviews, then the new questions. The
        home line and the Due today button both show this number, so they cannot disagree."""
        return self.due + self.new


def question_label(question: Question) -> str:
    return f"Q{question.number}" if question.number is not None else question.id


def student_answers(repository: Repository, student_id: int, bank_id: str) -> list[GradedAnswer]:
    """The student's graded answers in this bank, oldest first (final score: override wins)."""
    graded = [
        GradedAnswer(
            question_id=row.question_id,
            submitted_at=row.submitted_at,
            fraction=row.final_score / row.max_points if row.max_points else 0.0,
        )
        for row in repository.answers_for_export(bank_id)
        if row.student_id == student_id and row.final_score is not None
    ]
    return sorted(graded, key=lambda answer: answer.submitted_at)


def question_mastery(bank: Bank, answers: Sequence[GradedAnswer]) -> list[QuestionMastery]:
    """Per question in bank order: the latest score fraction (None if never graded) and attempts."""
    by_question: dict[str, list[GradedAnswer]] = defaultdict(list)
    for answer in answers:
        by_question[answer.question_id].append(answer)
    return [
        QuestionMastery(
            question_id=question.id,
            label=question_label(question),
            latest=by_question[question.id][-1].fraction if by_question[question.id] else None,
            attempts=len(by_question[question.id]),
        )
        for question in bank.questions
    ]


def topic_mastery(bank: Bank, answers: Sequence[GradedAnswer]) -> list[TopicMastery]:
    """Per topic (first-seen order): mean latest fraction of its attempted questions."""
    latest = {item.question_id: item.latest for item in question_mastery(bank, answers)}
    topics: dict[str, list[str]] = defaultdict(list)
    for question in bank.questions:
        for topic in topics_of(question):
            topics[topic].append(question.id)
    result = []
    for topic, question_ids in topics.items():
        known = [value for qid in question_ids if (value := latest[qid]) is not None]
        result.append(TopicMastery(topic, fmean(known) if known else None, tuple(question_ids)))
    return result


def weakest_first(bank: Bank, answers: Sequence[GradedAnswer]) -> list[Question]:
    """Questions of the weakest topics first; within a topic the weakest question first.

    A question never answered counts as half-known, so real weaknesses come before the unknown.
    """
    latest = {item.question_id: item.latest for item in question_mastery(bank, answers)}

    def weakness(question_id: str) -> float:
        value = latest[question_id]
        return UNKNOWN_MASTERY if value is None else value

    topics = topic_mastery(bank, answers)
    topic_rank = sorted(topics, key=lambda topic: fmean(weakness(qid) for qid in topic.question_ids))
    ordered: list[Question] = []
    placed: set[str] = set()
    for topic in topic_rank:
        for question_id in sorted(topic.question_ids, key=weakness):
            if question_id not in placed:
                placed.add(question_id)
                ordered.append(bank.question(question_id))
    return ordered


SCORED_ON_ANSWERED = (QuizMode.DUE, QuizMode.PRACTICE, QuizMode.WEAKEST)
"""Modes whose total counts only the questions answered when the student ends the quiz early: nothing is
recorded for the others, so they were not failed (Anki leaves reviews not done for later; a practice
round stopped after two questions tells how those two went). A full exam counts a blank as 0, as a
Moodle quiz does: it stands for the real exam, where a question left blank earns nothing."""


def ended_early(summary: SessionSummary) -> bool:
    """A quiz scored on what was answered (SCORED_ON_ANSWERED) that the student ended before answering
    every question: its total counts the answered ones."""
    return summary.mode in SCORED_ON_ANSWERED and summary.answered_count < summary.question_count


class UnansweredWording(NamedTuple):
    """How the results, history and session detail speak of a question left without an answer."""

    label: str
    """Its status in the question lists."""
    count_note: str
    """Beside a total that leaves them out, with {count}; '' when the total counts every question."""
    detail_note: str
    """The session detail's note where the answer would be."""


SKIPPED = UnansweredWording("skipped", "", "This question was skipped.")
"""A full exam, or any quiz answered to the end: a blank counts 0."""
STILL_DUE = UnansweredWording(
    "still due",
    "{count} still due, not failed",
    "Not reached before the quiz ended: the card is not failed, it stays due (Due today asks it).",
)
"""A card of a 'due today' quiz ended early: nothing is recorded for it, and due today asks it again."""
NOT_COUNTED = UnansweredWording(
    "not counted",
    "{count} unanswered, not counted",
    "Not answered before the quiz ended: a practice quiz is scored on the questions answered, so this one "
    "does not count.",
)
"""A question of a practice or weakest-first quiz ended early."""


def unanswered_wording(summary: SessionSummary) -> UnansweredWording:
    """The one place that decides how a session's unanswered questions read (see `ended_early`)."""
    if not ended_early(summary):
        return SKIPPED
    return STILL_DUE if summary.mode == QuizMode.DUE else NOT_COUNTED


def unanswered_label(summary: SessionSummary) -> str:
    """What a question without an answer is, as the results and history list it."""
    return unanswered_wording(summary).label


def unanswered_note(summary: SessionSummary) -> str:
    """'9 still due, not failed' or '3 unanswered, not counted' beside a total that leaves them out; ''
    when the total counts every question."""
    left = summary.question_count - summary.answered_count
    return unanswered_wording(summary).count_note.format(count=left)


def counted_summary(detail: SessionDetail) -> SessionSummary:
    """The session's summary with its total out of the points that count: a quiz ended early
    (`ended_early`) is out of the questions answered (out of all ten, one card's 2 / 2 read '2 / 25 p, 8 %'
    in the results, history and the progress curve); a full exam out of every question (a blank earns 0)."""
    summary = detail.summary
    if not ended_early(summary):
        return summary
    answered = sum(item.max_points for item in detail.items if item.answer is not None)
    return summary.model_copy(update={"max_points": answered})


def counted_summaries(repository: Repository, summaries: Sequence[SessionSummary]) -> list[SessionSummary]:
    """`counted_summary` for each of a history's sessions (the detail is read only for those ended early)."""
    return [
        counted_summary(repository.session_detail(summary.session_id)) if ended_early(summary) else summary
        for summary in summaries
    ]


def session_scores(repository: Repository, student_id: int, bank_id: str) -> list[ScorePoint]:
    """Score of each finished, graded session over time (overall line of the progress chart)."""
    points = [
        ScorePoint(
            when=summary.started_at,
            fraction=summary.score / summary.max_points,
            label=summary.started_at.strftime("%m-%d"),
        )
        for summary in counted_summaries(
            repository, repository.history(student_id=student_id, bank_id=bank_id)
        )
        if summary.status is SessionStatus.FINISHED and summary.score is not None and summary.max_points > 0
    ]
    return sorted(points, key=lambda point: point.when)


def topic_scores_over_time(bank: Bank, answers: Sequence[GradedAnswer]) -> dict[str, list[ScorePoint]]:
    """Per topic, the mean fraction of its answers on each day the student answered it."""
    question_topics = {question.id: topics_of(question) for question in bank.questions}
    per_day: dict[str, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    for answer in answers:
        for topic in question_topics.get(answer.question_id, ()):
            per_day[topic][answer.submitted_at.date()].append(answer.fraction)
    series: dict[str, list[ScorePoint]] = {}
    for topic, days in per_day.items():
        series[topic] = [
            ScorePoint(
                when=datetime.combine(day, datetime.min.time()),
                fraction=fmean(values),
                label=day.strftime("%m-%d"),
            )
            for day, values in sorted(days.items())
        ]
    return series


def due_in_chosen_topics(repository: Repository, student_id: int, bank: Bank, now: datetime) -> DueSummary:
    """What a 'due today' quiz started from home asks: the due reviews and new questions of the student's
    chosen topics (the whole bank when none are chosen), suspended questions left out."""
    from quiz import scheduling

    chosen = known_topics(bank, repository.topic_filter(student_id, bank.id))
    pool = restrict(bank.questions, chosen)
    return scheduling.due_today(repository, student_id, bank.id, [question.id for question in pool], now)


def dashboard(ctx: AppContext, student: StudentRecord, bank_id: str, now: datetime) -> Dashboard:
    """Everything the home screen shows for a student and bank, in one call (run off the UI thread)."""
    from quiz import scheduling

    repository = ctx.repository
    bank = ctx.catalog.load(bank_id)
    answers = student_answers(repository, student.id, bank.id)
    mastery = [item.latest for item in question_mastery(bank, answers) if item.latest is not None]
    due = due_in_chosen_topics(repository, student.id, bank, now)
    finished = [
        summary
        for summary in repository.history(student_id=student.id, bank_id=bank.id)
        if summary.status is SessionStatus.FINISHED
    ]
    return Dashboard(
        student=student,
        bank_id=bank.id,
        bank_title=bank.title,
        question_count=len(bank.questions),
        time_limit_minutes=bank.time_limit_minutes,
        finished_sessions=len(finished),
        graded_answers=len(answers),
        mastery=fmean(mastery) if mastery else None,
        due=len(due.due),
        new=len(due.new),
        resumable=repository.resumable_session(student.id, bank.id),
        suspended=len(
            scheduling.suspended_ids(repository, student.id, bank.id) & {q.id for q in bank.questions}
        ),
    )


@dataclass(frozen=True)
class ProgressReport:
    """Everything the progress screen charts, computed in one go off the UI thread."""

    bank_title: str
    sessions: list[ScorePoint]
    topics: dict[str, list[ScorePoint]]
    mastery: list[QuestionMastery]
    forecast: list[tuple[date, int]]
    outlook: ExamOutlook


def progress_report(ctx: AppContext, student_id: int, bank_id: str, now: datetime) -> ProgressReport:
    from quiz import scheduling

    repository = ctx.repository
    bank = ctx.catalog.load(bank_id)
    answers = student_answers(repository, student_id, bank.id)
    return ProgressReport(
        bank_title=bank.title,
        sessions=session_scores(repository, student_id, bank.id),
        topics=topic_scores_over_time(bank, answers),
        mastery=question_mastery(bank, answers),
        forecast=scheduling.forecast(repository, student_id, bank.id, now),
        outlook=exam_outlook(repository, student_id, bank, now),
    )


@dataclass(frozen=True)
class SuspendedQuestion:
    """A question the student suspended (or that was suspended as a leech), as lists show it."""

    question_id: str
    label: str
    prompt: str
    lapses: int
    leech: bool


def suspended_questions(repository: Repository, student_id: int, bank: Bank) -> list[SuspendedQuestion]:
    """The student's suspended questions that the bank still has, in bank order."""
    suspended = {suspension.question_id for suspension in repository.suspended_questions(student_id, bank.id)}
    cards = {card.question_id: card for card in repository.review_cards(student_id, bank.id)}
    return [
        SuspendedQuestion(
            question_id=question.id,
            label=question_label(question),
            prompt=question.prompt_in(bank.languages[0]),
            lapses=cards[question.id].lapses if question.id in cards else 0,
            leech=question.id in cards and cards[question.id].leech,
        )
        for question in bank.questions
        if question.id in suspended
    ]


@dataclass(frozen=True)
class TopicProgress:
    """A row of the per-topic mastery table: how much of the topic the student has seen and knows."""

    topic: str
    questions: int
    seen: int
    mean_latest: float | None
    """Mean of the latest score fraction of the topic's questions the student has answered."""
    due: int
    """Reviews of the topic's questions due today (unseen and suspended questions are not counted)."""

    @property
    def label(self) -> str:
        return topic_label(self.topic)


def topic_progress(
    bank: Bank, answers: Sequence[GradedAnswer], due_ids: Collection[str]
) -> list[TopicProgress]:
    """Every topic of the bank ("(no topic)" included), weakest first.

    Weakness is the topic's mean latest score, a topic never practised counting as half-known, as in the
    'weakest first' quiz mode; ties go to the topic with fewer questions seen, then bank order."""
    latest = {item.question_id: item.latest for item in question_mastery(bank, answers)}
    rows = []
    for topic, count in bank_topics(bank):
        question_ids = [question.id for question in restrict(bank.questions, [topic])]
        known = [value for qid in question_ids if (value := latest[qid]) is not None]
        rows.append(
            TopicProgress(
                topic=topic,
                questions=count,
                seen=len(known),
                mean_latest=fmean(known) if known else None,
                due=sum(qid in due_ids for qid in question_ids),
            )
        )

    def weakness(row: TopicProgress) -> tuple[float, float]:
        mean = UNKNOWN_MASTERY if row.mean_latest is None else row.mean_latest
        return mean, row.seen / row.questions

    return sorted(rows, key=weakness)


@dataclass(frozen=True)
class PracticeState:
    """What the readiness estimate needs to know of one exam question."""

    question_id: str
    label: str
    max_points: float
    latest: float | None
    """Latest score fraction (teacher override wins); None when never graded."""
    retrievability: float | None
    """FSRS's probability of recalling it today; None when the answer scheduled no review (e.g. imported)."""
    prompt: str = ""


@dataclass(frozen=True)
class ExpectedScore:
    """One question's share of the estimate."""

    question_id: str
    label: str
    prompt: str
    max_points: float
    expected_points: float
    practised: bool

    @property
    def gain(self) -> float:
        """Points the estimate would gain if the question were mastered."""
        return self.max_points - self.expected_points


@dataclass(frozen=True)
class Readiness:
    """An estimate of the full exam's score if it were today, from the student's practice."""

    total: float
    max_points: float
    questions: tuple[ExpectedScore, ...]
    scale: tuple[GradeBoundary, ...]
    topics: tuple[str, ...] = ()
    """The chosen topics the estimate covers; empty: the whole exam."""
    exam_questions: int = 0
    exam_points: float = 0.0
    """The whole exam's size, to say how much of it the chosen topics cover."""

    def coverage(self) -> str:
        """Which questions the estimate covers: the whole exam, or the chosen topics' share of it (then
        without a grade: the grade scale is for the whole exam)."""
        if not self.topics:
            return f"Covers the whole exam: {len(self.questions)} questions, all topics."
        points = f"{points_text(self.max_points)} of {points_text(self.exam_points)} p"
        return (
            f"Covers your chosen topics only ({describe(self.topics)}): {len(self.questions)} of "
            f"{self.exam_questions} questions, {points}; no grade, as the grade scale is for the whole exam."
        )

    @property
    def grade(self) -> str | None:
        """The grade the estimated total would earn (None when the bank sets no grade scale)."""
        return final_grade(self.total, self.max_points, self.scale)

    @property
    def next_grade(self) -> tuple[str, float] | None:
        """The grade above the estimate and the points it needs; None at the top or without a scale."""
        grades = [boundary.grade for boundary in self.scale]
        if self.grade is None:
            return None
        above = self.scale[grades.index(self.grade) + 1 :]
        if not above:
            return None
        return above[0].grade, above[0].min_percent / 100.0 * self.max_points

    @property
    def not_practised(self) -> list[ExpectedScore]:
        return [item for item in self.questions if not item.practised]

    def biggest_gains(self, count: int = 3) -> list[ExpectedScore]:
        """The questions that would add the most points if mastered (bank order breaks ties)."""
        gaining = [item for item in self.questions if item.gain > POINT_EPSILON]
        return sorted(gaining, key=lambda item: -item.gain)[:count]

    def headline(self) -> str:
        """'Estimated today: 21.4 / 30 p → G (VG needs 22.5 p)'."""
        text = f"Estimated today: {points_text(self.total)} / {points_text(self.max_points)} p"
        if self.grade is None:
            share = self.total / self.max_points if self.max_points else 0.0
            return f"{text} ({share:.0%})"
        upcoming = self.next_grade
        if upcoming is None:
            return f"{text} → {self.grade} (the highest grade)"
        name, needed = upcoming
        return f"{text} → {self.grade} ({name} needs {points_text(needed)} p)"


def estimate_readiness(states: Sequence[PracticeState], scale: Sequence[GradeBoundary] = ()) -> Readiness:
    """Expected points per question: the latest score fraction (clamped to 0..1) times the chance of
    still recalling it today, times its points; a question never answered counts 0.

    Without a review card (an answer graded outside practice) the latest score counts as it stands."""
    expected = []
    for state in states:
        practised = state.latest is not None
        fraction = min(max(state.latest or 0.0, 0.0), 1.0)
        recall = 1.0 if state.retrievability is None else min(max(state.retrievability, 0.0), 1.0)
        expected.append(
            ExpectedScore(
                question_id=state.question_id,
                label=state.label,
                prompt=state.prompt,
                max_points=state.max_points,
                expected_points=fraction * recall * state.max_points if practised else 0.0,
                practised=practised,
            )
        )
    return Readiness(
        total=sum(item.expected_points for item in expected),
        max_points=sum(state.max_points for state in states),
        questions=tuple(expected),
        scale=tuple(scale),
    )


def practice_states(
    repository: Repository, student_id: int, bank: Bank, answers: Sequence[GradedAnswer], now: datetime
) -> list[PracticeState]:
    """Each exam question's latest score and FSRS retrievability today, in bank order."""
    from quiz import scheduling

    scheduler = scheduling.default_scheduler()
    cards = {card.question_id: card for card in repository.review_cards(student_id, bank.id)}
    latest = {item.question_id: item.latest for item in question_mastery(bank, answers)}
    states = []
    for question in bank.questions:
        card = cards.get(question.id)
        recall = (
            None
            if card is None
            else scheduler.get_card_retrievability(scheduling.card_from_record(card), now)
        )
        states.append(
            PracticeState(
                question_id=question.id,
                label=question_label(question),
                max_points=question.max_points,
                latest=latest[question.id],
                retrievability=recall,
                prompt=question.prompt_in(bank.languages[0]),
            )
        )
    return states


@dataclass(frozen=True)
class ExamOutlook:
    """The readiness estimate and the per-topic table, for the progress screen and `tenta progress`."""

    bank_title: str
    readiness: Readiness
    topics: list[TopicProgress]


def exam_outlook(
    repository: Repository, student_id: int, bank: Bank, now: datetime, topics: Sequence[str] | None = None
) -> ExamOutlook:
    """`topics` None: the student's stored topic choice (t on the home screen), so the estimate covers
    what they study; [] the whole exam. The per-topic table always lists every topic."""
    from quiz import scheduling

    chosen = known_topics(bank, repository.topic_filter(student_id, bank.id) if topics is None else topics)
    in_scope = {question.id for question in restrict(bank.questions, chosen)}
    answers = student_answers(repository, student_id, bank.id)
    states = practice_states(repository, student_id, bank, answers, now)
    readiness = estimate_readiness(
        [state for state in states if state.question_id in in_scope], () if chosen else bank.grade_scale
    )
    due = scheduling.due_today(repository, student_id, bank.id, [q.id for q in bank.questions], now)
    return ExamOutlook(
        bank_title=bank.title,
        readiness=replace(
            readiness,
            topics=tuple(chosen),
            exam_questions=len(bank.questions),
            exam_points=sum(question.max_points for question in bank.questions),
        ),
        topics=topic_progress(bank, answers, set(due.due)),
    )
