"""Ask why the student disagrees with a grade; the reason goes to the teacher's review queue."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from quiz.tui.widgets.grade_notes import ENGLISH_LABELS, GradeLabels


class DisagreeDialog(ModalScreen[str | None]):
    """Returns the reason typed (may be empty), or None when cancelled. `reason` fills the box: the dialog
    opens again with it when the request could not be stored, so the student need not type it again.
    `labels`: the words of the grade in question (grade_notes.answer_labels), so a Swedish answer's grade is
    questioned in Swedish; the escape key's footer name stays English, as every key does."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, reason: str = "", *, labels: GradeLabels = ENGLISH_LABELS) -> None:
        super().__init__()
        self.reason = reason
        self.labels = labels

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.labels.disagree_title, classes="dialog-title")
            yield Label(self.labels.disagree_prompt, classes="muted")
            yield Input(
                self.reason, placeholder=self.labels.disagree_placeholder, id="reason", max_length=1000
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.labels.disagree_send, id="send", variant="warning")
                yield Button(self.labels.disagree_cancel, id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = getattr(self.app, "cursor_blink", True)

    @on(Input.Submitted)
    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        self.dismiss(self.query_one(Input).value.strip())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
