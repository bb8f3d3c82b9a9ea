"""Messages screens post to the app: the only way screens ask for something outside themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen

    from db.records import AnswerRecord
    from quiz.modes import QuizMode
    from quiz.session import ActiveQuiz, GradeOutcome


class StartQuiz(Message):
    """Home asks for a new quiz."""

    def __init__(
        self,
        student_id: int,
        bank_id: str,
        mode: QuizMode,
        count: int | None,
        topics: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.student_id = student_id
        self.bank_id = bank_id
        self.mode = mode
        self.count = count
        self.topics = topics


class ResumeQuiz(Message):
    """Home accepted the offer to continue an interrupted quiz."""

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id


class TimeUp(Message):
    """A timed exam reached its deadline: the app hands in what was typed and shows the results."""

    def __init__(self, quiz: ActiveQuiz) -> None:
        super().__init__()
        self.quiz = quiz


class AnswerSubmitted(Message):
    """The quiz stored an answer (committed); the app grades it and tells `feedback` the outcome."""

    def __init__(self, quiz: ActiveQuiz, answer: AnswerRecord, feedback: Screen[Any]) -> None:
        super().__init__()
        self.quiz = quiz
        self.answer = answer
        self.feedback = feedback


class GradeReady(Message):
    """A grade was stored for an answer."""

    def __init__(self, outcome: GradeOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class GradeFailed(Message):
    """Grading failed; the answer is kept ungraded."""

    def __init__(self, answer_id: int, reason: str) -> None:
        super().__init__()
        self.answer_id = answer_id
        self.reason = reason


class QuizFinished(Message):
    """The student ended the quiz: hand in the typed answers not yet submitted and show the results."""

    def __init__(self, quiz: ActiveQuiz) -> None:
        super().__init__()
        self.quiz = quiz


class QuizLeft(Message):
    """The student left mid-quiz; the session stays resumable."""

    def __init__(self, quiz: ActiveQuiz) -> None:
        super().__init__()
        self.quiz = quiz


class OpenScreen(Message):
    """Open one of the browsing screens (history, progress, review queue)."""

    def __init__(self, name: str, student_id: int, bank_id: str) -> None:
        super().__init__()
        self.name = name
        self.student_id = student_id
        self.bank_id = bank_id
