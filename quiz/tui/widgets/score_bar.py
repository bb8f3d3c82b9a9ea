"""Score and maximum with a bar; colour follows the share of points earned."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from quiz.scores import format_score


def score_class(fraction: float) -> str:
    """CSS class for a score: weak, fair or strong (thresholds match the FSRS rating bands)."""
    if fraction < 0.35:
        return "weak"
    if fraction < 0.85:
        return "fair"
    return "strong"


class ScoreBar(Horizontal):
    """'Score 1.47 / 2 p' followed by a bar and the percentage."""

    def __init__(self, *, label: str = "Score", id: str | None = None) -> None:
        super().__init__(id=id, classes="score-bar")
        self._label = label

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="score-text")
        yield ProgressBar(total=1.0, show_eta=False, classes="score-progress")

    def show(self, score: float, max_points: float, label: str | None = None) -> None:
        """The score, after `label` when given (the feedback screen's 'Poäng'), else the bar's own."""
        self._label = label or self._label
        fraction = score / max_points if max_points > 0 else 0.0
        self.query_one(".score-text", Label).update(
            f"{self._label} [b]{format_score(score)}[/b] / {format_score(max_points)} p"
        )
        bar = self.query_one(ProgressBar)
        bar.update(total=max_points if max_points > 0 else 1.0, progress=score)
        for name in ("weak", "fair", "strong"):
            self.set_class(name == score_class(fraction), name)
