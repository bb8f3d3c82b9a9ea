"""The question browser (Anki's Browse, Moodle's question bank preview): every question of the bank with the
student's standing on it — last and best score, attempts, FSRS state and due date, lapses, suspended /
leech / flagged marks — sortable by any column, filtered by typing, with the chosen topics or all of them.
Enter opens a question in full; f4 suspends or unsuspends it; f5 practises it alone, now. Every printable
key typed in the list goes to the filter (a file manager's type-ahead), so the list's own actions are on
ctrl and function keys."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.events import Key, Resize
from textual.widgets import DataTable, Header, Input, Static

from db.records import AnswerDetail, QuizSessionRecord, ReviewCardRecord, SessionStatus
from question_bank.errors import TentaError
from question_bank.models import Bank, Question
from quiz import scheduling, topics
from quiz.modes import QuizMode, mode_label
from quiz.progress import question_label
from quiz.tui import messages
from quiz.tui.screens.base import TentaScreen
from quiz.tui.screens.question_detail import QuestionDetailScreen, due_text, set_suspended
from quiz.tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from db.repository import Repository

STATE_NAMES = {1: "learn", 2: "review", 3: "relearn"}
"""fsrs.State values as the browser names them; a question without a card is 'new'."""

LEGEND = "⏸ suspended · ↯ leech · ⚑ flagged in your unfinished quiz"
NARROW = 100
"""Below this many columns the topics and lapses columns are left out (the filter still searches topics)."""
GAP = 1
"""Blank cells after each column (the table's own padding would spend two per column)."""
EDGES = 6
"""Columns of the screen the table cannot use: the screen's padding, the scrollbar, a spare one."""
MAX_ID_WIDTH = 16
"""The widest the # column grows for a bank whose questions have ids but no numbers."""
FOOTER_MINOR = ("focus_filter", "toggle_language", "toggle_all")
"""Keys the footer leaves out first (in this order) on a narrow terminal: the filter box says typing
filters, the title names ctrl+t when topics are chosen, and f1 lists every key."""


def folded(text: str) -> str:
    """Lower case without accents, so 'overforing' finds 'överföring' and 'Regularisering' finds
    'regularisering'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True)
class BrowserData:
    """What the browser shows for one student and bank, read in one go off the UI thread."""

    bank: Bank
    answers: dict[str, list[AnswerDetail]]
    """The student's answers per question id, newest first."""
    cards: dict[str, ReviewCardRecord]
    suspended: set[str]
    unfinished: QuizSessionRecord | None
    chosen_topics: list[str]


def load_browser_data(repository: Repository, student_id: int, bank: Bank) -> BrowserData:
    answers: dict[str, list[AnswerDetail]] = defaultdict(list)
    for detail in repository.answer_history(student_id, bank.id):
        answers[detail.answer.question_id].append(detail)
    unfinished = repository.resumable_session(student_id, bank.id)
    return BrowserData(
        bank=bank,
        answers=dict(answers),
        cards={card.question_id: card for card in repository.review_cards(student_id, bank.id)},
        suspended=scheduling.suspended_ids(repository, student_id, bank.id),
        unfinished=unfinished if unfinished and unfinished.status is SessionStatus.IN_PROGRESS else None,
        chosen_topics=topics.known_topics(bank, repository.topic_filter(student_id, bank.id)),
    )


@dataclass(frozen=True)
class BrowserRow:
    """One question as a row: the values its columns show and sort by."""

    question: Question
    prompt: str
    last: float | None
    best: float | None
    attempts: int
    card: ReviewCardRecord | None
    suspended: bool
    flagged: bool
    searchable: str

    @property
    def state(self) -> str:
        return STATE_NAMES.get(self.card.state, "?") if self.card is not None else "new"

    @property
    def marks(self) -> str:
        leech = self.card is not None and self.card.leech
        return "".join(mark for mark, on in (("⏸", self.suspended), ("↯", leech), ("⚑", self.flagged)) if on)


def browser_row(question: Question, data: BrowserData, language: str) -> BrowserRow:
    answers = data.answers.get(question.id, [])
    scores = [detail.final_score for detail in answers if detail.final_score is not None]
    flagged = data.unfinished is not None and question.id in data.unfinished.flagged
    searchable = " ".join(
        (question.id, question_label(question), *question.prompt.values(), *question.topics)
    )
    return BrowserRow(
        question=question,
        prompt=" ".join(question.prompt_in(language).split()),
        last=scores[0] if scores else None,
        best=max(scores) if scores else None,
        attempts=len(answers),
        card=data.cards.get(question.id),
        suspended=question.id in data.suspended,
        flagged=flagged,
        searchable=folded(searchable),
    )


def matches(row: BrowserRow, query: str) -> bool:
    """Every word of the query is somewhere in the question's id, number, prompts (all languages) or
    topics (Anki's search: words are ANDed)."""
    return all(word in row.searchable for word in folded(query).split())


def _score(value: float | None) -> str:
    return f"{value:g}" if value is not None else "–"


def _due(row: BrowserRow, now: datetime) -> str:
    return due_text(row.card.due, now) if row.card is not None else "–"


def _truncated(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


@dataclass(frozen=True)
class Column:
    """A column of the browser: its header, width, cell text, and the value it sorts by (None last)."""

    key: str
    label: str
    width: int
    cell: Callable[[BrowserRow, datetime], str]
    sort_value: Callable[[BrowserRow], Any]
    wide_only: bool = False


def _number(row: BrowserRow) -> tuple[int, str]:
    return (row.question.number or 10**9, row.question.id)


COLUMNS: tuple[Column, ...] = (
    Column("number", "#", 3, lambda row, _: question_label(row.question), _number),
    Column("prompt", "Question", 0, lambda row, _: row.prompt, lambda row: row.prompt.casefold()),
    Column(
        "topics",
        "Topics",
        14,
        lambda row, _: ", ".join(row.question.topics),
        lambda row: ", ".join(row.question.topics).casefold() or None,
        wide_only=True,
    ),
    Column(
        "points", "Pts", 3, lambda row, _: f"{row.question.max_points:g}", lambda row: row.question.max_points
    ),
    Column("last", "Last", 4, lambda row, _: _score(row.last), lambda row: row.last),
    Column("best", "Best", 4, lambda row, _: _score(row.best), lambda row: row.best),
    Column("attempts", "Tries", 4, lambda row, _: str(row.attempts), lambda row: row.attempts),
    Column("state", "State", 7, lambda row, _: row.state, lambda row: row.card.state if row.card else 0),
    Column("due", "Due", 7, _due, lambda row: row.card.due if row.card else None),
    Column(
        "lapses",
        "Lapses",
        5,
        lambda row, _: str(row.card.lapses) if row.card else "–",
        lambda row: row.card.lapses if row.card else None,
        wide_only=True,
    ),
    Column("marks", "Mark", 3, lambda row, _: row.marks, lambda row: row.marks or None),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)


def sorted_rows(rows: Sequence[BrowserRow], key: str, *, descending: bool) -> list[BrowserRow]:
    """Rows sorted by a column; rows without a value (never answered, no card) stay last either way,
    and ties keep exam order."""
    column = next(column for column in COLUMNS if column.key == key)
    by_number = sorted(rows, key=_number)
    present = [row for row in by_number if column.sort_value(row) is not None]
    missing = [row for row in by_number if column.sort_value(row) is None]
    present.sort(key=column.sort_value, reverse=descending)
    return present + missing


class BrowserScreen(TentaScreen[None]):
    """Top: a filter box. Middle: the questions. Enter opens one; typing filters; ctrl and function keys
    act on the list."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Home", tooltip="Back to the home screen."),
        Binding(
            "escape", "clear_filter", "Clear filter", tooltip="Empty the filter and go back to the list."
        ),
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            tooltip="Type words of a prompt (Swedish or English) or a topic; typing in the list starts "
            "a filter too.",
        ),
        Binding(
            "ctrl+o", "next_sort", "Sort", tooltip="Sort by the next column (or click a column's header)."
        ),
        Binding("ctrl+r", "reverse_sort", "Reverse", show=False, tooltip="Reverse the sort order."),
        Binding(
            "ctrl+t",
            "toggle_all",
            "All topics",
            tooltip="Show every topic's questions, or only the chosen ones.",
        ),
        Binding("f4", "toggle_suspend", "Suspend", tooltip="Suspend or unsuspend the highlighted question."),
        Binding("f5", "practice", "Practise", tooltip="A practice quiz on the highlighted question alone."),
        Binding(
            "ctrl+l", "toggle_language", "Language", tooltip="Show the prompts in the bank's other language."
        ),
    ]

    def __init__(self, student_id: int, bank_id: str) -> None:
        super().__init__()
        self.student_id = student_id
        self.bank_id = bank_id
        self.data: BrowserData | None = None
        self.language: str | None = None
        self.sort_key = "number"
        self.descending = False
        self.show_all = False
        self.shown: list[BrowserRow] = []
        self._rows: dict[str, BrowserRow] = {}
        self._rows_language: str | None = None
        """The language `_rows` were made in (None: to be made again, after a reload)."""
        self._practice_armed: str | None = None
        """A question whose practice was asked for while an unfinished quiz exists: f5 again confirms."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="browser"):
            yield Input(
                placeholder="Type to filter: words of a prompt (sv/en), a topic, Q3…",
                id="browser-filter",
                select_on_focus=False,
            )
            yield Static("Loading…", id="browser-title")
            yield DataTable(id="browser-table", cursor_type="row", zebra_stripes=True, cell_padding=0)
            yield Static("", id="browser-empty", classes="empty-state")
            yield Static(LEGEND, id="browser-legend", classes="muted")
        yield KeyFooter(minor=FOOTER_MINOR)

    def on_mount(self) -> None:
        self.query_one("#browser-filter", Input).cursor_blink = self.tenta.cursor_blink
        self.query_one(DataTable).display = False
        self.query_one("#browser-empty").display = False
        self.load()

    def on_screen_resume(self) -> None:
        """Back from a question or a practice quiz: scores, due dates and suspensions may have changed."""
        if self.data is not None:
            self.load()

    @work(thread=True, exclusive=True, group="browser", exit_on_error=False)
    def load(self) -> None:
        ctx = self.tenta.ctx
        try:
            bank = ctx.catalog.load(self.bank_id)
            data = load_browser_data(ctx.repository, self.student_id, bank)
        except TentaError as error:
            self.app.call_from_thread(
                self.notify, error.message, title="Cannot list questions", severity="error"
            )
            return
        self.app.call_from_thread(self._show, data)

    def _show(self, data: BrowserData) -> None:
        first_time = self.data is None
        self.data, self._rows_language = data, None
        if self.language is None or self.language not in data.bank.languages:
            self.language = data.bank.languages[0]
        self.fill()
        if first_time and self.shown:
            self.query_one(DataTable).focus()

    # ----- the list --------------------------------------------------------------------------------------

    def rows(self) -> list[BrowserRow]:
        """The questions in scope (chosen topics unless all are shown) that match the filter, sorted."""
        if self.data is None or self.language is None:
            return []
        if self._rows_language != self.language:
            data, language = self.data, self.language
            self._rows = {
                question.id: browser_row(question, data, language) for question in data.bank.questions
            }
            self._rows_language = self.language
        chosen = [] if self.show_all else self.data.chosen_topics
        query = self.query_one("#browser-filter", Input).value
        rows = [self._rows[question.id] for question in topics.restrict(self.data.bank.questions, chosen)]
        return sorted_rows(
            [row for row in rows if matches(row, query)], self.sort_key, descending=self.descending
        )

    def _arrow(self, key: str) -> str:
        if key != self.sort_key:
            return ""
        return "▼" if self.descending else "▲"

    def columns(self) -> list[Column]:
        wide = self.size.width >= NARROW
        return [column for column in COLUMNS if wide or not column.wide_only]

    def fill(self) -> None:
        """Rebuild the table (columns too: the prompt takes the width the others leave), keeping the
        highlighted question highlighted."""
        if self.data is None:
            return
        table = self.query_one(DataTable)
        highlighted = self.highlighted()
        self.shown = self.rows()
        columns = self.columns()
        if self.sort_key not in {column.key for column in columns}:  # narrowed past the sorted column
            self.sort_key, self.descending = "number", False
        labels = {column.key: column.label + self._arrow(column.key) for column in columns}
        widths = {column.key: max(column.width, len(labels[column.key])) + GAP for column in columns}
        numbers = [len(question_label(row.question)) for row in self.shown]  # ids when a bank has no numbers
        widths["number"] = max(widths["number"], min(max(numbers, default=0), MAX_ID_WIDTH) + GAP)
        fixed = sum(width for key, width in widths.items() if key != "prompt")
        prompt_width = max(self.size.width - fixed - EDGES, 12)
        widths["prompt"] = prompt_width + GAP
        now = self.tenta.clock()
        table.clear(columns=True)
        for column in columns:
            table.add_column(labels[column.key], width=widths[column.key], key=column.key)
        for row in self.shown:
            cells = [Text(_truncated(column.cell(row, now), widths[column.key] - GAP)) for column in columns]
            table.add_row(*cells, key=row.question.id)
        if highlighted is not None and highlighted.question.id in {row.question.id for row in self.shown}:
            table.move_cursor(row=table.get_row_index(highlighted.question.id))
        self._show_title()
        empty = self.query_one("#browser-empty", Static)
        if not self.shown:
            query = self.query_one("#browser-filter", Input).value.strip()
            empty.update(
                Content(f"No question matches “{query}”." if query else "No question in the chosen topics.")
            )
        table.display = bool(self.shown)
        empty.display = not self.shown

    def _show_title(self) -> None:
        assert self.data is not None
        data = self.data
        in_scope = len(topics.restrict(data.bank.questions, [] if self.show_all else data.chosen_topics))
        if self.show_all or not data.chosen_topics:
            scope = f"all topics · {in_scope} questions"
        else:
            scope = (
                f"topics: {topics.describe(data.chosen_topics)} · {in_scope} of {len(data.bank.questions)}"
            )
        if data.chosen_topics:
            scope += f" · ctrl+t: {'only chosen' if self.show_all else 'all'}"
        shown = f" · {len(self.shown)} shown" if len(self.shown) != in_scope else ""
        self.query_one("#browser-title", Static).update(
            f"[b]{escape(data.bank.title)}[/b] · {self.language} · {escape(scope)}{shown}"
        )

    def highlighted(self) -> BrowserRow | None:
        table = self.query_one(DataTable)
        if not self.shown or not table.display or table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return next((row for row in self.shown if row.question.id == row_key.value), None)

    def on_resize(self, event: Resize) -> None:
        self.fill()

    # ----- events ----------------------------------------------------------------------------------------

    @on(Input.Changed, "#browser-filter")
    def _filter_changed(self) -> None:
        self.fill()

    @on(Input.Submitted, "#browser-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.HeaderSelected, "#browser-table")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        """Anki: a click on a column's header sorts by it; a second click reverses the order."""
        key = str(event.column_key.value)
        if key == self.sort_key:
            self.descending = not self.descending
        else:
            self.sort_key, self.descending = key, False
        self.fill()

    @on(DataTable.RowSelected, "#browser-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        row = next((row for row in self.shown if row.question.id == event.row_key.value), None)
        if row is None or self.data is None or self.language is None:
            return
        answers = self.data.answers.get(row.question.id, [])
        screen = QuestionDetailScreen(
            self.student_id,
            self.data.bank,
            row.question,
            answers,
            self.language,
            card=row.card,
            suspended=row.suspended,
        )
        self.app.push_screen(screen, callback=self._after_detail)

    def _after_detail(self, wanted: str | None) -> None:
        if wanted is not None:
            self._practice(wanted)

    # ----- actions ---------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape clears the filter while the filter box has focus and goes home from the list; only the
        one it does is in the footer."""
        if action in ("back", "clear_filter"):
            in_filter = self.focused is self.query_one("#browser-filter", Input)
            return in_filter == (action == "clear_filter")
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_back(self) -> None:
        self.dismiss()

    def action_clear_filter(self) -> None:
        self.query_one("#browser-filter", Input).value = ""
        self.fill()
        self.query_one(DataTable).focus()

    def on_key(self, event: Key) -> None:
        self.type_into_filter(event, "browser-filter")

    def action_focus_filter(self) -> None:
        """Focus the filter with its text selected, so typing replaces it and arrows keep it."""
        box = self.query_one("#browser-filter", Input)
        box.focus()
        box.select_all()

    def action_next_sort(self) -> None:
        keys = [column.key for column in self.columns()]
        following = keys.index(self.sort_key) + 1 if self.sort_key in keys else 0
        self.sort_key, self.descending = keys[following % len(keys)], False
        self.fill()

    def action_reverse_sort(self) -> None:
        self.descending = not self.descending
        self.fill()

    def action_toggle_all(self) -> None:
        if self.data is None:
            return
        if not self.data.chosen_topics:
            self.notify("Every topic is shown: t on the home screen chooses topics.")
            return
        self.show_all = not self.show_all
        self.fill()

    def action_toggle_language(self) -> None:
        if self.data is None or self.language is None:
            return
        languages = list(self.data.bank.languages)
        if len(languages) < 2:
            self.notify("This bank is written in one language only.")
            return
        self.language = languages[(languages.index(self.language) + 1) % len(languages)]
        self.fill()

    def action_toggle_suspend(self) -> None:
        row = self.highlighted()
        if row is None:
            return
        repository = self.tenta.ctx.repository
        try:
            told = set_suspended(repository, self.student_id, self.bank_id, row.question, not row.suspended)
        except TentaError as error:
            self.notify(error.message, title="Not changed", severity="error")
            return
        self.notify(told)
        self.load()

    def action_practice(self) -> None:
        row = self.highlighted()
        if row is not None:
            self._practice(row.question.id)

    def _practice(self, question_id: str) -> None:
        """Start a practice session asking this question alone. An unfinished quiz of the bank would be
        set aside (as any new quiz does), so the first f5 only says so and a second f5 goes ahead."""
        if self.data is None:
            return
        unfinished = self.data.unfinished
        if unfinished is not None and self._practice_armed != question_id:
            self._practice_armed = question_id
            answered = f"{len(unfinished.answer_ids)}/{len(unfinished.question_ids)} answered"
            self.notify(
                f"Your unfinished {mode_label(unfinished.mode).lower()} ({answered}) would be set aside; "
                "its submitted answers are kept. Press f5 again to practise this question.",
                title="Unfinished quiz",
                severity="warning",
            )
            return
        self._practice_armed = None
        question = self.data.bank.question(question_id)
        try:
            session = self.tenta.ctx.repository.start_session(
                self.student_id, self.data.bank, [question], QuizMode.PRACTICE.value
            )
        except TentaError as error:
            self.notify(error.message, title="Cannot start practice", severity="error")
            return
        self.post_message(messages.ResumeQuiz(session.id))
