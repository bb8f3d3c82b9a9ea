"""The ways to take a quiz (plain stdlib, so the TUI's first screen can import it without the data layer)."""

from __future__ import annotations

from enum import StrEnum

DEFAULT_PRACTICE_COUNT = 5


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
