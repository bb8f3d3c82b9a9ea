"""Pick the answer group to move an answer (or merge a group) into, from the answer groups screen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from quiz.teacher.grouping import AnswerGroup

PICK_EXCERPT_LENGTH = 44


def _flat(text: str, length: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def group_option_text(group: AnswerGroup) -> str:
    """'g12 · 5 · confirmed · Keras is a high-level…': id, size, state and representative answer."""
    parts = [
        group.id,
        str(group.size),
        group.state,
        _flat(group.representative.answer.text, PICK_EXCERPT_LENGTH),
    ]
    return " · ".join(part for part in parts if part)


class GroupPicker(ModalScreen[str | None]):
    """Returns the chosen group's id, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, groups: Sequence[AnswerGroup]) -> None:
        super().__init__()
        self.title_text = title
        self.groups = list(groups)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="group-picker"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(
                *(Option(group_option_text(group), id=group.id) for group in self.groups),
                id="group-picker-list",
            )
            yield Label("enter picks · escape cancels", classes="muted")

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
