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


CONFIDENCE_WORDING = {
    "en": {
        "meaning": "how sure tenta is that a teacher would give about the same score",
        "line": "Confidence {percent} — {meaning}; below {threshold} a teacher checks it.",
        "review": (
            "⚑ Needs teacher review — confidence {percent}, {meaning}. A teacher may change this score."
        ),
        "percent": "{value:.0f}%",
    },
    "sv": {
        "meaning": "hur säker tenta är på att en lärare skulle ge ungefär samma poäng",
        "line": "Säkerhet {percent} — {meaning}; under {threshold} tittar en lärare på svaret.",
        "review": "⚑ En lärare granskar poängen — säkerhet {percent}, {meaning}. Läraren kan ändra den.",
        "percent": "{value:.0f} %",
    },
}
"""The grade's confidence in the language the question is shown in (ctrl+l switches it): 'Confidence 81%'
alone left a student guessing what was 81 % sure. Languages without wording read English."""


def confidence_line(confidence: float, *, needs_review: bool, threshold: float, language: str) -> str:
    """'Confidence 81% — how sure tenta is that a teacher would give about the same score; below 20% a
    teacher checks it.', or the needs-review line with the same meaning, in `language` (sv or en)."""
    wording = CONFIDENCE_WORDING.get(language, CONFIDENCE_WORDING["en"])

    def percent(fraction: float) -> str:
        return wording["percent"].format(value=100 * fraction)

    return wording["review" if needs_review else "line"].format(
        percent=percent(confidence), meaning=wording["meaning"], threshold=percent(threshold)
    )
