"""How a score is written wherever someone reads one: the CLI, the app, exports and feedback files.

One function, so the student sees in the app the number `tenta history` prints and the teacher's exports
hold (the app wrote one decimal where the CLI wrote two: 0.8 and 0.84 for the same grade)."""

from __future__ import annotations


def format_score(value: float | None) -> str:
    """Scores with at most two decimals and no trailing zeros; blank when there is none."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def score_out_of(score: float | None, max_points: float) -> str:
    """'0.84 / 2', or '– / 2' without a grade: a score with what it is out of."""
    return f"{format_score(score) or '–'} / {format_score(max_points)}"
