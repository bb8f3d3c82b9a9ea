"""The student's answer with the sentences that matched key points highlighted."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from grading.models import PointResult, PointStatus

HIGHLIGHT = {
    PointStatus.COVERED: "$text-success on $success-muted",
    PointStatus.PARTIAL: "$text-warning on $warning-muted",
}


def highlight_answer(text: str, points: Sequence[PointResult], empty: str = "(empty answer)") -> Content:
    """`text` with each matched sentence styled by the best status it earned; `empty` for no text."""
    if not text.strip():
        return Content.styled(empty, "$text-muted italic")
    content = Content(text)
    ranked = sorted(
        (point for point in points if point.matched_sentence and point.status in HIGHLIGHT),
        key=lambda point: point.status is PointStatus.COVERED,
    )
    for point in ranked:
        sentence = (point.matched_sentence or "").strip()
        start = text.find(sentence)
        if sentence and start >= 0:
            content = content.stylize(HIGHLIGHT[point.status], start, start + len(sentence))
    return content


class AnswerText(Static):
    """A submitted answer, read-only, with evidence highlighted."""

    def show(self, text: str, points: Sequence[PointResult] = (), empty: str = "(empty answer)") -> None:
        self.update(highlight_answer(text, points, empty))
