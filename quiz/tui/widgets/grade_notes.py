"""What the grader noticed about a whole answer (a flag), in words for student and teacher alike; and the
words a grade is shown with (confidence, labels) in English or Swedish."""

from __future__ import annotations

from dataclasses import dataclass

from grading.models import GradeFlag, PointStatus
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


@dataclass(frozen=True)
class GradeLabels:
    """The words around a grade on the feedback screen, in one language. The grader's comment under them
    is in the answer's language (grading.feedback_wording), so a Swedish student read 'Poäng … av …' under
    'Score', 'Key points' and '◐ partial'."""

    language: str
    question_code: str
    score: str
    key_points: str
    no_key_points: str
    covered: str
    partial: str
    missing: str
    read: str
    your_answer: str
    empty_answer: str
    reference_answer: str
    no_reference_answer: str

    def status(self, status: PointStatus) -> str:
        """'✔ covered', '◐ partial', '✘ missing' (at most 10 characters: the key point list's column)."""
        return {PointStatus.COVERED: self.covered, PointStatus.PARTIAL: self.partial}.get(
            status, self.missing
        )


ENGLISH_LABELS = GradeLabels(
    language="en",
    question_code="The question's code",
    score="Score",
    key_points="Key points",
    no_key_points="This question has no rubric key points.",
    covered="✔ covered",
    partial="◐ partial",
    missing="✘ missing",
    read="Read: ",
    your_answer="Your answer",
    empty_answer="(empty answer)",
    reference_answer="Reference answer",
    no_reference_answer="No reference answer.",
)

SWEDISH_LABELS = GradeLabels(
    language="sv",
    question_code="Frågans kod",
    score="Poäng",
    key_points="Bedömningspunkter",
    no_key_points="Frågan har inga bedömningspunkter.",
    covered="✔ täckt",
    partial="◐ delvis",
    missing="✘ saknas",
    read="Läs: ",
    your_answer="Ditt svar",
    empty_answer="(tomt svar)",
    reference_answer="Modellsvar",
    no_reference_answer="Inget modellsvar.",
)

GRADE_LABELS = {labels.language: labels for labels in (ENGLISH_LABELS, SWEDISH_LABELS)}
"""The feedback screen's labels in the language of the grader's comment (grading.feedback_wording:
Swedish for a Swedish answer, else English), in the words the teacher's feedback files use where they say
the same ('Bedömningspunkter', 'Modellsvar'). Languages without labels read English. The confidence line
keeps the shown prompt's language (CONFIDENCE_WORDING); the question's number, the flag notes and the
grading and leech messages stay English."""


def grade_labels(language: str | None) -> GradeLabels:
    return GRADE_LABELS.get(language or "", ENGLISH_LABELS)
