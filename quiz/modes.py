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


ROW_TOPICS = 2
"""Topics a history row names; more read '+3 more' (the session detail names them all)."""


def session_label(mode: str, topics: Sequence[str], *, max_topics: int | None = None) -> str:
    """How history names a session: 'Practice', or 'Practice · topics: CNN, Optimisation'.

    A table gives `max_topics` so a session of many topics does not push the score off an 80-column
    screen: 'Practice · topics: CNN, Optimisation +3 more' (the session detail names them all)."""
    if not topics:
        return mode_label(mode)
    names = [topic_label(topic) for topic in topics]
    shown = names if max_topics is None or len(names) <= max_topics else names[:max_topics]
    more = f" +{len(names) - len(shown)} more" if len(shown) < len(names) else ""
    return f"{mode_label(mode)} · topics: {', '.join(shown)}{more}"
