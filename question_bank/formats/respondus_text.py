"""Respondus's "Standard Format": the plain text teachers write (in Word or Notepad) for Respondus 4.0 to
import and publish to Blackboard, Brightspace, Canvas or Moodle, read directly.

    Type: MR
    Title: Speed of light
    Points: 2
    3) Who measured the speed of light?
    a. Albert Einstein
    *b. Albert Michelson
    *c. Edward Morley

A question starts at its number and `.` or `)`; its answers are letters with `.` or `)`, the right ones
marked by an asterisk directly before the letter (`*b.`), or listed in an answer key at the end of the file
(`Answers:` then `1. A 2. C …`). Lines before a question may name its type (`Type: E`), title (`Title:`,
the question's id) and points (`Points: 2`, which holds for every question after it until the next).
Types, as Respondus documents them: MC multiple choice (the default; `a) True` / `b) False`, True first,
is true/false), MR or MA multiple response (each right answer a share, each wrong tick the same share
off, as Blackboard's and Canvas's partial credit give), E essay (its `a)` text the model answer; without
one tenta cannot grade it: unsupported), F fill in the blank (each answer accepted, case ignored), MT
matching (`a. item=answer`, one question per item). ORD, A (algorithmic) and FMB are unsupported
(skippable), another type an error. `~ text` is the
feedback for a right answer, `@ text` the feedback for a wrong one (Respondus's Word import writes them
between the question and its answers). A line that is none of these continues what it follows. A question
without a right answer, an answer key naming no answer, or an unknown type is an error naming the line.

Without this reader such a file was taken for a numbered Markdown exam: each question free text, its
lettered answers (the right one with its asterisk) the reference answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from question_bank.errors import InputFileError
from question_bank.formats import matching
from question_bank.formats.common import ImportProblems, read_text, response_shares, title_from_path
from question_bank.formats.gift import MoodleQuestion, moodle_bank
from question_bank.models import Bank, QuestionType

_QUESTION = re.compile(r"^(\d{1,4})[.)]\s+(\S.*)$")
_ANSWER = re.compile(r"^(\*?)([A-Za-z])[.)]\s+(\S.*)$")
_SETTING = re.compile(r"^(Type|Title|Points)\s*:\s*(.*)$", re.IGNORECASE)
_FEEDBACK = re.compile(r"^([~@])\s+(\S.*)$")
_KEY_START = re.compile(r"^Answers\s*:\s*(.*)$", re.IGNORECASE)
_KEY_ENTRY = re.compile(r"(\d{1,4})\s*[.)]?\s*([A-Za-z])\b")
_TYPES = ("MC", "TF", "MR", "MA", "E", "F", "MT")
_UNSUPPORTED_TYPES = {"ORD": "ordering", "A": "algorithmic", "FMB": "fill in multiple blanks"}
_MISSING_REFERENCE = (
    "an essay (Type: E) without an answer ('a) model answer') has no reference answer, so tenta cannot grade "
    "it: add the model answer after the question"
)


class _RespondusError(ValueError):
    """A problem in one question or line; becomes an InputFileError at that line."""


@dataclass
class _Item:
    """One question being read."""

    line: int
    number: int
    kind: str
    text: list[str]
    title: str = ""
    points: float | None = None
    answers: list[dict[str, Any]] = field(default_factory=list)
    outcome: dict[str, str] = field(default_factory=dict)


def looks_like_respondus(text: str) -> bool:
    """A numbered question with an answer marked right Respondus's way (`*b.`, `*b)`), or a `Type:` line,
    or an `Answers:` key, and lettered answers under a numbered question."""
    lines = [line.strip() for line in text.lstrip("\ufeff").split("\n")]
    questions = sum(bool(_QUESTION.match(line)) for line in lines)
    answers = [match for line in lines if (match := _ANSWER.match(line))]
    if not questions or not answers:
        return False
    typed = any(
        (setting := _SETTING.match(line)) and setting.group(1).lower() == "type" and setting.group(2).strip()
        for line in lines
    )
    keyed = any(_KEY_START.match(line) for line in lines)
    return typed or keyed or any(match.group(1) for match in answers)


_RESPONDUS_ONLY = re.compile(
    r"^\s*(?:Type\s*:\s*[A-Za-z]{1,3}\s*$|Answers\s*:|\*?[A-Za-z]\.\s+\S|\d{1,4}\)\s+\S)",
    re.MULTILINE | re.IGNORECASE,
)
"""Lines text2qti does not write: a type, an answer key, answers lettered `a.`, questions numbered `3)`."""


def written_for_respondus(text: str) -> bool:
    """A Respondus file with a line text2qti would refuse; one without (questions `1.`, answers `a)`, `*b)`)
    means the same in both formats."""
    return looks_like_respondus(text) and bool(_RESPONDUS_ONLY.search(text))


def _kind(raw: str) -> str:
    code = raw.strip().upper()
    if code in _TYPES or code in _UNSUPPORTED_TYPES:
        return code
    known = ", ".join((*_TYPES, *_UNSUPPORTED_TYPES))
    raise _RespondusError(f"'Type: {raw.strip()}' is no Respondus question type ({known})")


def _points(raw: str) -> float:
    try:
        points = float(raw.strip().replace(",", "."))
    except ValueError:
        raise _RespondusError(f"'Points: {raw.strip()}' is not a number") from None
    if points <= 0:
        raise _RespondusError(f"'Points: {raw.strip()}' must be greater than 0")
    return points


@dataclass
class _Reader:
    problems: ImportProblems
    items: list[_Item] = field(default_factory=list)
    kind: str = "MC"
    title: str = ""
    points: float | None = None
    key: dict[int, tuple[str, int]] = field(default_factory=dict)
    """The answer key: the letter for each question number, with the key's line."""
    in_key: bool = False


def _read_line(reader: _Reader, line: str, number: int) -> None:
    key = _KEY_START.match(line)
    if reader.in_key or key:
        reader.in_key = True  # the key ends the file: Respondus ignores what follows it
        for entry in _KEY_ENTRY.finditer(key.group(1) if key else line):
            reader.key[int(entry.group(1))] = (entry.group(2).upper(), number)
        return
    if setting := _SETTING.match(line):
        name, value = setting.group(1).lower(), setting.group(2).strip()
        if name == "type":
            reader.kind = _kind(value)
        elif name == "title":
            reader.title = value
        else:
            reader.points = _points(value)
        return
    if question := _QUESTION.match(line):
        reader.items.append(
            _Item(
                number, int(question.group(1)), reader.kind, [question.group(2)], reader.title, reader.points
            )
        )
        reader.kind, reader.title = "MC", ""
        return
    if not reader.items:
        raise _RespondusError(f"{line[:40]!r} comes before the first question ('1) …')")
    item = reader.items[-1]
    if answer := _ANSWER.match(line):
        item.answers.append(
            {"text": answer.group(3), "right": bool(answer.group(1)), "letter": answer.group(2)}
        )
    elif feedback := _FEEDBACK.match(line):
        item.outcome["correct" if feedback.group(1) == "~" else "incorrect"] = feedback.group(2)
    elif item.answers:
        item.answers[-1]["text"] += "\n" + line
    else:
        item.text.append(line)


def _marked(item: _Item, key: dict[int, tuple[str, int]]) -> list[bool]:
    """Which answers are right: the asterisks, else the answer key's letter."""
    if any(answer["right"] for answer in item.answers):
        return [answer["right"] for answer in item.answers]
    if item.number in key:
        letter, line = key[item.number]
        marked = [answer["letter"].upper() == letter for answer in item.answers]
        if not any(marked):
            raise _RespondusError(
                f"the answer key (line {line}) gives {letter}, which this question has no answer for"
            )
        return marked
    raise _RespondusError("no answer is marked right ('*b.') and the answer key gives none")


def _choices(item: _Item, marked: list[bool], right: float, wrong: float) -> list[dict[str, Any]]:
    return [
        {"text": answer["text"], "fraction": right if is_right else wrong}
        for answer, is_right in zip(item.answers, marked, strict=True)
    ]


def _data(item: _Item, key: dict[int, tuple[str, int]]) -> list[tuple[dict[str, Any], str]]:
    """The tenta fields of the question (several for matching), each with the text its item adds."""
    if item.kind in ("MC", "TF"):
        marked = _marked(item, key)
        if sum(marked) != 1:
            raise _RespondusError(
                f"a multiple-choice question has one right answer, not {sum(marked)}: use Type: MR"
            )
        texts = [answer["text"].strip().lower() for answer in item.answers]
        kind = (
            QuestionType.TRUE_FALSE
            if texts in (["true", "false"], ["t", "f"])
            else QuestionType.MULTIPLE_CHOICE
        )
        choices = _choices(item, marked, 1.0, 0.0)
        if kind is QuestionType.TRUE_FALSE:
            choices = [
                {**choice, "text": name} for choice, name in zip(choices, ("True", "False"), strict=True)
            ]
        return [({"type": kind.value, "choices": choices}, "")]
    if item.kind in ("MR", "MA"):
        marked = _marked(item, key)
        right, wrong = response_shares(sum(marked), penalise_wrong=True)
        return [
            (
                {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": _choices(item, marked, right, wrong)},
                "",
            )
        ]
    if item.kind == "F":
        if not item.answers:
            raise _RespondusError("a fill-in-the-blank question (Type: F) needs its answers ('a. answer')")
        accepted = [{"text": answer["text"].strip(), "fraction": 1.0} for answer in item.answers]
        return [({"type": QuestionType.SHORT_EXACT.value, "choices": accepted}, "")]
    if item.kind == "MT":
        pairs = []
        for answer in item.answers:
            left, equals, right_side = answer["text"].partition("=")
            if not equals:
                raise _RespondusError(f"matching answer {answer['text']!r} has no '=': write a. item=answer")
            pairs.append(matching.Pair(left.strip(), right_side.strip()))
        try:
            asked = matching.asked_items(pairs, item.points or 1.0)
        except matching.MatchingError as error:
            raise _RespondusError(str(error)) from None
        return [
            ({**asked_item.data, "max_points": asked_item.points}, asked_item.asking) for asked_item in asked
        ]
    return [({"type": QuestionType.FREE_TEXT.value}, "")]


def _parsed(item: _Item, key: dict[int, tuple[str, int]], problems: ImportProblems) -> list[MoodleQuestion]:
    label = item.title or f"question {item.number}"
    if item.kind in _UNSUPPORTED_TYPES:
        problems.unsupported(
            f"{_UNSUPPORTED_TYPES[item.kind]} questions (Type: {item.kind}) are not supported by tenta; "
            "remove or convert this question",
            line=item.line,
            field=label,
        )
        return []
    if item.kind == "E" and not item.answers:
        problems.unsupported(_MISSING_REFERENCE, line=item.line, field=label)
        return []
    try:
        found = _data(item, key)
    except _RespondusError as error:
        problems.add(str(error), line=item.line, field=label)
        return []
    prompt = "\n".join(item.text).strip()
    reference = "\n".join(answer["text"] for answer in item.answers) if item.kind == "E" else ""
    parsed = []
    for data, asking in found:
        points = data.pop("max_points", None) or item.points or 1.0
        if item.outcome:
            data["outcome_feedback"] = dict(item.outcome)
        parsed.append(
            MoodleQuestion(
                line=item.line,
                title=item.title,
                prompt=prompt + asking,
                data=data,
                general_feedback="",
                topics=[],
                reference=reference,
                max_points=points,
            )
        )
    if len(parsed) > 1:
        problems.note(matching.SPLIT_NOTE.format(count=len(parsed)), line=item.line, field=label)
    return parsed


def parse_respondus(text: str, problems: ImportProblems) -> list[MoodleQuestion]:
    """Every question of the file; problems are collected with their line, not raised."""
    reader = _Reader(problems)
    for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            _read_line(reader, line, number)
        except _RespondusError as error:
            problems.add(str(error), line=number)
    return [question for item in reader.items for question in _parsed(item, reader.key, problems)]


def import_respondus(
    path: Path,
    text: str | None = None,
    *,
    skipped: list[InputFileError] | None = None,
    notes: list[str] | None = None,
) -> Bank:
    """A bank from a Respondus Standard Format text file (`text` when it was read to tell its format)."""
    if text is None:
        text = read_text(path, windows_encodings=True)
    problems = ImportProblems(path, skipped=skipped, notes=notes)
    return moodle_bank(
        path,
        parse_respondus(text, problems),
        problems,
        title=title_from_path(path),
        missing_reference=_MISSING_REFERENCE,
    )
