"""One past quiz: each question's score, and the selected answer with its grade and any override."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from db.records import AnswerDetail, SessionDetail, SessionItemDetail
from quiz.local_time import local_minute
from quiz.modes import session_label
from quiz.scores import score_out_of
from quiz.teacher.feedback.model import feedback_with_outcome
from quiz.tui.screens.base import TentaScreen
from quiz.tui.widgets.answer_view import AnswerView


def outcome_feedback(detail: AnswerDetail) -> str:
    """The feedback the student read after answering, with the question's right / partly right / wrong
    feedback for the final score (a teacher's override deciding it); '' when the question has none."""
    grade, score = detail.latest_grade, detail.final_score
    if grade is None or score is None or not detail.question.outcome_feedback_for(score, detail.max_points):
        return ""
    return feedback_with_outcome(grade.feedback, detail.question, score, detail.max_points)


def item_cells(item: SessionItemDetail) -> tuple[str, str, str]:
    """'#' (with ⚑ when the student flagged the question, as in the finish summary), score (✎ when a
    teacher overrode it, 'review' while a teacher should look at it), id. The score comes before the id,
    which a narrow terminal cuts (the answer pane names the question in full)."""
    number = f"{item.position + 1} ⚑" if item.flagged else str(item.position + 1)
    detail = item.answer
    if detail is None:
        return number, "skipped", item.question_id
    if detail.final_score is None:
        return number, "not graded", item.question_id
    mark = " ✎" if detail.overrides else (" review" if detail.needs_review else "")
    return number, score_out_of(detail.final_score, item.max_points) + mark, item.question_id


class SessionDetailScreen(TentaScreen[None]):
    """Left: the questions of the session (⚑ = flagged by the student). Right: the highlighted one in
    full (✎ = teacher override)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to history."),
        Binding(
            "pagedown",
            "read('page_down')",
            "Read on",
            priority=True,
            tooltip="Scroll the answer on the right (also pgup): its key points and the passages to read "
            "go on below the edge; ↑↓ pick the question.",
        ),
        Binding("pageup", "read('page_up')", show=False, priority=True),
    ]
    """pgdn and pgup are the answer pane's, not the question list's (↑↓ pick a question, a quiz has a
    screenful of them): the focus rests on the list, so without them the pane read only with a mouse."""

    def __init__(self, session_id: int, *, position: int = 0) -> None:
        """`position`: the question (its place in the quiz) shown first."""
        super().__init__()
        self.session_id = session_id
        self.position = position
        self._detail: SessionDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="detail-title")
        with Vertical(id="detail"):
            yield DataTable(id="detail-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="detail-answer"):
                yield Static("", id="detail-flag", classes="muted")
                yield AnswerView(id="detail-view")
                yield Static("", id="detail-feedback")
                yield Static("", id="detail-empty", classes="empty-state")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("#", "Score", "Question")
        self.load_detail()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_detail(self) -> None:
        detail = self.tenta.ctx.repository.session_detail(self.session_id)
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: SessionDetail) -> None:
        self._detail = detail
        summary = detail.summary
        score = score_out_of(summary.score, summary.max_points) if summary.score is not None else "not graded"
        flagged = sum(item.flagged for item in detail.items)
        flags = f" · ⚑ {flagged} flagged" if flagged else ""
        self.query_one("#detail-title", Static).update(
            f"[b]{escape(summary.bank_id)}[/b] · {escape(session_label(summary.mode, summary.topics))} · "
            f"{local_minute(summary.started_at)} · {score}{flags}"
        )
        table = self.query_one(DataTable)
        table.clear()
        for item in detail.items:
            table.add_row(*item_cells(item), key=str(item.position))
        table.focus()
        shown = next((item for item in detail.items if item.position == self.position), None)
        if shown is not None:
            table.move_cursor(row=table.get_row_index(str(shown.position)))
            self._show_item(shown)

    @on(DataTable.RowHighlighted, "#detail-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self._detail is not None and event.row_key.value is not None:
            position = int(event.row_key.value)
            self._show_item(next(item for item in self._detail.items if item.position == position))

    def _show_item(self, item: SessionItemDetail) -> None:
        flag = self.query_one("#detail-flag", Static)
        flag.display = item.flagged
        flag.update("⚑ You flagged this question to come back to it.")
        view = self.query_one(AnswerView)
        empty = self.query_one("#detail-empty", Static)
        view.display = item.answer is not None
        empty.display = item.answer is None
        feedback = outcome_feedback(item.answer) if item.answer is not None else ""
        self.query_one("#detail-feedback", Static).update(escape(feedback))
        self.query_one("#detail-feedback").display = bool(feedback)
        if item.answer is not None:
            view.show(item.answer)
        else:
            draft = f"\n\nUnsubmitted draft:\n{item.draft}" if item.draft else ""
            empty.update(Content(f"{item.prompt}\n\nThis question was skipped.{draft}"))

    async def action_read(self, scroll: str) -> None:
        """Scroll the answer pane as its own keys would (`scroll` names a scroll container's action)."""
        await self.query_one("#detail-answer", VerticalScroll).run_action(scroll)

    def action_back(self) -> None:
        self.dismiss()
