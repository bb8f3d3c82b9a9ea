"""text2qti quiz text: the Markdown-based plain text that gpoore/text2qti (and its Canvas users) turn
into QTI, read directly.

    Quiz title: Addition
    Title: Sum
    Points: 2
    1.  What is 2+3?
    ... General question feedback.
    +   Feedback for a right answer.
    -   Feedback for a wrong answer.
    a)  6
    *b) 5

A question starts at `1. ` (any number). What follows says its kind, as text2qti builds it for Canvas:
`a)`/`*a)` choices, one marked right (multiple choice); `[ ]`/`[*]` choices (multiple answers, graded as
Canvas grades them: each right tick 1/n, each wrong one -1/n); `* answer` lines (short answer, any of
them accepted, case ignored); `= 1.4142 +- 0.0001`, `= 5 +- 10%`, `= [1.2598, 1.2600]` or `= 5`
(numerical); `____` (essay, its general feedback `...` or solution `!` the reference answer, as for
Canvas's essays elsewhere in tenta). `...` after a choice is that choice's feedback; `+`/`-` the right and
wrong answer feedback; `Title:` the question's name (its id), `Points:` its points. A paragraph wraps onto
lines indented to its text. `GROUP` … `END_GROUP` with `points per question:` gives each question those
points; tenta asks every question of a group (its `pick:` is named in a note). `Text:` regions are no
questions and are left out with a note; `%` lines and `COMMENT` … `END_COMMENT` are comments. File upload
(`^^^^`) and fill-in-multiple-blanks / multiple-dropdown questions are unsupported (skippable); an
executable code block needs text2qti to run it and is an error. The quiz title titles the bank, its
description describes it. Texts are Markdown, as text2qti reads them.

Without this reader such a file was taken for a numbered Markdown exam: one free-text question whose
reference answer held every other question, choice and marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from question_bank.errors import InputFileError
from question_bank.formats.common import (
    ImportProblems,
    read_text,
    response_shares,
    tidy_number,
    title_from_path,
)
from question_bank.formats.gift import MoodleQuestion, moodle_bank
from question_bank.models import Bank, QuestionType

_STARTS = {
    "question": r"\d+\.",
    "mc_right": r"\*[a-zA-Z]\)",
    "mc_wrong": r"[a-zA-Z]\)",
    "ma_right": r"\[\*\]",
    "ma_wrong": r"\[ ?\]",
    "short": r"\*",
    "feedback": r"\.\.\.",
    "right_feedback": r"\+",
    "wrong_feedback": r"-",
    "solution": r"!",
    "numerical": r"=",
    "title": r"[Tt]itle:",
    "points": r"[Pp]oints:",
    "text_title": r"[Tt]ext [Tt]itle:",
    "text": r"[Tt]ext:",
    "quiz_title": r"[Qq]uiz [Tt]itle:",
    "quiz_description": r"[Qq]uiz [Dd]escription:",
    "pick": r"(?:[Ss]olutions )?[Pp]ick:",
    "group_points": r"[Pp]oints per question:",
    "quiz_setting": r"(?:[Ss]huffle answers|[Ss]how correct answers|[Oo]ne question at a time"
    r"|[Cc]an't go back|[Ff]eedback is solution|[Ss]olutions sample groups|[Ss]olutions randomize groups):",
    "blanks": r"<>|\{\*\}|\{ ?\}",
}
"""text2qti's line starts (text2qti/quiz.py `start_patterns`), each followed by spaces and text, in the
order text2qti tries them."""
_LINE = re.compile("|".join(rf"(?P<{name}>{pattern})[ \t]+(?=\S)" for name, pattern in _STARTS.items()))
_ALONE = re.compile(
    r"(?P<essay>___+)|(?P<upload>\^\^\^+)|(?P<end_group>END_GROUP)|(?P<group>GROUP)|(?P<code>```)"
)
"""Lines that are only a marker: essay, file upload, a question group's ends, a code fence."""
_MARGIN = re.compile(r"^(\S+)\s*\+-\s*(\S+?)(%?)$")
_RANGE = re.compile(r"^\[\s*([^,\]]+?)\s*,\s*([^\]]+?)\s*\]$")
_STRONG_MARKERS = re.compile(
    r"^(?:\*[a-zA-Z]\)[ \t]+\S|\[\*\][ \t]+\S|___+[ \t]*$|\^\^\^+[ \t]*$|=[ \t]+[-+\d\[.])", re.MULTILINE
)
_UPLOAD = "a file upload question (^^^^) is not supported by tenta; remove or convert this question"
_BLANKS = (
    "a fill-in-multiple-blanks or multiple-dropdown question is not supported by tenta; remove or convert it"
)
_MISSING_REFERENCE = (
    "an essay without general feedback (a '...' line) or a solution ('!') has no reference answer, so "
    "tenta cannot grade it: add the model answer as its feedback"
)


class _Text2qtiError(ValueError):
    """A problem in one line; becomes an InputFileError at that line."""


@dataclass
class _Item:
    """One question being read."""

    line: int
    text: list[str]
    title: str = ""
    points: float | None = None
    kind: str = ""
    choices: list[dict[str, Any]] = field(default_factory=list)
    feedback: str = ""
    solution: str = ""
    outcome: dict[str, str] = field(default_factory=dict)
    numerical: list[dict[str, Any]] = field(default_factory=list)
    unsupported: str = ""
    failed: bool = False
    """A line of it was an error (already named): the question itself is not judged again."""


@dataclass
class _Reader:
    """The state of a read through the file."""

    problems: ImportProblems
    parsed: list[MoodleQuestion] = field(default_factory=list)
    quiz: dict[str, str] = field(default_factory=dict)
    question: _Item | None = None
    title: str = ""
    points: float | None = None
    group_points: float | None = None
    paragraph: tuple[Any, str] | None = None
    """Where a wrapped line goes: (the object, the key or attribute its text is in)."""


def looks_like_text2qti(text: str) -> bool:
    """A `Quiz title:` first, or a numbered question with a text2qti answer marker a Markdown exam does not
    write (`*b)`, `[*]`, `____`, `^^^^`, `= 5`)."""
    lines = [line for line in text.lstrip("\ufeff").split("\n") if line.strip() and not line.startswith("%")]
    if lines and re.match(r"[Qq]uiz [Tt]itle:[ \t]+\S", lines[0]):
        return True
    return bool(re.search(r"^\d+\.[ \t]+\S", text, re.MULTILINE)) and bool(_STRONG_MARKERS.search(text))


def _number(raw: str) -> float:
    try:
        return float(raw.replace("_", ""))
    except ValueError:
        raise _Text2qtiError(f"{raw!r} is not a number") from None


def _numerical_answer(raw: str) -> dict[str, Any]:
    """`= 1.4142 +- 0.0001`, `= 5 +- 10%`, `= [1.2598, 1.2600]` or `= 5` as a value and tolerance."""
    text = raw.strip()
    if ranged := _RANGE.match(text):
        low, high = _number(ranged.group(1)), _number(ranged.group(2))
        if low > high:
            raise _Text2qtiError(f"range [{ranged.group(1)}, {ranged.group(2)}] is empty")
        return {"value": tidy_number((low + high) / 2), "tolerance": tidy_number((high - low) / 2)}
    if margin := _MARGIN.match(text):
        value, tolerance = _number(margin.group(1)), abs(_number(margin.group(2)))
        if margin.group(3):
            tolerance = tidy_number(abs(value) * tolerance / 100)
        return {"value": value, "tolerance": tolerance}
    return {"value": _number(text), "tolerance": 0.0}


def _kind(question: _Item, kind: str) -> None:
    """Set the question's kind from a marker, refusing a second kind (text2qti refuses it too)."""
    if question.kind and question.kind != kind:
        raise _Text2qtiError(f"a {question.kind} question cannot also have a {kind} line")
    question.kind = kind


def _positive_points(raw: str, what: str) -> float:
    points = _number(raw)
    if points <= 0:
        raise _Text2qtiError(f"{what} {raw!r} must be greater than 0")
    return points


def _start(reader: _Reader, name: str, body: str, line: int) -> None:
    """A line that starts with the marker `name` and holds `body`."""
    if name == "question":
        _finish(reader)
        reader.question = _Item(line, [body], title=reader.title, points=reader.points or reader.group_points)
        reader.title, reader.points = "", None
        reader.paragraph = (reader.question.text, "")
        return
    if name in ("title", "points"):
        _finish(reader)
        if name == "title":
            reader.title = body
        else:
            reader.points = _positive_points(body, "Points:")
        reader.paragraph = None
        return
    if name in (
        "quiz_title",
        "quiz_description",
        "quiz_setting",
        "text_title",
        "text",
        "pick",
        "group_points",
    ):
        _finish(reader)
        _setting(reader, name, body, line)
        return
    question = reader.question
    if question is None:
        raise _Text2qtiError("this line belongs to a question, but no question ('1. …') comes before it")
    _answer_line(question, name, body)
    reader.paragraph = _where_text_goes(question, name)


def _setting(reader: _Reader, name: str, body: str, line: int) -> None:
    """A quiz-level or group-level line."""
    if name in ("quiz_title", "quiz_description"):
        reader.quiz[name] = body
        reader.paragraph = (reader.quiz, name)
    elif name == "group_points":
        reader.group_points = _positive_points(body, "points per question:")
        reader.paragraph = None
    elif name == "pick":
        reader.problems.note(
            f"a question group picks {body} of its questions for each student; tenta asks every one",
            line=line,
        )
        reader.paragraph = None
    elif name in ("text_title", "text"):
        reader.problems.left_out(
            "a text region (text shown between questions) is not a question; left out", line=line
        )
        reader.paragraph = None
    else:
        reader.paragraph = None  # Canvas quiz settings (shuffle, show correct answers …) tenta has no use for


def _answer_line(question: _Item, name: str, body: str) -> None:
    """A choice, answer, feedback or solution line of the open question."""
    if name in ("mc_right", "mc_wrong", "ma_right", "ma_wrong"):
        _kind(question, "multiple choice" if name.startswith("mc") else "multiple answers")
        question.choices.append({"text": body, "right": name.endswith("right"), "feedback": ""})
    elif name == "short":
        _kind(question, "short answer")
        question.choices.append({"text": body, "right": True, "feedback": ""})
    elif name == "numerical":
        _kind(question, "numerical")
        question.numerical.append(_numerical_answer(body))
    elif name == "feedback":
        if question.choices:
            question.choices[-1]["feedback"] = body
        else:
            question.feedback = body
    elif name in ("right_feedback", "wrong_feedback"):
        question.outcome["correct" if name == "right_feedback" else "incorrect"] = body
    elif name == "solution":
        question.solution = body
    elif name == "blanks":
        question.unsupported = _BLANKS


def _where_text_goes(question: _Item, name: str) -> tuple[Any, str] | None:
    """Where a wrapped continuation of a line started by `name` belongs."""
    if name in ("mc_right", "mc_wrong", "ma_right", "ma_wrong", "short"):
        return (question.choices[-1], "text")
    if name == "feedback":
        return (question.choices[-1], "feedback") if question.choices else (question, "feedback")
    if name in ("right_feedback", "wrong_feedback"):
        return (question.outcome, "correct" if name == "right_feedback" else "incorrect")
    if name == "solution":
        return (question, "solution")
    return None


def _continue(reader: _Reader, text: str, *, new_paragraph: bool) -> None:
    """A wrapped line (indented to its paragraph's text) added to what the paragraph is in."""
    if reader.paragraph is None:
        raise _Text2qtiError("an indented line that continues nothing (text2qti wraps only text lines)")
    holder, key = reader.paragraph
    joiner = "\n\n" if new_paragraph else "\n"
    if isinstance(holder, list):
        holder.append(("\n" if new_paragraph else "") + text)
    elif isinstance(holder, dict):
        holder[key] = holder[key] + joiner + text
    else:
        setattr(holder, key, getattr(holder, key) + joiner + text)


def _alone(reader: _Reader, name: str, line: int) -> None:
    """A marker alone on its line."""
    if name in ("group", "end_group"):
        _finish(reader)
        reader.group_points = None
        reader.paragraph = None
        return
    if name == "code":
        raise _Text2qtiError(
            "a code block: text2qti runs such blocks to write questions; run text2qti --run-code-blocks "
            "and import the QTI .zip it writes"
        )
    question = reader.question
    if question is None:
        raise _Text2qtiError(
            f"{'an essay' if name == 'essay' else 'a file upload'} marker before any question"
        )
    _kind(question, "essay" if name == "essay" else "file upload")
    if name == "upload":
        question.unsupported = _UPLOAD
    reader.paragraph = None


def _question_data(question: _Item) -> dict[str, Any]:
    """The tenta fields of a finished question, by its kind."""
    if question.kind == "multiple choice":
        right = sum(choice["right"] for choice in question.choices)
        if right != 1:
            raise _Text2qtiError(
                f"a multiple-choice question needs exactly one right choice ('*a)'), not {right}"
            )
        choices = [
            {"text": c["text"], "fraction": 1.0 if c["right"] else 0.0, "feedback": c["feedback"]}
            for c in question.choices
        ]
        return {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": choices}
    if question.kind == "multiple answers":
        right = sum(choice["right"] for choice in question.choices)
        if right == 0:
            raise _Text2qtiError("a multiple-answers question needs at least one right choice ('[*]')")
        share, penalty = response_shares(right, penalise_wrong=True)
        choices = [
            {"text": c["text"], "fraction": share if c["right"] else penalty, "feedback": c["feedback"]}
            for c in question.choices
        ]
        return {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": choices}
    if question.kind == "short answer":
        return {
            "type": QuestionType.SHORT_EXACT.value,
            "choices": [{"text": c["text"], "fraction": 1.0} for c in question.choices],
        }
    if question.kind == "numerical":
        return {"type": QuestionType.NUMERICAL.value, "numerical": question.numerical}
    if question.kind in ("essay", "file upload"):
        return {"type": QuestionType.FREE_TEXT.value}
    raise _Text2qtiError("a question without choices, answers or an essay line (____)")


def _finish(reader: _Reader) -> None:
    """Turn the open question, if any, into a parsed question (or a problem at its line)."""
    question, reader.question = reader.question, None
    reader.paragraph = None
    if question is None or question.failed:
        return
    label = question.title or f"question at line {question.line}"
    prompt = "\n".join(question.text).strip()
    if question.unsupported:
        reader.problems.unsupported(question.unsupported, line=question.line, field=label)
        return
    try:
        data = _question_data(question)
    except _Text2qtiError as error:
        reader.problems.add(str(error), line=question.line, field=label)
        return
    outcome = {key: text for key, text in question.outcome.items() if text}
    if outcome:
        data["outcome_feedback"] = outcome
    feedback = "\n\n".join(filter(None, [question.feedback, question.solution]))
    essay = question.kind == "essay"
    if essay and not feedback:
        reader.problems.unsupported(_MISSING_REFERENCE, line=question.line, field=label)
        return
    reader.parsed.append(
        MoodleQuestion(
            line=question.line,
            title=question.title,
            prompt=prompt,
            data=data,
            general_feedback="" if essay else feedback,
            topics=[],
            reference=feedback if essay else "",
            max_points=question.points if question.points is not None else 1.0,
            markdown=True,
        )
    )


def parse_text2qti(text: str, problems: ImportProblems) -> tuple[list[MoodleQuestion], dict[str, str]]:
    """Every question of the file and the quiz's title and description; problems are collected with their
    line, not raised."""
    reader = _Reader(problems)
    in_comment = False
    blank_before = False
    for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = raw.rstrip("\r").expandtabs(4)
        stripped = line.strip()
        if in_comment or stripped == "COMMENT":
            in_comment = stripped != "END_COMMENT"
            continue
        if not stripped or line.startswith("%"):
            blank_before = blank_before or not stripped
            continue
        try:
            _line(reader, line, number, new_paragraph=blank_before)
        except _Text2qtiError as error:
            problems.add(str(error), line=number)
            reader.paragraph = None
            if reader.question is not None:
                reader.question.failed = True
        blank_before = False
    _finish(reader)
    return reader.parsed, reader.quiz


def _line(reader: _Reader, line: str, number: int, *, new_paragraph: bool) -> None:
    if line.startswith(" "):
        _continue(reader, line.strip(), new_paragraph=new_paragraph)
        return
    alone = _ALONE.fullmatch(line.rstrip())
    if alone and alone.lastgroup:
        _alone(reader, alone.lastgroup, number)
        return
    started = _LINE.match(line)
    if started is None or started.lastgroup is None:
        raise _Text2qtiError(
            f"{line.strip()[:40]!r} is no text2qti line: a question starts '1. ', a choice 'a) ' or '*a) ', "
            "wrapped text is indented to its paragraph"
        )
    _start(reader, started.lastgroup, line[started.end() :].rstrip(), number)


def import_text2qti(
    path: Path,
    text: str | None = None,
    *,
    skipped: list[InputFileError] | None = None,
    notes: list[str] | None = None,
) -> Bank:
    """A bank from a text2qti quiz file (`text` when it was read to tell its format); the quiz title is the
    bank's title, its description the bank's description."""
    if text is None:
        text = read_text(path, windows_encodings=True)
    problems = ImportProblems(path, skipped=skipped, notes=notes)
    parsed, quiz = parse_text2qti(text, problems)
    bank = moodle_bank(
        path,
        parsed,
        problems,
        title=quiz.get("quiz_title", "").strip() or title_from_path(path),
        missing_reference=_MISSING_REFERENCE,
    )
    description = quiz.get("quiz_description", "").strip()
    return bank.model_copy(update={"description": description}) if description else bank
