"""Before a quiz ends, list what is not submitted yet (Moodle's "summary of attempt").

Finishing used to close the session at once, so answers that were typed but never submitted with
ctrl+s (the student moved on with ctrl+n) were kept as drafts and never graded. The dialog shows
each question's state; "Submit all and finish" submits every typed answer, and choosing a row goes
back to that question. Questions the student flagged (ctrl+g) are listed too, submitted or not, their
number marked ⚑.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label

from quiz.session import ItemState, ItemSummary
from quiz.tui.widgets.table_fill import fill_table

PROMPT_EXCERPT = 36
FLAG_MARK = "⚑"
FINISH = -1
"""Dismiss value for "Submit all and finish"; a row's position means "go to that question"."""


def counts_line(items: Sequence[ItemSummary]) -> str:
    counts = Counter(item.state for item in items)
    parts = [f"{counts[state]} {state.value}" for state in ItemState if counts[state]]
    flagged = sum(item.flagged for item in items)
    return ", ".join(parts + ([f"{flagged} flagged {FLAG_MARK}"] if flagged else []))


class FinishDialog(ModalScreen[int | None]):
    """Returns FINISH, the position of a question to go back to, or None to return to the quiz."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Return to the quiz")]

    def __init__(self, items: Sequence[ItemSummary], language: str) -> None:
        super().__init__()
        self.items = list(items)
        self.language = language

    def compose(self) -> ComposeResult:
        typed = sum(1 for item in self.items if item.state.needs_submitting)
        with Vertical(classes="dialog", id="finish-dialog"):
            yield Label("Finish the quiz?", classes="dialog-title")
            yield Label(counts_line(self.items) + ".", id="finish-counts")
            if typed:
                yield Label(
                    f"Submit all and finish hands in the {typed} typed answer(s) as they stand.",
                    classes="muted",
                )
            table: DataTable[str | Text] = DataTable(id="finish-items", cursor_type="row", zebra_stripes=True)
            listed = [item for item in self.items if item.state is not ItemState.SUBMITTED or item.flagged]
            fill_table(
                table,
                ("#", "question", "state"),
                [
                    (
                        f"{item.position + 1} {FLAG_MARK}" if item.flagged else str(item.position + 1),
                        Text(self._prompt(item)),
                        item.state.value,
                    )
                    for item in listed
                ],
                keys=[str(item.position) for item in listed],
            )
            table.display = table.row_count > 0
            yield table
            with Horizontal(classes="dialog-buttons"):
                yield Button("Submit all and finish", id="finish", variant="primary")
                yield Button("Return to the quiz", id="back")

    def _prompt(self, item: ItemSummary) -> str:
        prompt = item.question.prompt
        text = " ".join((prompt.get(self.language) or next(iter(prompt.values()))).split())
        return text if len(text) <= PROMPT_EXCERPT else text[: PROMPT_EXCERPT - 1] + "…"

    def on_mount(self) -> None:
        self.query_one("#finish", Button).focus()

    @on(Button.Pressed, "#finish")
    def _finish(self) -> None:
        self.dismiss(FINISH)

    @on(DataTable.RowSelected, "#finish-items")
    def _go_to(self, event: DataTable.RowSelected) -> None:
        assert event.row_key.value is not None
        self.dismiss(int(event.row_key.value))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(None)
