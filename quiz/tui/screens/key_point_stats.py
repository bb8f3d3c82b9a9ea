"""Which key points the class covered and missed (as `tenta stats --points`), from the review queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from quiz.teacher.analysis import KeyPointTally
from quiz.tui.widgets.table_fill import fill_table

POINT_TEXT_LENGTH = 56
COLUMNS = ("Question", "Key point", "Covered", "Partly", "Missed", "% missed", "Teacher")


def tally_cells(tally: KeyPointTally) -> tuple[str, ...]:
    """Question, key point, covered, partly, missed, % missed and the teacher-decided count."""
    text = " ".join(f"{tally.point_id}: {tally.text}".split())
    if len(text) > POINT_TEXT_LENGTH:
        text = text[: POINT_TEXT_LENGTH - 1] + "…"
    missed = f"{100 * tally.missed_share:.0f}%" if tally.missed_share is not None else "–"
    return (
        tally.question_id,
        text,
        str(tally.covered),
        str(tally.partial),
        str(tally.missing),
        missed,
        str(tally.decided),
    )


class KeyPointStatsScreen(ModalScreen[None]):
    """One row per key point of every question with graded answers; escape closes."""

    DEFAULT_CSS = """
    KeyPointStatsScreen .dialog {
        width: 110;
        max-height: 90%;
    }
    KeyPointStatsScreen DataTable {
        height: auto;
        max-height: 30;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, title: str, tallies: Sequence[KeyPointTally]) -> None:
        super().__init__()
        self.title_text = title
        self.tallies = list(tallies)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="point-stats"):
            yield Label(self.title_text, classes="dialog-title")
            if self.tallies:
                yield DataTable(id="point-stats-table", cursor_type="row", zebra_stripes=True)
            else:
                yield Label("No graded answers with key points yet.", id="point-stats-empty")
            yield Label(
                "Each student's latest graded answer to a question counts once; a teacher's decision of "
                "a point counts instead of the grader's · escape closes",
                classes="muted",
            )

    def on_mount(self) -> None:
        if not self.tallies:
            return
        table = self.query_one(DataTable)
        fill_table(table, COLUMNS, [tally_cells(tally) for tally in self.tallies])
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
