"""Choose the topics to study (Anki's decks and tags, Moodle's question categories).

Space picks or drops a topic, enter uses the choice, a goes back to every topic. Each topic says how
many questions it has, how many are due for review today and how many are new, so an empty choice for a
mode is visible up front.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList

from quiz.topics import TopicCount

LABEL_WIDTH = 22
HELP = "space: pick · enter: use them · a: all topics · esc: cancel"


def option_label(count: TopicCount) -> str:
    """'regularization          4 questions · 1 due · 2 new': reviews due today and questions never studied
    apart, as the home line and Progress's topic table count them."""
    name = count.label if len(count.label) <= LABEL_WIDTH else count.label[: LABEL_WIDTH - 1] + "…"
    noun = "question" if count.questions == 1 else "questions"
    return f"{name:<{LABEL_WIDTH}} {count.questions:>3} {noun} · {count.due} due · {count.new} new"


class TopicList(SelectionList[str]):
    """The topics; enter uses the choice instead of toggling (space toggles)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "screen.use", "Use these", show=False)]


class TopicDialog(ModalScreen[list[str] | None]):
    """Returns the chosen topics ([] = every topic), or None when cancelled."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("a", "all_topics", "All topics"),
    ]

    def __init__(self, topics: Sequence[TopicCount], chosen: Sequence[str]) -> None:
        super().__init__()
        self.topics = list(topics)
        self.chosen = list(chosen)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="topic-dialog"):
            yield Label("Study topics", classes="dialog-title")
            yield Label(HELP, classes="muted")
            yield TopicList(
                *[(option_label(count), count.topic, count.topic in self.chosen) for count in self.topics],
                id="topic-list",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Use these", id="use", variant="primary")
                yield Button("All topics", id="all")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(TopicList).focus()

    @on(Button.Pressed, "#use")
    def action_use(self) -> None:
        """Use the picked topics, in the bank's order; none picked means every topic."""
        picked = set(self.query_one(TopicList).selected)
        self.dismiss([count.topic for count in self.topics if count.topic in picked])

    @on(Button.Pressed, "#all")
    def action_all_topics(self) -> None:
        self.dismiss([])

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
