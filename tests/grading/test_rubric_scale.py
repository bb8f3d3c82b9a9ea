"""The authored-rubric scale fit: least squares, and leave-one-question-out that never sees the question."""

from __future__ import annotations

import numpy as np
import pytest

from grading.training.rubric_scale import apply_scale, fit_scale, leave_one_question_out


def test_fit_recovers_a_line_and_apply_clips_to_the_unit_range() -> None:
    blended = np.array([0.1, 0.3, 0.5, 0.7])
    assert fit_scale(blended, 1.5 * blended - 0.1) == pytest.approx((1.5, -0.1))
    scaled = apply_scale(np.array([0.0, 0.5, 0.9]), np.array([True, True, False]), (2.0, -0.1))
    assert scaled == pytest.approx([0.0, 0.9, 0.9])  # clipped at 0; the unscaled grade is untouched


def test_each_question_is_scaled_by_a_fit_on_the_other_questions() -> None:
    blended = np.array([0.2, 0.4, 0.6, 0.2, 0.4, 0.6])
    groups = np.array(["a", "a", "a", "b", "b", "b"])
    human = np.where(groups == "a", blended, 0.5 * blended)  # the two questions disagree
    held_out, scales = leave_one_question_out(blended, np.ones(6, dtype=bool), human, groups)
    assert scales[0] == pytest.approx((0.5, 0.0))  # question a is scaled by b's fit
    assert held_out[:3] == pytest.approx(0.5 * blended[:3])
    assert held_out[3:] == pytest.approx(blended[3:])
