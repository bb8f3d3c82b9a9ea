"""Spreadsheet exports: one free-text question per row.

Header: `question,reference_answer[,key_points,max_points,topic,id]` (Swedish names fråga, svar,
nyckelpunkter, poäng, ämne also work). The delimiter may be ',', ';' (Swedish Excel) or a tab. Key points
are separated by ';' or newlines and may carry a weight prefix ("2: mentions overfitting"); without a
key_points cell they are proposed from the reference answer. Errors name the row's line and the column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

from question_bank.errors import InputFileError
from question_bank.formats.common import (
    ImportProblems,
    QuestionDraft,
    build_bank,
    read_text,
    slugify,
    title_from_path,
)
from question_bank.keypoints import parse_weighted_point, propose_key_points
from question_bank.language import detect_language
from question_bank.models import Bank

COLUMN_ALIASES = {
    "question": ("question", "prompt", "fråga", "fraga"),
    "reference_answer": ("reference_answer", "reference", "answer", "svar", "referenssvar", "facit"),
    "key_points": ("key_points", "keypoints", "rubric", "nyckelpunkter", "bedömningspunkter"),
    "max_points": ("max_points", "points", "poäng", "maxpoäng"),
    "topic": ("topic", "topics", "ämne", "kategori", "category"),
    "id": ("id", "question_id"),
}
REQUIRED = ("question", "reference_answer")


def _canonical(header: str) -> str | None:
    name = re.sub(r"[\s\-]+", "_", header.strip().lower())
    for canonical, aliases in COLUMN_ALIASES.items():
        if name in aliases:
            return canonical
    return None


def _delimiter(header_line: str) -> str:
    """The delimiter that splits the header into recognised column names."""
    best, best_count = ",", -1
    for delimiter in (",", ";", "\t"):
        fields = next(csv.reader([header_line], delimiter=delimiter), [])
        count = sum(1 for field in fields if _canonical(field))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def looks_like_csv(text: str) -> bool:
    first = text.split("\n", 1)[0]
    fields = next(csv.reader([first], delimiter=_delimiter(first)), [])
    names = {_canonical(field) for field in fields}
    return all(required in names for required in REQUIRED)


def _number(text: str) -> float:
    cleaned = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text.strip()
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _key_points(cell: str) -> list[dict[str, Any]]:
    """Rubric dicts from a key_points cell; ValueError names the bad item."""
    items = [item.strip() for item in re.split(r"[;\n]", cell) if item.strip()]
    points = []
    for index, item in enumerate(items, start=1):
        weight, text = parse_weighted_point(item)
        points.append({"id": f"p{index}", "text": text, "weight": weight})
    return points


def _rows(text: str, delimiter: str, path: Path) -> list[tuple[int, list[str]]]:
    """(first line, cells) per non-empty record; csv errors become InputFileError at their line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputFileError(path, f"CSV syntax: {error}", line=reader.line_num) from None
    return rows


class _Columns:
    """Where each known column sits, and how to name it in an error."""

    def __init__(self, header: list[str], line: int, problems: ImportProblems) -> None:
        self.positions: dict[str, int] = {}
        for position, name in enumerate(header, start=1):
            canonical = _canonical(name)
            if canonical is None:
                known = ", ".join(COLUMN_ALIASES)
                problems.add(
                    f"unknown column {name!r} (known: {known})", line=line, field=f"column {position}"
                )
            elif canonical in self.positions:
                problems.add(f"column {name!r} appears twice", line=line, field=f"column {position}")
            else:
                self.positions[canonical] = position - 1
        for required in REQUIRED:
            if required not in self.positions:
                problems.add(f"missing required column {required!r}", line=line)

    def cell(self, cells: list[str], name: str) -> str:
        position = self.positions.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    def where(self, name: str) -> str:
        return f"column {self.positions.get(name, 0) + 1} ({name})"


def _row_data(
    number: int, line: int, cells: list[str], columns: _Columns, problems: ImportProblems
) -> dict[str, Any] | None:
    """One row as question fields (prompt/reference still plain strings), or None after reporting problems."""
    before = len(problems.errors)
    question, reference = columns.cell(cells, "question"), columns.cell(cells, "reference_answer")
    if not question:
        problems.add("question is empty", line=line, field=columns.where("question"))
    if not reference:
        problems.add(
            "free-text question needs a reference answer", line=line, field=columns.where("reference_answer")
        )
    data: dict[str, Any] = {"number": number, "id": columns.cell(cells, "id") or f"q{number}"}
    key_points, max_points = columns.cell(cells, "key_points"), columns.cell(cells, "max_points")
    if key_points:
        try:
            data["rubric"] = _key_points(key_points)
        except ValueError as error:
            problems.add(str(error), line=line, field=columns.where("key_points"))
    elif reference:
        data["rubric"] = [point.model_dump() for point in propose_key_points(reference)]
    if max_points:
        try:
            data["max_points"] = _number(max_points)
        except ValueError:
            problems.add(f"{max_points!r} is not a number", line=line, field=columns.where("max_points"))
    topics = [topic.strip() for topic in re.split(r"[;|]", columns.cell(cells, "topic")) if topic.strip()]
    if topics:
        data["topics"] = topics
    if len(problems.errors) > before:
        return None
    data["prompt"], data["reference_answer"] = question, reference
    return data


def import_csv(path: Path) -> Bank:
    """A bank of free-text questions from a CSV file; all rows are checked before anything is returned."""
    text = read_text(path)
    problems = ImportProblems(path)
    rows = _rows(text, _delimiter(text.split("\n", 1)[0]), path)
    if not rows:
        raise InputFileError(path, "file is empty: expected a header row question,reference_answer,…")
    header_line, header = rows[0]
    columns = _Columns(header, header_line, problems)
    problems.raise_if_any()
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, (line, cells) in enumerate(rows[1:], start=1):
        if len(cells) > len(header):
            problems.add(f"row has {len(cells)} cells but the header has {len(header)}", line=line)
            continue
        data = _row_data(number, line, cells, columns, problems)
        if data is not None:
            parsed.append((line, data))
    prompt_language = detect_language(data["prompt"] for _, data in parsed)
    answer_language = detect_language(
        (data["reference_answer"] for _, data in parsed), default=prompt_language
    )
    drafts = []
    seen_ids: dict[str, int] = {}
    for line, data in parsed:
        if data["id"] in seen_ids:
            problems.add(
                f"duplicate question id {data['id']!r} (first at line {seen_ids[data['id']]})",
                line=line,
                field=columns.where("id"),
            )
            continue
        seen_ids[data["id"]] = line
        data["prompt"] = {prompt_language: data["prompt"]}
        data["reference_answer"] = {answer_language: data["reference_answer"]}
        drafts.append(QuestionDraft(line=line, data=data, label=f"row {data['number']}"))
    languages = [prompt_language] + ([answer_language] if answer_language != prompt_language else [])
    title = title_from_path(path)
    bank_fields = {"id": slugify(title), "title": title, "languages": languages}
    return build_bank(path, drafts, bank_fields=bank_fields, problems=problems)
