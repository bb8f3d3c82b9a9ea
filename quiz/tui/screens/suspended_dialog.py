"""The student's suspended questions of a bank (Anki's browser, filtered to suspended cards): space picks
the ones to bring back, enter unsuspends them, a brings back all."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList

from quiz.progress import SuspendedQuestion

PROMPT_WIDTH = 38
HELP = "space: pick · enter: unsuspend picked · a: unsuspend all · esc: close"


def option_label(question: SuspendedQuestion) -> Content:
    """'Q1   Hur är AI, Maskininlärning och Deep…  leech · 8 lapses', or '… by you'."""
    prompt = " ".join(question.prompt.split())
    prompt = prompt if len(prompt) <= PROMPT_WIDTH else prompt[: PROMPT_WIDTH - 1] + "…"
    why = f"leech · {question.lapses} lapses" if question.leech else "by you"
    return Content(f"{question.label:<4} {prompt:<{PROMPT_WIDTH}} {why}")


class SuspendedList(SelectionList[str]):
    """The suspended questions; enter unsuspends the picked ones instead of toggling (space toggles)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "screen.unsuspend", "Unsuspend", show=False)]


class SuspendedDialog(ModalScreen[list[str] | None]):
    """Returns the question ids to unsuspend, or None when closed without a change."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("a", "unsuspend_all", "Unsuspend all"),
    ]

    def __init__(self, questions: Sequence[SuspendedQuestion]) -> None:
        super().__init__()
        self.questions = list(questions)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="suspended-dialog"):
            yield Label(f"Suspended questions ({len(self.questions)})", classes="dialog-title")
            yield Label(HELP, classes="muted")
            yield SuspendedList(
                *[(option_label(question), question.question_id) for question in self.questions],
                id="suspended-list",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Unsuspend picked", id="unsuspend", variant="primary")
                yield Button("Unsuspend all", id="all")
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one(SuspendedList).focus()

    @on(Button.Pressed, "#unsuspend")
    def action_unsuspend(self) -> None:
        picked = set(self.query_one(SuspendedList).selected)
        self.dismiss([question.question_id for question in self.questions if question.question_id in picked])

    @on(Button.Pressed, "#all")
    def action_unsuspend_all(self) -> None:
        self.dismiss([question.question_id for question in self.questions])

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
