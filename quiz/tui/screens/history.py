"""History: every past quiz of the profile, filterable, with drill-down to each answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key
from textual.widgets import DataTable, Footer, Header, Input, Static

from db.records import SessionSummary
from quiz.local_time import local_minute
from quiz.modes import ROW_TOPICS, mode_label, topic_label
from quiz.progress import counted_summaries
from quiz.scores import score_out_of
from quiz.tui.screens.base import TentaScreen
from quiz.tui.screens.session_detail import SessionDetailScreen
from quiz.tui.widgets.table_fill import column_widths, fill_table

COLUMNS = ("Date", "Mode", "Score", "%", "Answered", "Status", "Review", "Topics", "Bank")
"""The long columns last: a practice quiz's topics in the Mode column ('Practice · topics: cnn, hardware +1
more') pushed the score, the percentage and the review mark off an 80-column screen."""


def summary_cells(summary: SessionSummary) -> tuple[str, ...]:
    """A session's cells in COLUMNS' order."""
    score = score_out_of(summary.score, summary.max_points) if summary.score is not None else "–"
    percent = f"{summary.percent:.0f}%" if summary.percent is not None else "–"
    review = f"⚑ {summary.needs_review_count}" if summary.needs_review_count else ""
    return (
        local_minute(summary.started_at),
        mode_label(summary.mode),
        score,
        percent,
        f"{summary.answered_count}/{summary.question_count}",
        summary.status.value.replace("_", " "),
        review,
        topics_cell(summary.topics),
        summary.bank_id,
    )


def topics_cell(topics: Sequence[str]) -> str:
    """'cnn, hardware +1 more' ('all' for a quiz of the whole bank); the session detail names them all."""
    if not topics:
        return "all"
    names = [topic_label(topic) for topic in topics]
    more = f" +{len(names) - ROW_TOPICS} more" if len(names) > ROW_TOPICS else ""
    return ", ".join(names[:ROW_TOPICS]) + more


class HistoryScreen(TentaScreen[None]):
    """Sessions newest first; type to filter on any column, enter to open one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the home screen."),
        Binding("slash", "focus_filter", "Filter", tooltip="Type to filter the sessions."),
    ]

    def __init__(self, student_id: int) -> None:
        super().__init__()
        self.student_id = student_id
        self._sessions: list[SessionSummary] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="history"):
            yield Input(
                placeholder="Filter: bank, mode, topic, date, status…",
                id="history-filter",
                select_on_focus=False,
            )
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static("Loading…", id="history-empty", classes="empty-state")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#history-filter", Input).cursor_blink = self.tenta.cursor_blink
        self.query_one(DataTable).display = False
        self.load_sessions()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load_sessions(self) -> None:
        repository = self.tenta.ctx.repository
        sessions = counted_summaries(repository, repository.history(student_id=self.student_id))
        self.app.call_from_thread(self._show_sessions, sessions)

    def _show_sessions(self, sessions: list[SessionSummary]) -> None:
        self._sessions = sessions
        self._fill(self.query_one("#history-filter", Input).value)
        if sessions:
            self.query_one(DataTable).focus()

    def _fill(self, query: str) -> None:
        table = self.query_one(DataTable)
        needle = query.strip().lower()
        every_row = {str(summary.session_id): summary_cells(summary) for summary in self._sessions}
        rows = {key: cells for key, cells in every_row.items() if needle in " ".join(cells).lower()}
        # as wide as every session's cells, so that typing a filter does not move the columns
        widths = column_widths(COLUMNS, every_row.values())
        fill_table(table, COLUMNS, list(rows.values()), keys=list(rows), widths=widths)
        shown = len(rows)
        empty = self.query_one("#history-empty", Static)
        if not self._sessions:
            empty.update("No sessions yet — press escape, then n to start a quiz.")
        elif shown == 0:
            empty.update(Content(f"No session matches “{query}”."))
        table.display = shown > 0
        empty.display = shown == 0

    @on(Input.Changed, "#history-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#history-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected, "#history-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(SessionDetailScreen(int(event.row_key.value)))

    def on_key(self, event: Key) -> None:
        self.type_into_filter(event, "history-filter")

    def action_focus_filter(self) -> None:
        """Focus the filter with its text selected, so typing replaces it and arrows keep it."""
        box = self.query_one("#history-filter", Input)
        box.focus()
        box.select_all()

    def action_back(self) -> None:
        self.dismiss()
