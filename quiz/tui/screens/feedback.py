"""Feedback: the grade of a submitted answer, key point by key point, and the reference answer; the place
to suspend a question (Anki's suspend), and where a student hears, once, that a question became a leech."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Collapsible, Footer, Header, Label, LoadingIndicator, Markdown, Static

from db.records import AnswerRecord
from question_bank.errors import TentaError
from quiz.session import ActiveQuiz, GradeOutcome
from quiz.teacher.feedback.model import feedback_with_outcome
from quiz.tui import messages
from quiz.tui.screens.base import TentaScreen
from quiz.tui.screens.disagree_dialog import DisagreeDialog
from quiz.tui.widgets.answer_text import AnswerText
from quiz.tui.widgets.grade_notes import GradeLabels, feedback_labels
from quiz.tui.widgets.point_list import PointList, points_from_dicts
from quiz.tui.widgets.question_view import code_markdown, text_markdown
from quiz.tui.widgets.score_bar import ScoreBar


class FeedbackChoice(StrEnum):
    NEXT = "next"
    EDIT = "edit"
    FINISH = "finish"


class FeedbackScreen(TentaScreen[FeedbackChoice]):
    """Shows a spinner until the grade arrives (GradeReady / GradeFailed), then the evidence; every word
    it adds is in one language, the grader's comment's (grade_notes.feedback_labels)."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "choose('next')", "Next", tooltip="Continue with the next question."),
        Binding("e,escape", "choose('edit')", "Edit answer", tooltip="Back to this question to improve it."),
        Binding("d", "disagree", "I disagree", tooltip="Ask a teacher to review this grade."),
        Binding(
            "s",
            "toggle_suspend",
            "Suspend",
            tooltip="Suspend this question: practice, due today and weakest first leave it out (again: "
            "unsuspend).",
        ),
        Binding("ctrl+f", "choose('finish')", "Finish", tooltip="End the quiz and see the results."),
        Binding(
            "pagedown",
            "read('page_down')",
            "Read on",
            show=False,
            tooltip="Scroll the feedback (also pgup, ↓ ↑, home, end): on a small terminal the key points, "
            "your answer and the reference answer go on below the edge.",
        ),
        Binding("pageup", "read('page_up')", show=False),
        Binding("down", "read('scroll_down')", show=False),
        Binding("up", "read('scroll_up')", show=False),
        Binding("home", "read('scroll_home')", show=False),
        Binding("end", "read('scroll_end')", show=False),
    ]
    """The scroll keys are the screen's, as the focus rests on the Next button below the feedback once the
    grade is in (enter goes on): a focused button takes no scroll key, so with only the scroll area's own
    keys pgdn and ↓ did nothing until the student found shift+tab twice."""

    def __init__(
        self, quiz: ActiveQuiz, answer: AnswerRecord, *, language: str, waiting_for_model: bool
    ) -> None:
        super().__init__()
        self.quiz = quiz
        self.answer = answer
        self.question = quiz.bank.question(answer.question_id)
        self.language = language
        self.waiting_for_model = waiting_for_model
        self.outcome: GradeOutcome | None = None
        self.regrade_requested = False
        self.labels = feedback_labels(answer.text, self.question)
        """The answer's language while the grade is pending, then the grader's comment's. `language` is
        only the language the prompt and reference answer are shown in (ctrl+l on the question)."""

    def compose(self) -> ComposeResult:
        question = self.question
        yield Header()
        with VerticalScroll(id="feedback"):
            yield Static(self._title(), id="fb-question")
            if question.code is not None:
                with Collapsible(title=self.labels.question_code, id="fb-code"):
                    yield Markdown(code_markdown(question))
            with Vertical(id="fb-pending"):
                yield LoadingIndicator()
                yield Label(self._pending_text(), id="fb-pending-text")
            yield ScoreBar(id="fb-score")
            yield Static("", id="fb-review")
            yield Static("", id="fb-notes")
            yield Static("", id="fb-leech")
            yield Static("", id="fb-suspended")
            yield Label(self.labels.key_points, id="fb-points-title", classes="section-title fb-graded")
            yield PointList(id="fb-points", classes="fb-graded")
            yield Label(self.labels.your_answer, id="fb-answer-title", classes="section-title")
            yield AnswerText(id="fb-answer")
            yield Static("", id="fb-comment", classes="fb-graded")
            yield Static("", id="fb-hints", classes="fb-graded")
            with Collapsible(
                title=self.labels.reference_answer, collapsed=False, id="fb-reference", classes="fb-graded"
            ):
                reference = question.reference_in(self.language)
                if reference:
                    yield Markdown(text_markdown(question, reference))
                else:
                    yield Static(
                        Content.styled(self.labels.no_reference_answer, "italic"), id="fb-no-reference"
                    )
        with Horizontal(id="fb-buttons"):
            yield Button("Next", id="next", variant="primary", compact=True)
            yield Button("I disagree", id="disagree", variant="warning", compact=True)
            yield Button("Edit answer", id="edit", compact=True)
        yield Footer()

    def _title(self) -> Content:
        """'Question 3 · <the prompt as shown>', the number in the screen's language."""
        return Content.from_markup(
            "[b]$number[/b] · $prompt",
            number=self.labels.question_title(self.question),
            prompt=self.question.prompt_in(self.language),
        )

    def _relabel(self, labels: GradeLabels) -> None:
        """The words the screen shows before its grade, in `labels`' language."""
        self.labels = labels
        self.query_one("#fb-question", Static).update(self._title())
        for code in self.query("#fb-code").results(Collapsible):
            code.title = labels.question_code
        self.query_one("#fb-points-title", Label).update(labels.key_points)
        self.query_one("#fb-answer-title", Label).update(labels.your_answer)
        self.query_one("#fb-reference", Collapsible).title = labels.reference_answer
        for missing in self.query("#fb-no-reference").results(Static):
            missing.update(Content.styled(labels.no_reference_answer, "italic"))

    def _pending_text(self) -> str:
        return self.labels.loading_model if self.waiting_for_model else self.labels.grading

    def on_mount(self) -> None:
        self.query_one(AnswerText).show(self.answer.text, empty=self.labels.empty_answer)
        self._set_graded(False)
        self.query_one("#fb-leech").display = False
        self._show_suspended()
        self.query_one("#disagree", Button).disabled = True
        self.query_one("#next", Button).label = "Results" if self._all_answered_at_the_end() else "Next"

    def _notes(self) -> list[str]:
        return self.labels.flag_notes(self.outcome.grade.flags) if self.outcome is not None else []

    def _set_graded(self, graded: bool) -> None:
        self.query_one("#fb-pending").display = not graded
        for widget in self.query(".fb-graded"):
            widget.display = graded
        self.query_one("#fb-score").display = graded
        self.query_one("#fb-review").display = graded
        self.query_one("#fb-notes").display = graded and bool(self._notes())

    # ----- messages from the app --------------------------------------------------------------------------

    @on(messages.GradeReady)
    def show_grade(self, message: messages.GradeReady) -> None:
        outcome = message.outcome
        if outcome.answer.id != self.answer.id:
            return
        self.outcome = outcome
        grade = outcome.grade
        labels = feedback_labels(self.answer.text, self.question, grade.feedback)
        self._relabel(labels)
        points = points_from_dicts(grade.points)
        self.query_one(ScoreBar).show(grade.score, grade.max_points, labels.score)
        review = self.query_one("#fb-review", Static)
        review.update(
            labels.confidence(
                grade.confidence,
                needs_review=grade.needs_review,
                threshold=self.tenta.ctx.settings.review_threshold,
            )
        )
        review.set_class(grade.needs_review, "flagged")
        self.query_one("#fb-notes", Static).update(Content("\n".join(self._notes())))
        self.query_one(PointList).show(points, max_points=grade.max_points, labels=labels)
        self.query_one(AnswerText).show(self.answer.text, points, labels.empty_answer)
        comment = feedback_with_outcome(grade.feedback, self.question, grade.score, grade.max_points)
        self.query_one("#fb-comment", Static).update(comment)
        hints = labels.hints(self.question, self.quiz.tries_short_of_full_points(self.question))
        self.query_one("#fb-hints", Static).update("\n".join(hints))
        self._set_graded(True)
        self.query_one("#fb-comment").display = bool(comment)
        self.query_one("#fb-hints").display = bool(hints) and outcome.fraction < 1
        if outcome.leech and outcome.review is not None:
            note = labels.leech_note(outcome.review.lapses, suspended=outcome.suspended)
            self.query_one("#fb-leech", Static).update(note)
            self.query_one("#fb-leech").display = True
        self._show_suspended()
        self.query_one("#disagree", Button).disabled = False
        self.refresh_bindings()
        self.query_one("#next", Button).focus()

    @on(messages.GradeFailed)
    def show_failure(self, message: messages.GradeFailed) -> None:
        if message.answer_id != self.answer.id:
            return
        self.query_one(LoadingIndicator).display = False
        self.query_one("#fb-pending-text", Label).update(
            self.labels.grading_failed.format(reason=message.reason)
        )
        self.query_one("#fb-pending").add_class("failed")
        self.query_one("#next", Button).focus()

    # ----- actions ---------------------------------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "disagree":
            self.action_disagree()
        elif event.button.id in ("next", "edit"):
            self.action_choose(event.button.id)

    def action_choose(self, choice: str) -> None:
        chosen = FeedbackChoice(choice)
        if chosen is FeedbackChoice.NEXT and self._all_answered_at_the_end():
            chosen = FeedbackChoice.FINISH
        self.dismiss(chosen)

    def _all_answered_at_the_end(self) -> bool:
        """Next shows the results only from the last question with every question answered; from the last
        with some unanswered it goes to the first of those (the button said 'Results' there too)."""
        return self.quiz.is_last and self.quiz.total == len(self.quiz.answers)

    async def action_read(self, scroll: str) -> None:
        """Scroll the feedback as its own keys would (`scroll` names a scroll container's action)."""
        await self.query_one("#feedback", VerticalScroll).run_action(scroll)

    def _show_suspended(self) -> None:
        suspended = self.quiz.is_suspended(self.question)
        line = self.query_one("#fb-suspended", Static)
        line.update(self.labels.suspended)
        line.display = suspended and not self.query_one("#fb-leech").display

    def action_toggle_suspend(self) -> None:
        """Suspend the question for this profile, or unsuspend it; this quiz still asks it."""
        suspend = not self.quiz.is_suspended(self.question)
        try:
            self.quiz.set_suspended(self.question, suspend)
        except TentaError as error:
            self.notify(error.message, title="Not changed", severity="error")
            return
        self.query_one("#fb-leech").display = False
        self._show_suspended()
        self.notify(self.labels.suspended_now if suspend else self.labels.unsuspended_now)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """'I disagree' once there is a grade to disagree with, and once: as its button, the key is shown
        dimmed before (and after) that, so a second request cannot replace the first reason."""
        if action == "disagree":
            return True if self.outcome is not None and not self.regrade_requested else None
        return True

    def action_disagree(self, reason: str = "") -> None:
        self.app.push_screen(DisagreeDialog(reason, labels=self.labels), callback=self._disagreed)

    def _disagreed(self, reason: str | None) -> None:
        if reason is None:
            return
        try:
            self.tenta.ctx.repository.request_regrade(self.answer.id, reason or "student disagrees")
        except TentaError as error:
            self.notify(error.message, title=self.labels.regrade_failed, severity="error")
            self.action_disagree(reason)
            return
        self.regrade_requested = True
        self.query_one("#disagree", Button).disabled = True
        self.refresh_bindings()
        self.notify(self.labels.regrade_requested, title=self.labels.thanks)
