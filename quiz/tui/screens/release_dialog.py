"""Preview of releasing an answer group's decision: each member's score now and after, before anything
is withdrawn (the teacher confirms or cancels)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label

from quiz.scores import format_score
from quiz.teacher.grouping import ReleaseOutcome, ReleasePlan, decision_label
from quiz.tui.widgets.table_fill import fill_table

OUTCOME_TEXT = {
    ReleaseOutcome.TO_AUTO: "auto grade",
    ReleaseOutcome.TO_OWN: "own override again",
    ReleaseOutcome.KEEP_OWN: "kept (own)",
    ReleaseOutcome.AUTO_ALREADY: "auto already",
}
COLUMNS = ("Student", "Now", "After", "Decided by after")


def release_rows(plans: Sequence[ReleasePlan], names: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """Student, score now and who decided it, score after, what decides it after."""
    return [
        (
            name,
            f"{format_score(plan.detail.final_score) or '–'} {decision_label(plan.detail)}",
            format_score(plan.score) or "–",
            OUTCOME_TEXT[plan.outcome],
        )
        for plan, name in zip(plans, names, strict=True)
    ]


class ReleaseDialog(ModalScreen[bool]):
    """Returns True when the teacher confirms the release."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, group_id: str, plans: Sequence[ReleasePlan], names: Sequence[str], replace_own: bool
    ) -> None:
        super().__init__()
        self.group_id = group_id
        self.plans = list(plans)
        self.names = list(names)
        self.replace_own = replace_own

    def compose(self) -> ComposeResult:
        released = sum(1 for plan in self.plans if plan.changes)
        kept = sum(1 for plan in self.plans if plan.outcome is ReleaseOutcome.KEEP_OWN)
        with Vertical(classes="dialog", id="release-dialog"):
            yield Label(f"Release the decision of group {self.group_id}?", classes="dialog-title")
            yield DataTable(id="release-table", cursor_type="none", show_cursor=False)
            summary = f"{released} answer(s) change; each change is in the answer's audit trail."
            if kept:
                summary += f" {kept} own override(s) kept: tick 'Replace own overrides' to release them too."
            elif self.replace_own:
                summary += " Own overrides are released too."
            yield Label(summary, id="release-summary")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="release-cancel")
                yield Button("Release", id="release-confirm", variant="error")

    def on_mount(self) -> None:
        fill_table(self.query_one(DataTable), COLUMNS, release_rows(self.plans, self.names))
        self.query_one("#release-confirm", Button).focus()

    @on(Button.Pressed, "#release-confirm")
    def _confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#release-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
