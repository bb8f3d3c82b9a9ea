"""Offer to continue a quiz that was left unfinished, at the same question with the draft."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from quiz.local_time import local_minute
from quiz.modes import session_label
from quiz.tui.widgets.quiz_timer import format_duration

if TYPE_CHECKING:
    from db.records import QuizSessionRecord


class ResumeChoice(StrEnum):
    RESUME = "resume"
    DISCARD = "discard"
    LATER = "later"


class ResumeDialog(ModalScreen[ResumeChoice]):
    """Resume (enter), discard the session (its submitted answers stay), or decide later (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "choose('later')", "Later"),
        Binding("x", "choose('discard')", "Discard"),
    ]

    def __init__(self, session: QuizSessionRecord, *, now: datetime) -> None:
        super().__init__()
        self.session = session
        self.now = now

    def compose(self) -> ComposeResult:
        session = self.session
        total = len(session.question_ids)
        answered = len(session.answer_ids)
        current = session.current_question_id
        has_draft = bool(current and session.drafts.get(current, "").strip())
        mode = session_label(session.mode, session.topics)
        with Vertical(classes="dialog"):
            yield Label("Continue where you left off?", classes="dialog-title")
            yield Label(
                f"{mode} started {local_minute(session.started_at)}: {answered} of {total} answered.",
            )
            flagged = f" {len(session.flagged)} flagged." if session.flagged else ""
            yield Label(
                f"You were on question {session.position + 1} of {total}"
                + (" with a saved draft." if has_draft else ".")
                + flagged,
                classes="muted",
                id="resume-position",
            )
            if session.deadline is not None:
                yield Label(self._time_note(session.deadline), classes="muted")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resume", id="resume", variant="primary")
                yield Button("Discard", id="discard", variant="error")
                yield Button("Later", id="later")

    def _time_note(self, deadline: datetime) -> str:
        left = (deadline - self.now).total_seconds()
        if left <= 0:
            return f"Time ran out at {deadline.astimezone():%H:%M}: resuming hands in the answers you typed."
        return f"The clock kept running: {format_duration(left)} left."

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self.action_choose(event.button.id)

    def action_choose(self, choice: str) -> None:
        self.dismiss(ResumeChoice(choice))
