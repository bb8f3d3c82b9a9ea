"""Blackboard Learn's "Upload Questions" file: one question a line, tab separated, its type code first.

    MC<TAB>Which ocean is warmest?<TAB>Atlantic<TAB>incorrect<TAB>Indian<TAB>correct
    TF<TAB>The Moon has an atmosphere.<TAB>false

Teachers write these by hand or from a spreadsheet and keep them as .txt, so the file is recognised by its
lines (most start with a type code and a tab), under the format name csv. Mapping to tenta, as
Blackboard grades them: MC multiple choice with one right answer; MA multiple answer, its right answers
sharing the points all or nothing (Blackboard's default, no partial credit); TF true/false; FIB an exact
short answer accepting each answer given; NUM numerical (answer, optional tolerance, each with a decimal
point or, as Excel writes them in Swedish, a decimal comma); ESS and SR free
text whose example answer is the reference answer (one without is unsupported: tenta cannot grade it);
MAT one multiple-choice question per pair (formats/matching.py). ORD, FIB_PLUS, FIL, OP, JUMBLED_SENTENCE
and QUIZ_BOWL are unsupported (an error, or left out with --skip-unsupported). HTML in a text is read as
HTML. A line of another type, a right/wrong word that is neither, or a missing answer is an error naming
the line; nothing is imported then.

Blackboard says to write the file in Excel, whose "Text (Tab delimited)" and "Unicode Text" saves put a
cell holding a straight quote in quotes and double the quote (`print("hej")` becomes `"print(""hej"")"`);
LibreOffice can quote every text cell, the type code too (`"MC"`). Such cells are read as the spreadsheet
showed them. A cell merely wrapped in quotes by its author (`"Cogito, ergo sum"`) keeps them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from question_bank.errors import InputFileError
from question_bank.formats import matching
from question_bank.formats.common import (
    ImportProblems,
    html_to_text,
    response_shares,
    title_from_path,
)
from question_bank.formats.gift import HTML_TAG, MoodleQuestion, moodle_bank
from question_bank.models import Bank, QuestionType

_SUPPORTED = ("MC", "MA", "TF", "FIB", "NUM", "ESS", "SR", "MAT")
_UNSUPPORTED = {
    "ORD": "ordering",
    "FIB_PLUS": "fill in multiple blanks",
    "FIL": "file response",
    "OP": "opinion scale (Likert)",
    "JUMBLED_SENTENCE": "jumbled sentence",
    "QUIZ_BOWL": "quiz bowl",
}
_TYPE_CODE = re.compile(rf"^(\"?)({'|'.join((*_SUPPORTED, *_UNSUPPORTED))})\1\t")
_QUOTED_CELL = re.compile(r'"((?:[^"]|"")*)"')
"""A cell as a spreadsheet quotes it: in quotes, each quote inside doubled."""
_RIGHT_WORDS = {"correct": True, "incorrect": False}
_MISSING_REFERENCE = (
    "an essay or short response without an example answer has no reference answer, so tenta cannot grade "
    "it: add the example after the question (ESS<TAB>question<TAB>example answer)"
)


class _UploadError(ValueError):
    """A problem in one line; becomes an InputFileError at that line."""


class _UnsupportedLine(ValueError):
    """A question of a type tenta has none for; skippable."""


def looks_like_blackboard_upload(text: str) -> bool:
    """Most non-empty lines, and at least one, start with a Blackboard type code and a tab."""
    lines = [line for line in text.split("\n") if line.strip()]
    typed = sum(1 for line in lines if _TYPE_CODE.match(line.lstrip("\ufeff")))
    return typed > 0 and typed * 2 > len(lines)


def _cells(line: str) -> list[str]:
    """The line's tab-separated cells, each as the spreadsheet that saved the file showed it: a quoted
    cell with a doubled quote inside is unquoted, and when the type code itself is quoted (every text
    cell quoted) so is every quoted cell."""
    cells = line.split("\t")
    every = bool(_QUOTED_CELL.fullmatch(cells[0].strip()))
    return [_unquoted(cell, every=every) for cell in cells]


def _unquoted(cell: str, *, every: bool) -> str:
    quoted = _QUOTED_CELL.fullmatch(cell.strip())
    if quoted is None or not (every or '""' in quoted.group(1)):
        return cell
    return quoted.group(1).replace('""', '"')


def _text(raw: str) -> str:
    return html_to_text(raw).strip() if HTML_TAG.search(raw) else raw.strip()


def _right_or_wrong(word: str) -> bool:
    right = _RIGHT_WORDS.get(word.strip().lower())
    if right is None:
        raise _UploadError(f"{word.strip()!r} after an answer must be 'correct' or 'incorrect'")
    return right


def _marked_answers(cells: list[str]) -> list[tuple[str, bool]]:
    """`answer<TAB>correct|incorrect` pairs; a trailing empty pair (a spreadsheet's spare columns) is none."""
    if len(cells) % 2:
        raise _UploadError(f"answer {cells[-1].strip()!r} is not followed by 'correct' or 'incorrect'")
    answers = [(_text(cells[i]), _right_or_wrong(cells[i + 1])) for i in range(0, len(cells), 2)]
    if len(answers) < 2:
        raise _UploadError("a multiple-choice question needs at least two answers")
    if any(not text for text, _ in answers):
        raise _UploadError("an answer is empty")
    return answers


def _choice_data(code: str, cells: list[str]) -> dict[str, Any]:
    answers = _marked_answers(cells)
    right = sum(1 for _, is_right in answers if is_right)
    if right == 0:
        raise _UploadError("no answer is marked 'correct'")
    if code == "MC" and right > 1:
        raise _UploadError(f"a multiple-choice (MC) question has one correct answer, not {right}: use MA")
    share, _ = response_shares(right, penalise_wrong=False)
    return {
        "type": QuestionType.MULTIPLE_CHOICE.value,
        "choices": [{"text": text, "fraction": share if is_right else 0.0} for text, is_right in answers],
        "all_or_nothing": code == "MA",
    }


def _true_false(cells: list[str]) -> dict[str, Any]:
    if len(cells) != 1 or cells[0].strip().lower() not in ("true", "false"):
        raise _UploadError("a true/false (TF) question ends with 'true' or 'false'")
    is_true = cells[0].strip().lower() == "true"
    return {
        "type": QuestionType.TRUE_FALSE.value,
        "choices": [
            {"text": "True", "fraction": 1.0 if is_true else 0.0},
            {"text": "False", "fraction": 0.0 if is_true else 1.0},
        ],
    }


_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")
_THOUSANDS = re.compile(r"[-+]?\d{1,3},\d{3}")


def _number(cell: str) -> float:
    """A NUM cell as a number: '2.5', or '2,5' as Excel writes it in Swedish and other decimal-comma
    locales (ValueError for no number). '1,500' is refused, being 1.5 there and 1500 in English."""
    text = cell.strip()
    if _THOUSANDS.fullmatch(text):
        decimal = f"{float(text.replace(',', '.')):g}"
        raise _UploadError(f"{text!r} could be {decimal} or {text.replace(',', '')}: write it with a point")
    return float(text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text)


def _numerical(cells: list[str]) -> dict[str, Any]:
    if len(cells) not in (1, 2):
        raise _UploadError("a numeric (NUM) question ends with its answer and an optional tolerance")
    try:
        value = _number(cells[0])
        tolerance = abs(_number(cells[1])) if len(cells) == 2 and cells[1].strip() else 0.0
    except _UploadError:
        raise
    except ValueError:
        raise _UploadError(f"{' '.join(cells)!r} is not a number with an optional tolerance") from None
    return {"type": QuestionType.NUMERICAL.value, "numerical": [{"value": value, "tolerance": tolerance}]}


def _fill_in(cells: list[str]) -> dict[str, Any]:
    accepted = list(dict.fromkeys(text for cell in cells if (text := _text(cell))))
    if not accepted:
        raise _UploadError("a fill-in-the-blank (FIB) question needs at least one accepted answer")
    return {
        "type": QuestionType.SHORT_EXACT.value,
        "choices": [{"text": text, "fraction": 1.0} for text in accepted],
    }


def _matching(question: MoodleQuestion, cells: list[str]) -> list[MoodleQuestion]:
    if len(cells) % 2:
        raise _UploadError(f"item {cells[-1].strip()!r} of a matching (MAT) question has no answer")
    pairs = [matching.Pair(_text(cells[i]), _text(cells[i + 1])) for i in range(0, len(cells), 2)]
    try:
        asked = matching.asked_items(pairs, 1.0)
    except matching.MatchingError as error:
        raise _UploadError(str(error)) from None
    return [
        replace(question, prompt=question.prompt + item.asking, data=item.data, max_points=item.points)
        for item in asked
    ]


def _questions(line: int, cells: list[str]) -> list[MoodleQuestion]:
    """The question (several for matching) of one line, whose type code is known."""
    code, prompt, rest = cells[0], _text(cells[1]) if len(cells) > 1 else "", cells[2:]
    if code in _UNSUPPORTED:
        raise _UnsupportedLine(f"{_UNSUPPORTED[code]} ({code}) questions are not supported by tenta")
    if not prompt:
        raise _UploadError("the question text is empty")
    while rest and not rest[-1].strip():
        rest.pop()  # spare columns a spreadsheet left
    question = MoodleQuestion(line, "", prompt, {"type": QuestionType.FREE_TEXT.value}, "", [])
    if code in ("ESS", "SR"):
        return [replace(question, reference=_text("\n".join(rest)))]
    if code == "MAT":
        return _matching(question, rest)
    if code in ("MC", "MA"):
        return [replace(question, data=_choice_data(code, rest))]
    readers = {"TF": _true_false, "NUM": _numerical, "FIB": _fill_in}
    return [replace(question, data=readers[code](rest))]


def parse_blackboard_upload(text: str, problems: ImportProblems) -> list[MoodleQuestion]:
    """Every question of the file; problems are collected with their line, not raised."""
    parsed: list[MoodleQuestion] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        cells = _cells(raw.lstrip("\ufeff").rstrip("\r"))
        code = cells[0].strip()
        try:
            if code not in (*_SUPPORTED, *_UNSUPPORTED):
                raise _UploadError(
                    f"{code!r} is not a Blackboard question type ({', '.join((*_SUPPORTED, *_UNSUPPORTED))})"
                )
            questions = _questions(number, cells)
        except _UploadError as error:
            problems.add(str(error), line=number, field=code)
        except _UnsupportedLine as error:
            problems.unsupported(f"{error}; remove or convert this question", line=number, field=code)
        else:
            parsed += questions
            if len(questions) > 1:
                problems.note(matching.SPLIT_NOTE.format(count=len(questions)), line=number, field=code)
    return parsed


def import_blackboard_upload(
    path: Path, text: str, *, skipped: list[InputFileError] | None = None, notes: list[str] | None = None
) -> Bank:
    """A bank from a Blackboard "Upload Questions" file, whose `text` was read to tell its format; essays
    take their example answer as reference.

    With a `skipped` list, questions tenta has no type for are recorded there instead of failing; a
    `notes` list gets the matching questions split into one question per item."""
    problems = ImportProblems(path, skipped=skipped, notes=notes)
    return moodle_bank(
        path,
        parse_blackboard_upload(text, problems),
        problems,
        title=title_from_path(path),
        missing_reference=_MISSING_REFERENCE,
    )
