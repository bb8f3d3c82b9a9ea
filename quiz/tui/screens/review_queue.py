"""Teacher review queue: answers flagged for review or with a regrade request; decide the key points
(the score follows them) or type a score, add a comment, save. With anonymous grading (the setting, or
`n`) students are shown by their pseudonym, each row by the one of its own answer's bank (the queue may
span several); `k` shows which key points the class missed."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Header, Input, Label, Static

from db.records import AnswerDetail
from question_bank.errors import TentaError
from quiz.scores import format_score, score_out_of
from quiz.teacher.anonymous import Pseudonyms, pseudonyms_for, shown
from quiz.teacher.review import apply_override, score_from_points
from quiz.tui.screens.base import TentaScreen
from quiz.tui.widgets.answer_view import AnswerView
from quiz.tui.widgets.key_footer import TEACHER_FOOTER_MINOR, KeyFooter
from quiz.tui.widgets.point_decisions import PointDecisions
from quiz.tui.widgets.table_fill import Cell, fill_table

COLUMNS = ("Student", "Question", "Auto", "Why")


def queue_cells(detail: AnswerDetail) -> tuple[str, str, str, str]:
    answer = detail.answer
    grade = detail.latest_grade
    auto = score_out_of(grade.score, detail.max_points) if grade else "–"
    why = "regrade" if detail.regrade_requested else _flagged_for(detail)
    number = detail.question.number
    return answer.student_name, f"Q{number}" if number is not None else answer.question_id, auto, why


def _flagged_for(detail: AnswerDetail) -> str:
    """Why the grader sent the answer here, as `tenta review` says it: its flags ('wrong question',
    'off topic'), else 'unsure' (low confidence alone)."""
    grade = detail.latest_grade
    flags = [flag for flag in (grade.flags if grade else []) if flag != "low_confidence"]
    return ", ".join(flag.replace("_", " ") for flag in flags) or "unsure"


class ReviewQueueScreen(TentaScreen[None]):
    """Pick an answer, decide its key points or type the score, comment, save: stored as an override
    (with the key-point decisions) and an audit entry."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the home screen."),
        Binding(
            "ctrl+s", "save", "Save", priority=True, tooltip="Store the score and comment as an override."
        ),
        Binding("ctrl+a", "accept", "Accept auto", priority=True, tooltip="Keep the automatic score."),
        Binding(
            "g",
            "groups",
            "Answer groups",
            tooltip="Grade the current answer's question by groups of similar answers.",
        ),
        Binding(
            "k",
            "point_stats",
            "Point stats",
            tooltip="Which key points the class covered, partly covered and missed.",
        ),
        Binding(
            "n",
            "toggle_names",
            "Anonymous",
            tooltip="Show students by name or by pseudonym (anonymous grading): one per student and bank.",
        ),
    ]

    def __init__(self, bank_id: str | None, teacher: str, *, anonymous: bool | None = None) -> None:
        """`anonymous` None follows the TENTA_ANONYMOUS_GRADING setting."""
        super().__init__()
        self.bank_id = bank_id
        self.teacher = teacher
        self.anonymous = anonymous
        self.pseudonyms: Pseudonyms | None = None
        self._queue: list[AnswerDetail] = []
        self._selected: AnswerDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="queue-title")
        with Horizontal(id="queue"):
            yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="queue-side"):
                with VerticalScroll(id="queue-answer"):
                    yield AnswerView(id="queue-view")
                yield Label(
                    "Key points — space or click: covered → partial → missing",
                    id="queue-points-title",
                    classes="section-title",
                )
                yield PointDecisions(id="queue-points")
                with Horizontal(id="queue-form"):
                    yield Input(placeholder="Score", id="override-score", type="number")
                    yield Input(placeholder="Comment for the student", id="override-comment")
                    yield Button("Save", id="override-save", variant="primary")
        yield Static("", id="queue-empty", classes="empty-state")
        yield KeyFooter(minor=TEACHER_FOOTER_MINOR)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.tenta.cursor_blink
        self.query_one(DataTable).add_columns(*COLUMNS)
        if self.anonymous is None:
            self.anonymous = self.tenta.ctx.settings.anonymous_grading
        self.load_queue()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_queue(self) -> None:
        ctx = self.tenta.ctx
        queue = ctx.repository.review_queue(self.bank_id)
        pseudonyms = pseudonyms_for(ctx.repository, ctx.settings.data_dir) if self.anonymous else None
        self.app.call_from_thread(self._show_queue, queue, pseudonyms)

    def _show_queue(self, queue: list[AnswerDetail], pseudonyms: Pseudonyms | None = None) -> None:
        self._queue = queue
        self.pseudonyms = pseudonyms
        table = self.query_one(DataTable)
        cells = [queue_cells(shown(detail, pseudonyms)) for detail in queue]
        # a name as typed, not markup
        rows: list[tuple[Cell, ...]] = [(Text(student), *rest) for student, *rest in cells]
        fill_table(table, COLUMNS, rows, keys=[str(detail.answer.id) for detail in queue])
        has_items = bool(queue)
        self.query_one("#queue").display = has_items
        empty = self.query_one("#queue-empty", Static)
        empty.display = not has_items
        empty.update(
            "Nothing to review — answers the grader is unsure about and regrade requests appear here."
        )
        anonymous = " · [b]anonymous[/b]" if pseudonyms is not None else ""
        self.query_one("#queue-title", Static).update(
            f"[b]Review queue[/b] · {len(queue)} answer(s) · {self.bank_id or 'all banks'}"
            f" · teacher {self.teacher}{anonymous}"
        )
        if has_items:
            table.focus()
            kept = self._selected.answer.id if self._selected is not None else None
            row = next((index for index, item in enumerate(queue) if item.answer.id == kept), 0)
            table.move_cursor(row=row)
            self._select(queue[row])
        else:
            self._selected = None
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#queue-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is None:
            return
        answer_id = int(event.row_key.value)
        detail = next((item for item in self._queue if item.answer.id == answer_id), None)
        if detail is not None:
            self._select(detail)

    @on(DataTable.RowSelected, "#queue-table")
    def _chosen(self) -> None:
        points = self.query_one(PointDecisions)
        (points if points.display else self.query_one("#override-score", Input)).focus()

    def _select(self, detail: AnswerDetail) -> None:
        self._selected = detail
        self.query_one(AnswerView).show(shown(detail, self.pseudonyms))
        points = self.query_one(PointDecisions)
        points.show(detail)
        has_points = bool(points.rows)
        points.display = has_points
        self.query_one("#queue-points-title").display = has_points
        score = self.query_one("#override-score", Input)
        score.value = format_score(detail.final_score)
        score.placeholder = f"Score 0–{detail.max_points:g}"
        self.query_one("#override-comment", Input).value = ""

    @on(PointDecisions.Changed)
    def _points_changed(self, event: PointDecisions.Changed) -> None:
        """The score follows the key points (the teacher can still type another one)."""
        if self._selected is not None:
            score = score_from_points(self._selected, event.decisions)
            self.query_one("#override-score", Input).value = format_score(score)

    @on(Button.Pressed, "#override-save")
    @on(Input.Submitted, "#override-comment")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Input.Submitted, "#override-score")
    def _score_entered(self) -> None:
        self.query_one("#override-comment", Input).focus()

    def action_save(self) -> None:
        detail = self._selected
        if detail is None:
            return
        raw = self.query_one("#override-score", Input).value.strip().replace(",", ".")
        try:
            score = float(raw)
        except ValueError:
            self.notify(f"Type a score between 0 and {detail.max_points:g}.", severity="warning")
            return
        if not 0 <= score <= detail.max_points:
            self.notify(f"The score must be between 0 and {detail.max_points:g}.", severity="warning")
            return
        comment = self.query_one("#override-comment", Input).value.strip()
        self._store(detail, score, comment, self.query_one(PointDecisions).decisions)

    def action_accept(self) -> None:
        detail = self._selected
        if detail is None or detail.latest_grade is None:
            return
        comment = self.query_one("#override-comment", Input).value.strip() or "Automatic score confirmed."
        self._store(detail, detail.latest_grade.score, comment)

    def _store(
        self, detail: AnswerDetail, score: float, comment: str, point_credits: dict[str, float] | None = None
    ) -> None:
        """Store the decision as `tenta override` does (`apply_override`): the same decision as the
        answer's latest one stores nothing and says so. The answer is read again first, as the queue
        shown may be older than a decision saved since (a second ctrl+s, or `tenta override`)."""
        repository = self.tenta.ctx.repository
        decisions = point_credits or {}
        try:
            outcome = apply_override(
                repository,
                repository.get_answer(detail.answer.id),
                score=score,
                point_credits=decisions,
                comment=comment,
                teacher=self.teacher,
            )
        except TentaError as error:
            self.notify(error.message, severity="error")
            return
        answer = f"{shown(detail, self.pseudonyms).answer.student_name}, {detail.answer.question_id}"
        if outcome.stored:
            decided = f" ({len(decisions)} key point(s) decided)" if decisions else ""
            self.notify(f"Saved {score:g} for {answer}{decided}.")
        else:
            latest = outcome.override
            self.notify(
                f"{answer}: already has this decision, {score_out_of(latest.score, detail.max_points)} "
                f"(override {latest.id} by {latest.teacher}); nothing stored.",
                severity="warning",
            )
        self.load_queue()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Answer groups need an answer to take the question from: hidden while the queue is empty."""
        return not (action == "groups" and self._selected is None)

    def action_groups(self) -> None:
        """Open the answer groups of the current answer's question; the queue reloads on return."""
        from quiz.tui.screens.answer_groups import AnswerGroupsScreen

        detail = self._selected
        if detail is None:
            return
        screen = AnswerGroupsScreen(
            detail.answer.bank_id, detail.answer.question_id, self.teacher, anonymous=self.anonymous
        )
        self.app.push_screen(screen, callback=self._groups_closed)

    def action_point_stats(self) -> None:
        """Per key point, how the class did (`tenta stats --points`), over this queue's bank(s)."""
        from quiz.teacher.analysis import key_point_tallies
        from quiz.tui.screens.key_point_stats import KeyPointStatsScreen

        tallies = key_point_tallies(self.tenta.ctx.repository.answer_history(bank_id=self.bank_id))
        where = f"bank {self.bank_id}" if self.bank_id else "every bank"
        self.app.push_screen(KeyPointStatsScreen(f"Key points — {where}", tallies))

    def _groups_closed(self, anonymous: bool | None) -> None:
        """Answers decided by group leave the queue; names stay hidden or shown as they were left."""
        if anonymous is not None:
            self.anonymous = anonymous
        self.load_queue()

    def action_toggle_names(self) -> None:
        """Names ⇄ pseudonyms; the highlighted answer stays highlighted."""
        self.anonymous = not self.anonymous
        self.load_queue()

    def action_back(self) -> None:
        self.dismiss()
