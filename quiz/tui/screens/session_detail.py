"""One past quiz: each question's score, and the selected answer with its grade and any override."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from db.records import AnswerDetail, SessionDetail, SessionItemDetail
from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.local_time import local_minute
from quiz.modes import session_label
from quiz.progress import (
    SKIPPED,
    counted_summary,
    question_label,
    unanswered_label,
    unanswered_note,
    unanswered_wording,
)
from quiz.scores import score_out_of
from quiz.teacher.feedback.model import feedback_with_outcome
from quiz.tui.screens.base import TentaScreen
from quiz.tui.screens.disagree_dialog import DisagreeDialog
from quiz.tui.widgets.answer_view import AnswerView
from quiz.tui.widgets.grade_notes import ENGLISH_LABELS, GradeLabels, answer_labels
from quiz.tui.widgets.table_fill import fill_table


def outcome_feedback(detail: AnswerDetail) -> str:
    """The feedback the student read after answering, with the question's right / partly right / wrong
    feedback for the final score (a teacher's override deciding it); '' when the question has none."""
    grade, score = detail.latest_grade, detail.final_score
    if grade is None or score is None or not detail.question.outcome_feedback_for(score, detail.max_points):
        return ""
    return feedback_with_outcome(grade.feedback, detail.question, score, detail.max_points)


LIST_WIDTH = 40
"""The question list's widest (#detail-table's max-width in tenta.tcss): the answer pane has the rest."""
LIST_GAPS = 3 * 2 + 2
"""Columns of the list that hold no text: a cell's padding on either side, and the scroll bar's room."""


def question_name(item: SessionItemDetail, bank: Bank | None) -> str:
    """'Q3' as the results, the readiness list and the browser name it (the question as asked when it was
    answered, else the bank's); the id only for a question without a number that the bank no longer has."""
    if item.answer is not None:
        return question_label(item.answer.question)
    if bank is not None:
        question = next((question for question in bank.questions if question.id == item.question_id), None)
        if question is not None:
            return question_label(question)
    return item.question_id


def item_cells(item: SessionItemDetail, name: str, *, unanswered: str = "skipped") -> tuple[str, str, str]:
    """'#' (the question's place in the quiz, with ⚑ when the student flagged it, as in the finish
    summary), score ('review' while it waits for a teacher: an uncertain grade or the student's own regrade
    request, AnswerDetail.waits_for_teacher, as the gradebook holds it; else ✎ when a teacher overrode it;
    `unanswered` when there is no answer: quiz.progress.unanswered_label), and the
    question's number and prompt, cut to the list's width: the score comes first, so it is never cut."""
    number = f"{item.position + 1} ⚑" if item.flagged else str(item.position + 1)
    detail = item.answer
    question = f"{name} {' '.join(item.prompt.split())}"
    if detail is None:
        return number, unanswered, question
    if detail.final_score is None:
        return number, "not graded", question
    mark = " review" if detail.waits_for_teacher else (" ✎" if detail.overrides else "")
    return number, score_out_of(detail.final_score, item.max_points) + mark, question


def fitted(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, Text]]:
    """The rows with the question cut ('…') to what the list leaves it beside the widest '#' and score:
    cut by the list's edge instead, 'q03-parameters-hyperpa' read as a whole name."""
    used = max((cell_len(row[0]) for row in rows), default=1) + max(
        (cell_len(row[1]) for row in rows), default=5
    )
    room = max(LIST_WIDTH - LIST_GAPS - used, 8)
    return [(number, score, Text(_cut(question, room))) for number, score, question in rows]


COLUMN_LABELS = ("#", "Score", "Question")


def _cut(text: str, room: int) -> str:
    return text if cell_len(text) <= room else text[: room - 1].rstrip() + "…"


class SessionDetailScreen(TentaScreen[None]):
    """Left: the questions of the session (⚑ = flagged by the student). Right: the highlighted one in
    full (✎ = teacher override), in the language its feedback was given in (grade_notes.answer_labels), as
    is the "I disagree" dialog about it; the list, the title and the keys are the app's and stay English."""

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
        Binding(
            "d",
            "disagree",
            "I disagree",
            tooltip="Ask a teacher to review the highlighted answer's grade (once per answer).",
        ),
    ]
    """pgdn and pgup are the answer pane's, not the question list's (↑↓ pick a question, a quiz has a
    screenful of them): the focus rests on the list, so without them the pane read only with a mouse.
    'I disagree' is here too, as on the feedback screen: the answers handed in at the finish or at a timed
    exam's end never had a feedback screen, and a grade reread later could not be questioned."""

    def __init__(self, session_id: int, *, position: int = 0) -> None:
        """`position`: the question (its place in the quiz) shown first."""
        super().__init__()
        self.session_id = session_id
        self.position = position
        self._detail: SessionDetail | None = None
        self._bank: Bank | None = None
        self._shown: SessionItemDetail | None = None
        self._labels = ENGLISH_LABELS

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
        self.query_one(DataTable).add_columns(*COLUMN_LABELS)
        self.load_detail()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_detail(self) -> None:
        ctx = self.tenta.ctx
        detail = ctx.repository.session_detail(self.session_id)
        try:
            self._bank = ctx.catalog.load(detail.summary.bank_id)
        except TentaError:  # a removed bank: its answered questions still have their snapshots
            self._bank = None
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: SessionDetail) -> None:
        self._detail = detail
        summary = counted_summary(detail)
        score = score_out_of(summary.score, summary.max_points) if summary.score is not None else "not graded"
        left = unanswered_note(detail.summary)
        score += f" · {left}" if left else ""
        flagged = sum(item.flagged for item in detail.items)
        flags = f" · ⚑ {flagged} flagged" if flagged else ""
        self.query_one("#detail-title", Static).update(
            f"[b]{escape(summary.bank_id)}[/b] · {escape(session_label(summary.mode, summary.topics))} · "
            f"{local_minute(summary.started_at)} · {score}{flags}"
        )
        table = self.query_one(DataTable)
        unanswered = unanswered_label(detail.summary)
        rows = fitted(
            [
                item_cells(item, question_name(item, self._bank), unanswered=unanswered)
                for item in detail.items
            ]
        )
        fill_table(table, COLUMN_LABELS, rows, keys=[str(item.position) for item in detail.items])
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
        self._shown = item
        self._labels = answer_labels(item.answer) if item.answer is not None else ENGLISH_LABELS
        self.position = item.position
        self.refresh_bindings()
        flag = self.query_one("#detail-flag", Static)
        flag.display = item.flagged
        flag.update(self._labels.flagged)
        view = self.query_one(AnswerView)
        empty = self.query_one("#detail-empty", Static)
        view.display = item.answer is not None
        empty.display = item.answer is None
        feedback = outcome_feedback(item.answer) if item.answer is not None else ""
        self.query_one("#detail-feedback", Static).update(escape(feedback))
        self.query_one("#detail-feedback").display = bool(feedback)
        if item.answer is not None:
            view.show(item.answer, self._labels)
        else:
            draft = f"\n\nUnsubmitted draft:\n{item.draft}" if item.draft else ""
            empty.update(Content(f"{item.prompt}\n\n{self._unanswered_note()}{draft}"))

    def _unanswered_note(self) -> str:
        if self._detail is None:
            return SKIPPED.detail_note
        return unanswered_wording(self._detail.summary).detail_note

    async def action_read(self, scroll: str) -> None:
        """Scroll the answer pane as its own keys would (`scroll` names a scroll container's action)."""
        await self.query_one("#detail-answer", VerticalScroll).run_action(scroll)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """'I disagree' for a graded answer whose regrade was not requested yet (else shown dimmed)."""
        if action == "disagree":
            answer = self._shown.answer if self._shown is not None else None
            return True if answer is not None and answer.grades and not answer.regrade_requested else None
        return True

    def action_disagree(self) -> None:
        if self._shown is not None and self._shown.answer is not None:
            self._ask_why(self._shown.answer.answer.id, "", self._labels)

    def _ask_why(self, answer_id: int, reason: str, labels: GradeLabels) -> None:
        self.app.push_screen(
            DisagreeDialog(reason, labels=labels),
            callback=lambda typed: self._disagreed(answer_id, typed, labels),
        )

    def _disagreed(self, answer_id: int, reason: str | None, labels: GradeLabels) -> None:
        """Store the request; when the database refuses it, the dialog opens again with the reason typed.
        The notices are in the dialog's language (`labels`), whichever answer is highlighted meanwhile."""
        if reason is None:
            return
        try:
            self.tenta.ctx.repository.request_regrade(answer_id, reason or "student disagrees")
        except TentaError as error:
            self.notify(error.message, title=labels.regrade_failed, severity="error")
            self._ask_why(answer_id, reason, labels)
            return
        self.notify(labels.regrade_requested, title=labels.thanks)
        self.load_detail()

    def action_back(self) -> None:
        self.dismiss()
