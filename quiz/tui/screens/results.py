"""Results: the finished quiz's total, each question's score and the time taken."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quiz.progress import unanswered_label, unanswered_note
from quiz.scores import score_out_of
from quiz.session import ActiveQuiz, ItemResult
from quiz.tui import messages
from quiz.tui.screens.session_detail import SessionDetailScreen
from quiz.tui.widgets.quiz_timer import format_duration
from quiz.tui.widgets.score_bar import ScoreBar
from quiz.tui.widgets.table_fill import fill_table

STATUS_TEXT = {
    "graded": "graded",
    "review": "⚑ review",
    "grading": "grading…",
    "failed": "✘ grading failed",
}
COLUMNS = ("#", "Question", "Score", "Time", "Status")


class ResultsScreen(Screen[None]):
    """Refreshes itself from the database whenever a grade that was still running arrives."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open_answer",
            "Answer",
            priority=True,
            tooltip="The highlighted question's answer, grade and key points with the passage to read.",
        ),
        Binding("escape,h", "home", "Home", tooltip="Back to the home screen."),
        Binding("g", "progress", "Progress", tooltip="See your progress charts."),
    ]

    def __init__(self, quiz: ActiveQuiz, *, note: str = "") -> None:
        super().__init__()
        self.quiz = quiz
        self.note = note

    def compose(self) -> ComposeResult:
        quiz = self.quiz
        yield Header()
        with Vertical(id="results"):
            yield Static(
                Content.from_markup(
                    "[b]$mode[/b] finished · $bank", mode=quiz.mode.label, bank=quiz.bank.title
                ),
                id="results-title",
            )
            yield ScoreBar(label="Total", id="results-score")
            yield Static("", id="results-summary")
            yield DataTable(id="results-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_results()

    def refresh_results(self) -> None:
        summary, items = self.quiz.results()
        bar = self.query_one(ScoreBar)
        bar.display = summary.max_points > 0  # a due-today quiz ended before its first card has no total
        bar.show(summary.score or 0.0, summary.max_points)
        time_total = sum(item.answer.answer.time_taken_s or 0.0 for item in items if item.answer)
        pending = sum(1 for item in items if item.status == "grading")
        notes = [
            *([self.note] if self.note else []),
            f"{summary.answered_count}/{summary.question_count} answered",
            f"time {format_duration(time_total)}",
        ]
        left = unanswered_note(summary)
        if left:
            notes.append(left)
        if summary.needs_review_count:
            notes.append(f"{summary.needs_review_count} waiting for teacher review")
        if pending:
            notes.append(f"{pending} still grading…")
        self.query_one("#results-summary", Static).update(" · ".join(notes))
        unanswered = unanswered_label(summary)
        fill_table(
            self.query_one(DataTable),
            COLUMNS,
            [self._row(item, unanswered) for item in items],
            keys=[str(item.position) for item in items],
        )

    def _row(self, item: ItemResult, unanswered: str) -> tuple[str, Text, str, str, str]:
        """The question's cells; its prompt as text (a bank's 'w[i]' is no markup). `unanswered`: the
        status of a question without an answer (quiz.progress.unanswered_label)."""
        question = self.quiz.questions[item.position]
        number = str(question.number) if question.number is not None else str(item.position + 1)
        prompt = " ".join(item.prompt.split())
        prompt = prompt if len(prompt) <= 38 else prompt[:37] + "…"
        score = score_out_of(item.score, item.max_points)
        seconds = item.answer.answer.time_taken_s if item.answer else None
        return (
            number,
            Text(prompt),
            score,
            format_duration(seconds) if seconds else "–",
            unanswered if item.status == "skipped" else STATUS_TEXT[item.status],
        )

    @on(messages.GradeReady)
    @on(messages.GradeFailed)
    def _grade_arrived(self) -> None:
        self.refresh_results()

    @on(DataTable.RowSelected)
    def action_open_answer(self) -> None:
        """The highlighted question in the session's detail, as history shows it: the per-key-point feedback
        of the answers handed in at the finish is nowhere else on the way home."""
        table = self.query_one(DataTable)
        if table.row_count:
            position = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
            self.app.push_screen(SessionDetailScreen(self.quiz.session_id, position=position))

    def action_home(self) -> None:
        self.dismiss()

    def action_progress(self) -> None:
        self.post_message(messages.OpenScreen("progress", self.quiz.session.student_id, self.quiz.bank.id))
