"""The grader's own sentences in the language the student answered in (Swedish or English).

A Swedish student reads the app's labels and the teacher's feedback files in Swedish
(quiz.teacher.feedback.wording); the grader's comment under the score ('Score 1 of 2.', 'Missing: …',
'Read: …') was the one English text left. Only the grader's wording changes: key points, course passages,
choice feedback and question ids are quoted as their authors wrote them.

The language is the one the grader reads the answer in (grading.text.guess_language, stored as
Grade.language and used by the feedback files); where its marker words tell nothing the n-gram model of
question_bank.language may ('I would say CNN.'), and an answer too short to tell (empty, 'ReLU', a
choice's letter) reads the question's main prompt language. Swedish for Swedish, English for any other
language, as the feedback files choose (English is what an exchange student writing a third language
most likely reads).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grading.text import guess_language
from question_bank.language import UNDETERMINED, identify_language, swedish_or_english_is_clear
from question_bank.models import Question


@dataclass(frozen=True)
class FeedbackWords:
    """The grader's sentences in one language; `{…}` fields are filled in where they are used."""

    language: str
    score: str
    covered: str
    partial: str
    missing: str
    read: str
    wrong_question: str
    truncated: str
    copied_code: str
    no_answer: str
    one_answer_only: str
    all_or_nothing_right: str
    all_or_nothing_wrong: str
    and_wrong_one: str
    and_wrong_many: str
    unit_unknown: str
    unit_missing: str
    unit_cost: str
    misconception: str
    you_wrote: str

    def score_line(self, score: float, max_points: float) -> str:
        """'Score 1.5 of 2.' (numbers as the app writes them, with a point in either language)."""
        return self.score.format(score=f"{score:g}", max=f"{max_points:g}")

    def misconception_line(self, penalty: float, text: str) -> str:
        """'Misconception (−0.5 p): <the wrong statement as the teacher wrote it>'."""
        return self.misconception.format(penalty=f"{penalty:g}") + text

    def unit_verdict(self, written: str, units: str, penalty: float) -> str:
        """Why a right number lost points: its unit `written` ('' when missing) is not one of `units`,
        and what that cost (nothing said when the question's unit penalty is 0)."""
        cost = self.unit_cost.format(percent=f"{100 * penalty:.0f}") if penalty else ""
        if not written:
            return self.unit_missing.format(units=units, cost=cost)
        return self.unit_unknown.format(unit=repr(written), units=units, cost=cost)

    def all_or_nothing_missed(self, *, ticked: int, correct: int, wrong: int) -> str:
        """Why an all-or-nothing question earned nothing: the correct choices ticked, and wrong ones."""
        wrong_part = (self.and_wrong_one if wrong == 1 else self.and_wrong_many).format(count=wrong)
        return self.all_or_nothing_wrong.format(
            ticked=ticked, correct=correct, wrong=wrong_part if wrong else ""
        )


ENGLISH = FeedbackWords(
    language="en",
    score="Score {score} of {max}.",
    covered="Covered: ",
    partial="Only partly covered: ",
    missing="Missing: ",
    read="Read: ",
    wrong_question="This answer looks like an answer to another question ({question}).",
    truncated="The answer was very long; only its beginning was graded.",
    copied_code="The answer repeats the question's code instead of explaining it.",
    no_answer="No answer was given.",
    one_answer_only="This question takes one answer and {count} were given, so no points.",
    all_or_nothing_right="All or nothing: every correct choice and no other was ticked.",
    all_or_nothing_wrong="All or nothing: {ticked} of the {correct} correct choices ticked{wrong}, so no "
    "points; full points need every correct choice and no other.",
    and_wrong_one=" and {count} wrong one",
    and_wrong_many=" and {count} wrong ones",
    unit_unknown="The number is right but the unit {unit} is not one of {units}{cost}.",
    unit_missing="The number is right but the unit is missing (one of {units}){cost}.",
    unit_cost="; {percent}% of the points deducted",
    misconception="Misconception (−{penalty} p): ",
    you_wrote="You wrote: ",
)

SWEDISH = FeedbackWords(
    language="sv",
    score="Poäng {score} av {max}.",
    covered="Täckt: ",
    partial="Bara delvis täckt: ",
    missing="Saknas: ",
    read="Läs: ",
    wrong_question="Svaret ser ut att besvara en annan fråga ({question}).",
    truncated="Svaret var mycket långt; bara början av det har rättats.",
    copied_code="Svaret upprepar frågans kod i stället för att förklara den.",
    no_answer="Inget svar lämnades.",
    one_answer_only="Frågan ska besvaras med ett alternativ men {count} angavs, så inga poäng.",
    all_or_nothing_right="Allt eller inget: alla rätta alternativ och inga andra valdes.",
    all_or_nothing_wrong="Allt eller inget: {ticked} av de {correct} rätta alternativen valdes{wrong}, så "
    "inga poäng; full poäng kräver alla rätta alternativ och inga andra.",
    and_wrong_one=" samt {count} felaktigt",
    and_wrong_many=" samt {count} felaktiga",
    unit_unknown="Talet är rätt men enheten {unit} är inte någon av {units}{cost}.",
    unit_missing="Talet är rätt men enheten saknas (en av {units}){cost}.",
    unit_cost="; {percent} % av poängen dras av",
    misconception="Missuppfattning (−{penalty} p): ",
    you_wrote="Du skrev: ",
)

WORDS = {words.language: words for words in (ENGLISH, SWEDISH)}

_NUMBER = r"[\d.]+"
_SCORE_LINES = {
    words.language: re.escape(words.score).replace(r"\{score\}", _NUMBER).replace(r"\{max\}", _NUMBER)
    for words in WORDS.values()
}
SCORE_LINE = re.compile(r"\A(?:" + "|".join(_SCORE_LINES.values()) + r")[ \t]*\n?")
"""The score line feedback starts with, in any language (grades stored before Swedish wording too)."""


_MISCONCEPTION_LINES = tuple(
    re.compile(
        "^" + re.escape(words.misconception).replace(r"\{penalty\}", r"(?P<penalty>[\d.]+)") + "(?P<text>.+)$"
    )
    for words in WORDS.values()
)
_YOU_WROTE = re.compile(
    r"^  (?:" + "|".join(re.escape(words.you_wrote) for words in WORDS.values()) + r')"(?P<sentence>.*)"$'
)


@dataclass(frozen=True)
class MisconceptionNote:
    """A misconception as the grader's comment states it: what it cost, the wrong statement, the sentence
    that said it."""

    penalty: float
    text: str
    sentence: str


def misconception_notes(feedback: str) -> list[MisconceptionNote]:
    """The misconceptions the grader's comment names (grading.rubric.feedback_text writes them), for a view
    of a stored grade: the database keeps a grade's comment and key points, and a misconception's lines
    in the comment, in either language."""
    notes = []
    lines = feedback.splitlines()
    for index, line in enumerate(lines):
        found = next(filter(None, (pattern.match(line) for pattern in _MISCONCEPTION_LINES)), None)
        if found is None:
            continue
        wrote = _YOU_WROTE.match(lines[index + 1]) if index + 1 < len(lines) else None
        notes.append(
            MisconceptionNote(
                penalty=float(found["penalty"]),
                text=found["text"],
                sentence=wrote["sentence"] if wrote else "",
            )
        )
    return notes


def comment_language(feedback: str) -> str | None:
    """The language the grader wrote `feedback` in, read from the score line it starts with ('Poäng 1 av
    2.' is Swedish); None when it starts with none. A screen showing the grade labels it in this language
    without choosing again: the answer's language alone does not tell it (an answer too short to tell, or
    a closed question's, reads the prompt's language), and a second choice could disagree with the
    comment under the labels."""
    return next(
        (language for language, line in _SCORE_LINES.items() if re.match(line, feedback)),
        None,
    )


def feedback_words(answer_language: str | None, question: Question, answer: str = "") -> FeedbackWords:
    """The wording for an answer the grader read as `answer_language`; when that is None, the language
    the n-gram model reads in `answer` (pass none to skip the model), else the question's prompt's."""
    language = answer_language or (identify_language(answer) if answer else None) or prompt_language(question)
    return SWEDISH if language == "sv" else ENGLISH


def prompt_language(question: Question) -> str | None:
    """The question's main prompt language (its first, as the bank lists them), read from the prompt's
    text when an imported bank could not tell it."""
    language, text = next(iter(question.prompt.items()))
    return guess_language(text) if language == UNDETERMINED else language


def closed_answer_language(answer: str) -> str | None:
    """The language of an answer to a closed question when its words settle it ('b och c'), else None:
    letters, numbers and choice texts tell none, and the n-gram model guess_language asks when function
    words do not settle it would cost a closed question, graded without any model, a second to load."""
    return guess_language(answer) if swedish_or_english_is_clear(answer) else None
