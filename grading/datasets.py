"""Graded-answer datasets in the JSONL format of ../shared/datasets: reading, and turning records into
Questions (with a rubric derived from the reference answers) so evaluation runs the app's grading path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from grading.rubric import derive_rubric
from question_bank.errors import InputFileError, field_name
from question_bank.formats.common import read_text
from question_bank.language import detect_language
from question_bank.models import Bank, Question

_NEEDS_QUESTION = "empty; a record needs question and reference_answer, or question_number and --bank"


class FieldError(ValueError):
    """A check across fields that is still about one field, so the file's error can name it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class GradedRecord(BaseModel):
    """One human-graded answer. Either question text + reference, or a question_number into a bank."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    dataset: str = ""
    question_id: str = ""
    question_number: int | None = None
    answer_id: str = ""
    question: str = ""
    reference_answer: str = ""
    reference_answers: tuple[str, ...] = ()
    student_answer: str
    score: float
    max_score: float = Field(gt=0)
    grader_scores: tuple[float, ...] = ()
    """Each human grader's own score when `score` is their average (Mohler), on `grader_max_score`."""
    grader_max_score: float | None = Field(default=None, gt=0)
    language: str = ""
    """The answer's language when the file says (e.g. "sv"); `tenta eval` reports agreement per language."""

    @field_validator("question_id", "answer_id", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int | float) else value

    @field_validator("student_answer", "language", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value

    @model_validator(mode="after")
    def _score_in_range(self) -> GradedRecord:
        if not 0 <= self.score <= self.max_score:
            raise FieldError("score", f"{self.score:g} is outside 0..max_score ({self.max_score:g})")
        return self

    @property
    def fraction(self) -> float:
        return self.score / self.max_score

    @property
    def grader_fractions(self) -> tuple[float, ...]:
        """Each grader's score as a fraction of their scale (empty without per-grader scores)."""
        scale = self.grader_max_score or self.max_score
        return tuple(score / scale for score in self.grader_scores)

    @property
    def question_key(self) -> str | int | None:
        """How the record names a bank's question: its number, else its id, else not at all."""
        return self.question_number if self.question_number is not None else (self.question_id or None)

    @property
    def group(self) -> str:
        """What identifies the question: id, else number, else the question text."""
        if self.question_id:
            return self.question_id
        if self.question_number is not None:
            return f"q{self.question_number}"
        return self.question

    @property
    def all_references(self) -> list[str]:
        return list(dict.fromkeys([self.reference_answer, *self.reference_answers]))


def read_records(path: Path) -> list[GradedRecord]:
    """All records of a JSONL file; a bad line is an InputFileError naming the line and field."""
    return [record for _, record in read_numbered_records(path)]


def read_numbered_records(path: Path) -> list[tuple[int, GradedRecord]]:
    """(line number, record) for every record, so a later check can still point at the line."""
    return list(_iter_records(path))


def _iter_records(path: Path) -> Iterator[tuple[int, GradedRecord]]:
    lines = read_text(path).splitlines()  # UTF-8 with or without BOM, CRLF; anything else names the line
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            payload = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputFileError(path, f"not valid JSON: {error.msg}", line=number) from error
        if not isinstance(payload, dict):
            raise InputFileError(path, "each line must be a JSON object", line=number)
        try:
            yield number, GradedRecord.model_validate(payload)
        except ValidationError as error:
            raise _located(path, number, error) from error


def _located(path: Path, line: int, error: ValidationError) -> InputFileError:
    """The first validation problem as an error naming the field (a cross-field check names its own)."""
    first = error.errors()[0]
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, FieldError):
        return InputFileError(path, str(cause), line=line, field=cause.field)
    field = field_name(first["loc"]) or None
    return InputFileError(path, first["msg"], line=line, field=field)


def _identifier(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text).strip("_.-")[:100]
    return cleaned if cleaned and cleaned[0].isalnum() else f"q{cleaned}"


def bank_question(record: GradedRecord, bank: Bank) -> Question | None:
    """The bank's question a record answers: by question_number or question_id, else by its question text."""
    if record.question_key is not None:
        try:
            return bank.question(record.question_key)
        except KeyError:
            pass
    return bank.question_with_prompt(record.question) if record.question.strip() else None


def names_bank_questions(records: Sequence[GradedRecord], bank: Bank) -> bool:
    """Every record names one of the bank's questions by its wording or by "<bank id>.<number>" (a bare
    question number could belong to any bank, so it does not count)."""
    return bool(records) and all(
        bank.question_with_prompt(record.question) is not None
        or (record.question_id.startswith(f"{bank.id}.") and bank_question(record, bank) is not None)
        for record in records
    )


def question_for(record: GradedRecord, bank: Bank | None = None) -> Question:
    """The Question a record is graded against: the bank's (by number, id or question text), else one
    derived from the record's question and reference answer."""
    if bank is not None:
        found = bank_question(record, bank)
        if found is not None:
            return found
    problem = _question_problem(record, bank)
    if problem is not None:
        raise problem
    return Question(
        id=_identifier(record.group),
        prompt={detect_language([record.question], default="en"): record.question},
        reference_answer={detect_language([record.reference_answer], default="en"): record.reference_answer},
        rubric=derive_rubric(record.all_references),
        max_points=record.max_score,
    )


def _question_problem(record: GradedRecord, bank: Bank | None) -> FieldError | None:
    """Why a record that is not one of the bank's questions cannot be graded: it lacks its own question."""
    if bank is not None and not record.reference_answer.strip():
        field = "question_number" if record.question_number is not None else "question_id"
        named = record.question_key or record.question
        return FieldError(field, f"bank {bank.id!r} has no question {named!r}")
    if not record.reference_answer.strip():
        return FieldError("reference_answer", _NEEDS_QUESTION)
    if not record.question.strip():
        return FieldError("question", _NEEDS_QUESTION)
    return None


def check_questions(path: Path, numbered: Sequence[tuple[int, GradedRecord]], bank: Bank | None) -> None:
    """Fail before any grading on the first record that names no question it can be graded against, at
    its line and field (records are read before the bank is chosen, so this cannot happen while reading)."""
    for line, record in numbered:
        if bank is not None and bank_question(record, bank) is not None:
            continue
        problem = _question_problem(record, bank)
        if problem is not None:
            raise InputFileError(path, str(problem), line=line, field=problem.field)


def questions_for(records: Sequence[GradedRecord], bank: Bank | None = None) -> list[Question]:
    """Questions for many records, built once per distinct question."""
    built: dict[tuple[str, str, float], Question] = {}
    result = []
    for record in records:
        key = (record.group, record.reference_answer, record.max_score)
        if key not in built:
            built[key] = question_for(record, bank)
        result.append(built[key])
    return result
