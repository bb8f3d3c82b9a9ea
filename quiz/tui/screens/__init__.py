"""One screen per module; `build_screen` makes the browsing screens the home screen opens by name."""

from __future__ import annotations

from textual.screen import Screen

from question_bank.errors import TentaError


def build_screen(name: str, student_id: int, bank_id: str, student_name: str) -> Screen[None]:
    """The history, progress or review-queue screen for a student and bank."""
    if name == "history":
        from quiz.tui.screens.history import HistoryScreen

        return HistoryScreen(student_id)
    if name == "progress":
        from quiz.tui.screens.progress import ProgressScreen

        return ProgressScreen(student_id, bank_id)
    if name == "review":
        from quiz.tui.screens.review_queue import ReviewQueueScreen

        return ReviewQueueScreen(bank_id, teacher=student_name)
    raise TentaError(f"unknown screen {name!r}")
