"""What the grader noticed about a whole answer (a flag), in words for student and teacher alike."""

from __future__ import annotations

from grading.models import GradeFlag
from grading.text import MAX_ANSWER_CHARS

FLAG_NOTES = {
    GradeFlag.WRONG_QUESTION: (
        "⚠ This looks like an answer to another question: check that you answered the one asked."
    ),
    GradeFlag.TRUNCATED: (
        f"⚠ The answer is very long: only its first {MAX_ANSWER_CHARS} characters were graded."
    ),
    GradeFlag.COPIED_CODE: "⚠ The answer repeats the question's code instead of explaining what it does.",
}
"""The flags that explain a low score. The grader's comment says so too, but under the answer, which for a
very long one is hundreds of lines down, and history shows no comment."""


def flag_notes(flags: list[str]) -> list[str]:
    """The notes for the grade's flags that explain a low score, in the order of FLAG_NOTES."""
    return [note for flag, note in FLAG_NOTES.items() if flag.value in flags]
