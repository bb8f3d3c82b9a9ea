"""Aiken: Moodle's plain-text format for single-answer multiple choice, read and written.

    Vad gör Dropout under träningen?
    A) Stänger slumpvis av neuroner
    B. Ökar inlärningstakten
    ANSWER: A

A question is its text, then options `A)` or `A.` (one per line, letters in order), then `ANSWER: X`.
Moodle wants the question on one line; we also take several lines (the lines before the first
option), lower-case option letters, `Answer:` and `Correct answer:`, `A)text` without a space (as Moodle
does), question numbers such as "Q4." and labels such as "Question:" (kept as the questions' numbers when
every question has its own, else tenta numbers them 1, 2 …), an "Explanation:" / "Feedback:" / "Förklaring:"
line after the ANSWER line (the question's general feedback), and blank lines anywhere between
questions. A line like "I. …" before the options is question text, not an option. Problems (options
out of order, an answer naming no option, a question without its ANSWER line) are errors naming the
line, and nothing is imported. Ids are q<number> (Aiken has no names); the language is detected as for GIFT.

Export writes only multiple-choice questions with exactly one correct choice (fraction 1, the others
0 or a penalty, which Aiken cannot keep); any other question refuses the export with its id named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from question_bank.errors import TentaError
from question_bank.formats.common import ImportProblems, read_text, title_from_path
from question_bank.formats.gift import MoodleQuestion, moodle_bank
from question_bank.models import Bank, Question, QuestionType

_OPTION = re.compile(r"^([A-Za-z])(?:\)\s*|\.\s+)(\S.*)$")
"""`A) text`, `A)text` (Moodle reads both) or `A. text` (a space needed: "A.I. …" is question text)."""
_ANSWER = re.compile(r"^(?:(?:correct\s+)?answer|rätt\s+svar)\s*:\s*(.*)$", re.IGNORECASE)
"""`ANSWER: B`, or `Correct answer: B` as question generators and chat assistants write it."""
_FEEDBACK = re.compile(
    r"^(?:explanation|feedback|rationale|förklaring|motivering|kommentar)\s*:\s*(.*)$", re.IGNORECASE
)
"""A line after the ANSWER line that explains it (question generators and quiz sites add one)."""
_NUMBERING = re.compile(
    r"^(?:(?:Q(?:uestion)?\s*|Fråga\s*)?(\d{1,3})[.):]|(?:Q(?:uestion)?|Fråga)\s*:)\s+(?=\S)", re.IGNORECASE
)
"""'Q4. ', '12) ', 'Question 3: ' or a bare 'Question: ' before a question; the number is the author's."""
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class _Open:
    """The question being read: its first line, text lines and options so far."""

    line: int
    text: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    number: int | None = None


def _finish(question: _Open, answer: str, line: int, problems: ImportProblems) -> MoodleQuestion | None:
    label = f"question at line {question.line}"
    letter = answer.strip().rstrip(".)").upper()
    if len(question.options) < 2:
        problems.add(
            "a question needs at least two options (A), B) …) before its ANSWER line", line=line, field=label
        )
        return None
    if len(letter) != 1 or letter not in _LETTERS[: len(question.options)]:
        last = _LETTERS[len(question.options) - 1]
        problems.add(
            f"ANSWER {answer.strip()!r} names no option; expected one letter A-{last}", line=line, field=label
        )
        return None
    correct = _LETTERS.index(letter)
    choices = [
        {"text": text, "fraction": 1.0 if index == correct else 0.0}
        for index, text in enumerate(question.options)
    ]
    return MoodleQuestion(
        line=question.line,
        title="",
        prompt="\n".join(question.text).strip(),
        data={"type": QuestionType.MULTIPLE_CHOICE.value, "choices": choices},
        general_feedback="",
        topics=[],
        number=question.number,
    )


def _opened(line_number: int, line: str) -> _Open:
    """A question starting on this line, its number ('Q54.', '54)') taken off the text."""
    numbering = _NUMBERING.match(line)
    if numbering is None:
        return _Open(line_number, [line])
    author_number = int(numbering.group(1)) if numbering.group(1) else 0
    return _Open(line_number, [line[numbering.end() :]], number=author_number or None)


def parse_aiken(text: str, problems: ImportProblems) -> list[MoodleQuestion]:
    """Every question of an Aiken file; problems are collected with their line, not raised."""
    parsed: list[MoodleQuestion] = []
    question: _Open | None = None
    explained: MoodleQuestion | None = None  # the question just finished, whose explanation may follow
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        option = _OPTION.match(line)
        answer = _ANSWER.match(line)
        feedback = _FEEDBACK.match(line) if question is None else None
        if line and not feedback:
            explained = None
        if feedback and explained is not None:
            explained.general_feedback = "\n".join(
                filter(None, [explained.general_feedback, feedback.group(1)])
            )
        elif not line:
            if question is not None and question.text[-1] and not question.options:
                question.text.append("")  # a paragraph break inside the question text
        elif answer:
            if question is None:
                problems.add("an ANSWER line without a question before it", line=number)
            else:
                explained = _finish(question, answer.group(1), number, problems)
                parsed += [explained] if explained else []
            question = None
        elif option and question is not None and (question.options or option.group(1).upper() == "A"):
            expected = _LETTERS[len(question.options)] if len(question.options) < len(_LETTERS) else "?"
            if option.group(1).upper() != expected:
                problems.add(
                    f"option {option.group(1)!r} is out of order; expected {expected}) here",
                    line=number,
                    field=f"question at line {question.line}",
                )
            question.options.append(option.group(2).strip())
        elif option and question is None:
            problems.add(f"option {option.group(1)}) comes before any question text", line=number)
        elif question is not None and question.options:
            problems.add(
                "this question has no ANSWER line (e.g. 'ANSWER: B') after its options",
                line=question.line,
                field=f"question at line {question.line}",
            )
            question = _Open(number, [line])
        elif question is None:
            question = _opened(number, line)
        else:
            question.text.append(line)
    if question is not None:
        problems.add(
            "the file ends before this question's options and ANSWER line",
            line=question.line,
            field=f"question at line {question.line}",
        )
    return parsed


def import_aiken(path: Path) -> Bank:
    """A bank of single-answer multiple-choice questions from an Aiken file."""
    text = read_text(path, windows_encodings=True)
    problems = ImportProblems(path)
    return moodle_bank(
        path,
        parse_aiken(text, problems),
        problems,
        title=title_from_path(path),
        missing_reference="",  # Aiken holds no essays
    )


def looks_like_aiken(text: str) -> bool:
    """True when some `ANSWER: X` line directly follows an option line such as `B) …`."""
    previous = ""
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        if answer and re.fullmatch(r"[A-Za-z]", answer.group(1).strip()) and _OPTION.match(previous):
            return True
        previous = line
    return False


# ---- export -------------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _aiken_problem(question: Question) -> str | None:
    """Why a question cannot be written as Aiken, or None when it can."""
    if question.type is not QuestionType.MULTIPLE_CHOICE:
        return f"is a {question.type.value} question"
    correct = [choice for choice in question.choices if choice.fraction > 0]
    if len(correct) != 1 or correct[0].fraction != 1.0:
        return "has more than one correct choice or partial credit"
    if len(question.choices) > len(_LETTERS):
        return f"has more than {len(_LETTERS)} choices"
    if question.code:
        return "has a code block"
    return None


def dump_aiken(bank: Bank) -> str:
    """The bank as Aiken (main-language prompts on one line each); refuses banks with other questions."""
    refused = [(question.id, problem) for question in bank.questions if (problem := _aiken_problem(question))]
    if refused:
        named = "; ".join(f"{question_id} {problem}" for question_id, problem in refused[:5])
        more = f" (+{len(refused) - 5} more)" if len(refused) > 5 else ""
        raise TentaError(
            f"cannot write bank {bank.id!r} as Aiken, which holds only multiple-choice questions with one "
            f"correct answer: {named}{more}"
        )
    language = bank.languages[0]
    blocks = []
    for question in bank.questions:
        lines = [_one_line(question.prompt_in(language))]
        lines += [
            f"{_LETTERS[index]}) {_one_line(choice.text)}" for index, choice in enumerate(question.choices)
        ]
        correct = next(index for index, choice in enumerate(question.choices) if choice.fraction > 0)
        lines.append(f"ANSWER: {_LETTERS[correct]}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
