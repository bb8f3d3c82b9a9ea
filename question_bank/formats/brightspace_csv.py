"""Brightspace (D2L) question import CSV: the template teachers fill in (Question Library → Import → "Upload
a File", D2L's Sample_Question_Import_Template.csv) and that converters write, read directly.

    NewQuestion,MC,,,
    ID,DL101-7,,,
    Title,Dropout,,,
    QuestionText,What does dropout do?,,,
    Points,2,,,
    Option,100,It switches off random units,,Right: only while training
    Option,0,It raises the learning rate,,No
    Hint,Think about regularisation,,,
    Feedback,Dropout is a regulariser.,,,

A question is the rows from its `NewQuestion,<type>` row to the next; each row is named by its first cell
(case and spaces ignored, `//` rows are comments). `ID` is the question's id, `Title` its name,
`QuestionText` its prompt (HTML when the next cell says HTML, as for options and feedback), `Points` its
points, `Hint` a hint, `Feedback` the general feedback. Types, graded as Brightspace grades them: MC
(`Option,<percent>,<text>,<HTML>,<feedback>`; partial percentages kept), TF (`TRUE,<percent>,<feedback>`
and `FALSE,…`), MS multi-select (`Option,1|0,…`; `Scoring,AllOrNothing` all or nothing, else each right
answer a share and each wrong tick the same share off), SA short answer (`Answer,<percent>,<text>`,
`sensitive` making it case sensitive; a `regexp` answer cannot be compared as written: unsupported), WR
written response (its `AnswerKey` the model answer; without one unsupported), M matching (`Choice,<n>,…`
and `Match,<n>,…`, one question per choice). O (ordering), MAT (arithmetic), FIB and other types are
unsupported (skippable). `Image` names a file in the course's files, which the CSV does not carry: named in
the import notes. A row that belongs to no question, an unknown row or a bad number is an error naming
the line and the row; nothing is imported then.

Without this reader such a file was read as a question/answer CSV: every row a question, refused with an
error about a missing reference answer for its comment lines.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from question_bank.errors import InputFileError
from question_bank.formats import matching
from question_bank.formats.common import ImportProblems, html_to_text, response_shares, title_from_path
from question_bank.formats.gift import MoodleQuestion, moodle_bank
from question_bank.models import Bank, QuestionType

_SUPPORTED = ("MC", "TF", "MS", "SA", "WR", "M")
_UNSUPPORTED = {"O": "ordering", "MAT": "arithmetic", "FIB": "fill in the blanks", "MQ": "multi-short answer"}
_UNSUPPORTED |= {"LA": "Likert", "MSA": "multi-short answer", "H": "hotspot"}
_IGNORED = frozenset({"difficulty", "initialtext", "inputbox"})
"""Rows about how Brightspace shows a question (difficulty, the answer box's start text and size)."""
_MISSING_REFERENCE = (
    "a written response (WR) without an AnswerKey row has no reference answer, so tenta cannot grade it: "
    "add AnswerKey,<model answer>"
)


class _BrightspaceError(ValueError):
    """A problem in one row or question; becomes an InputFileError at that line."""


@dataclass
class _Item:
    """One question's rows, as read."""

    line: int
    kind: str
    fields: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, list[str], int]] = field(default_factory=list)
    """The answer rows (Option, TRUE/FALSE, Answer, Choice, Match, Scoring …): name, cells, line."""
    hints: list[str] = field(default_factory=list)


def looks_like_brightspace_csv(text: str) -> bool:
    """A `NewQuestion,<type>` row and a `QuestionText,` row, as every question of the template has."""
    return bool(
        re.search(r"^\ufeff?\"?NewQuestion\"?\s*[,;\t]", text, re.MULTILINE | re.IGNORECASE)
    ) and bool(re.search(r"^\"?QuestionText\"?\s*[,;\t]", text, re.MULTILINE | re.IGNORECASE))


def _shown(cells: list[str], index: int) -> str:
    """The text in cell `index`, read as HTML when the cell after it says HTML."""
    text = cells[index].strip() if index < len(cells) else ""
    is_html = index + 1 < len(cells) and cells[index + 1].strip().upper() == "HTML"
    return html_to_text(text).strip() if is_html else text


def _percent(raw: str, row: str) -> float:
    try:
        value = float(raw.strip().replace(",", ".") or "0")
    except ValueError:
        raise _BrightspaceError(f"{row}: {raw.strip()!r} is not a percentage") from None
    if not -100 <= value <= 100:
        raise _BrightspaceError(f"{row}: {raw.strip()!r} is not a percentage from -100 to 100")
    return value / 100


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """The CSV's records with the line each starts on; the delimiter as Excel saved it (`,` or `;`)."""
    first = next((line for line in text.split("\n") if line.strip() and not line.startswith("//")), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    records = []
    line = 1
    for record in reader:
        records.append((line, record))
        line = reader.line_num + 1
    return records


def _read(text: str, problems: ImportProblems) -> list[_Item]:
    items: list[_Item] = []
    for line, cells in _rows(text):
        name = cells[0].strip().lower().replace(" ", "") if cells else ""
        if not name or name.startswith("//"):
            continue
        if name == "newquestion":
            kind = cells[1].strip().upper() if len(cells) > 1 else ""
            if kind not in _SUPPORTED and kind not in _UNSUPPORTED:
                known = ", ".join((*_SUPPORTED, *_UNSUPPORTED))
                problems.add(
                    f"NewQuestion type {kind!r} is not a Brightspace question type ({known})", line=line
                )
            items.append(_Item(line, kind))
            continue
        if not items:
            problems.add(f"row {cells[0].strip()!r} comes before the first NewQuestion row", line=line)
            continue
        item = items[-1]
        if name in ("id", "title", "points", "questiontext", "feedback", "answerkey", "image"):
            item.fields[name] = _shown(cells, 1)
        elif name == "hint":
            item.hints.append(_shown(cells, 1))
        elif name in ("option", "true", "false", "answer", "choice", "match", "scoring", "item"):
            item.rows.append((name, cells, line))
        elif name not in _IGNORED:
            problems.add(f"{cells[0].strip()!r} is not a row of a Brightspace question", line=line)
    return items


def _choice_question(item: _Item) -> dict[str, Any]:
    options = [cells for name, cells, _ in item.rows if name == "option"]
    if len(options) < 2:
        raise _BrightspaceError(f"a {item.kind} question needs at least two Option rows")
    choices: list[dict[str, Any]] = []
    for cells in options:
        text = _shown(cells, 2)
        if not text:
            raise _BrightspaceError("an Option row without text (Option,<percent>,<text>)")
        choices.append({"text": text, "fraction": _percent(cells[1], "Option"), "feedback": _shown(cells, 4)})
    if item.kind == "MC":
        if not any(choice["fraction"] > 0 for choice in choices):
            raise _BrightspaceError("no Option gives points (Option,100,<right answer>)")
        return {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": choices}
    right = [choice["fraction"] > 0 for choice in choices]
    if not any(right):
        raise _BrightspaceError("no Option is marked right (Option,1,<right answer>)")
    scoring = next((cells[1].strip().lower() for name, cells, _ in item.rows if name == "scoring"), "")
    all_or_nothing = scoring == "allornothing"
    share, wrong = response_shares(sum(right), penalise_wrong=not all_or_nothing)
    for choice, is_right in zip(choices, right, strict=True):
        choice["fraction"] = share if is_right else wrong
    return {"type": QuestionType.MULTIPLE_CHOICE.value, "choices": choices, "all_or_nothing": all_or_nothing}


def _true_false(item: _Item) -> dict[str, Any]:
    rows = {name: cells for name, cells, _ in item.rows if name in ("true", "false")}
    if set(rows) != {"true", "false"}:
        raise _BrightspaceError("a true/false (TF) question needs a TRUE row and a FALSE row")
    choices: list[dict[str, Any]] = [
        {
            "text": label,
            "fraction": max(_percent(rows[name][1], name.upper()), 0.0),
            "feedback": _shown(rows[name], 2),
        }
        for name, label in (("true", "True"), ("false", "False"))
    ]
    if not any(choice["fraction"] > 0 for choice in choices):
        raise _BrightspaceError("neither TRUE nor FALSE gives points")
    return {"type": QuestionType.TRUE_FALSE.value, "choices": choices}


class _Unsupported(ValueError):
    """A question tenta has no type for; skippable."""


def _short_answer(item: _Item) -> dict[str, Any]:
    answers = [cells for name, cells, _ in item.rows if name == "answer"]
    if not answers:
        raise _BrightspaceError("a short answer (SA) question needs Answer rows (Answer,100,<answer>)")
    evaluations = {cells[3].strip().lower() if len(cells) > 3 else "" for cells in answers}
    if "regexp" in evaluations:
        raise _Unsupported(
            "a short answer graded by a regular expression (regexp) cannot be compared as written by tenta; "
            "remove or convert this question"
        )
    choices: list[dict[str, Any]] = [
        {"text": _shown(cells, 2), "fraction": _percent(cells[1], "Answer")} for cells in answers
    ]
    if not any(choice["fraction"] > 0 for choice in choices):
        raise _BrightspaceError("no Answer gives points (Answer,100,<answer>)")
    return {
        "type": QuestionType.SHORT_EXACT.value,
        "choices": [choice for choice in choices if choice["text"]],
        "case_sensitive": "sensitive" in evaluations,
    }


def _matching(item: _Item) -> list[matching.AskedItem]:
    choices = {cells[1].strip(): _shown(cells, 2) for name, cells, _ in item.rows if name == "choice"}
    matches = [(cells[1].strip(), _shown(cells, 2)) for name, cells, _ in item.rows if name == "match"]
    unmatched = [number for number, _ in matches if number not in choices]
    if unmatched:
        raise _BrightspaceError(f"Match row names choice {unmatched[0]!r}, which no Choice row has")
    order = list(choices)
    pairs = [
        matching.Pair(choices[number], text)
        for number, text in sorted(matches, key=lambda match: order.index(match[0]))
    ]
    try:
        return matching.asked_items(pairs, _points(item) or 1.0)
    except matching.MatchingError as error:
        raise _BrightspaceError(str(error)) from None


def _points(item: _Item) -> float | None:
    raw = item.fields.get("points", "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        points = float(raw)
    except ValueError:
        raise _BrightspaceError(f"Points: {raw!r} is not a number") from None
    if points <= 0:
        raise _BrightspaceError(f"Points: {raw!r} must be greater than 0")
    return points


def _questions(item: _Item) -> list[tuple[dict[str, Any], str, float | None]]:
    """The tenta fields of the question (one per choice for matching), the text each adds, its points."""
    if item.kind in _UNSUPPORTED:
        raise _Unsupported(
            f"{_UNSUPPORTED[item.kind]} questions ({item.kind}) are not supported by tenta; "
            "remove or convert this question"
        )
    points = _points(item)
    if item.kind == "M":
        return [(asked.data, asked.asking, asked.points) for asked in _matching(item)]
    if item.kind in ("MC", "MS"):
        return [(_choice_question(item), "", points)]
    if item.kind == "TF":
        return [(_true_false(item), "", points)]
    if item.kind == "SA":
        return [(_short_answer(item), "", points)]
    if not item.fields.get("answerkey"):
        raise _Unsupported(_MISSING_REFERENCE)
    return [({"type": QuestionType.FREE_TEXT.value}, "", points)]


def _parsed(item: _Item, problems: ImportProblems) -> list[MoodleQuestion]:
    label = item.fields.get("title") or item.fields.get("id") or f"{item.kind} question"
    prompt = item.fields.get("questiontext", "")
    if item.kind not in _SUPPORTED and item.kind not in _UNSUPPORTED:
        return []  # named when its NewQuestion row was read
    try:
        if not prompt:
            raise _BrightspaceError("the question has no QuestionText row")
        found = _questions(item)
    except _Unsupported as error:
        problems.unsupported(str(error), line=item.line, field=label)
        return []
    except _BrightspaceError as error:
        problems.add(str(error), line=item.line, field=label)
        return []
    if item.fields.get("image"):
        problems.note(
            f"picture {item.fields['image']!r} is in the Brightspace course's files, not in this CSV: add it "
            "to the question by hand",
            line=item.line,
            field=label,
        )
    if len(found) > 1:
        problems.note(matching.SPLIT_NOTE.format(count=len(found)), line=item.line, field=label)
    hints = [hint for hint in item.hints if hint]
    return [
        MoodleQuestion(
            line=item.line,
            title=item.fields.get("title", ""),
            prompt=prompt + asking,
            data={**data, **({"hints": hints} if hints else {})},
            general_feedback=item.fields.get("feedback", ""),
            topics=[],
            moodle_id=item.fields.get("id", "") if len(found) == 1 else "",
            reference=item.fields.get("answerkey", "") if item.kind == "WR" else "",
            max_points=points,
        )
        for data, asking, points in found
    ]


def parse_brightspace_csv(text: str, problems: ImportProblems) -> list[MoodleQuestion]:
    """Every question of the file; problems are collected with their line, not raised."""
    return [question for item in _read(text, problems) for question in _parsed(item, problems)]


def import_brightspace_csv(
    path: Path, text: str, *, skipped: list[InputFileError] | None = None, notes: list[str] | None = None
) -> Bank:
    """A bank from a Brightspace question import CSV, whose `text` was read to tell its format."""
    problems = ImportProblems(path, skipped=skipped, notes=notes)
    return moodle_bank(
        path,
        parse_brightspace_csv(text, problems),
        problems,
        title=title_from_path(path),
        missing_reference=_MISSING_REFERENCE,
    )
