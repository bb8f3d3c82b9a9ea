"""The readiness tab's text for banks the seeded tests don't cover: a large one, and one fully mastered."""

from __future__ import annotations

from question_bank.grade_scales import PRESETS
from quiz.progress import ExamOutlook, PracticeState, estimate_readiness
from quiz.tui.screens.progress import readiness_text


def _outlook(states: list[PracticeState]) -> ExamOutlook:
    return ExamOutlook("Course", estimate_readiness(states, PRESETS["ug-vg"]), [])


def test_a_large_bank_names_thirty_unpractised_questions_and_counts_the_rest() -> None:
    states = [PracticeState(f"q{index}", f"Q{index}", 1.0, None, None, "Why?") for index in range(1, 46)]
    text = readiness_text(_outlook(states)).plain
    assert "Not practised (45): Q1, Q2," in text
    assert "Q30 … and 15 more" in text and "Q31" not in text.split("Not practised")[1]
    assert text.splitlines()[0] == "Estimated today: 0 / 45 p → U (G needs 22.5 p)"


def test_a_mastered_bank_has_nothing_to_gain_and_reaches_the_top_grade() -> None:
    states = [PracticeState(f"q{index}", f"Q{index}", 2.0, 1.0, 1.0, "Why?") for index in range(1, 4)]
    text = readiness_text(_outlook(states)).plain
    assert text.splitlines()[0] == "Estimated today: 6 / 6 p → VG (the highest grade)"
    assert "Every question is mastered and fresh in memory." in text
    assert "Not practised" not in text and "Most points to gain" not in text
