"""The ways to take a quiz (plain stdlib, so the TUI's first screen can import it without the data layer)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

DEFAULT_PRACTICE_COUNT = 5
NO_TOPIC = ""
"""The topic of questions that list none (bank topics are never blank, so this never clashes)."""
NO_TOPIC_LABEL = "(no topic)"


def topic_label(topic: str) -> str:
    return NO_TOPIC_LABEL if topic == NO_TOPIC else topic


class QuizMode(StrEnum):
    FULL = "full"
    PRACTICE = "practice"
    DUE = "due"
    WEAKEST = "weakest"

    @property
    def label(self) -> str:
        return {
            QuizMode.FULL: "Full exam",
            QuizMode.PRACTICE: "Practice",
            QuizMode.DUE: "Due today",
            QuizMode.WEAKEST: "Weakest first",
        }[self]


def mode_label(mode: str) -> str:
    """'Practice' for a stored mode; a mode this version does not know reads as stored."""
    try:
        return QuizMode(mode).label
    except ValueError:
        return mode


def session_label(mode: str, topics: Sequence[str]) -> str:
    """How history names a session: 'Practice', or 'Practice · topics: CNN, Optimisation'."""
    if not topics:
        return mode_label(mode)
    return f"{mode_label(mode)} · topics: {', '.join(topic_label(topic) for topic in topics)}"
