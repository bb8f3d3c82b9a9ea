"""Files a teacher takes elsewhere: the gradebook (students × questions) and graded answers in detail.

CSV is written as UTF-8 with a byte-order mark so spreadsheet programs show å, ä, ö correctly; our
own reader accepts it, and an exported answers file can be read back as a submissions file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from db.records import AnswerDetail, Gradebook
from question_bank.errors import TentaError
from question_bank.models import Bank

CSV_ENCODING = "utf-8-sig"

ANSWER_CSV_COLUMNS = (
    "tenta_answer_id",
    "student",
    "student_id",
    "question_id",
    "submitted_at",
    "answer",
    "auto_score",
    "override_score",
    "final_score",
    "max_points",
    "needs_review",
    "confidence",
    "flags",
    "feedback",
    "key_points",
    "teacher_comment",
)


def format_score(value: float | None) -> str:
    """Scores with at most two decimals and no trailing zeros; blank when there is none."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@contextmanager
def atomic_writer(path: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write to a temporary file next to `path` and move it into place only when everything went well."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with temporary.open("w", encoding=encoding, newline="") as handle:
            yield handle
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_gradebook(path: Path, gradebook: Gradebook, bank: Bank) -> None:
    """One row per student: final score per question (bank order), total, max total and percent."""
    question_ids = [question.id for question in bank.questions]
    extra = [question_id for question_id in gradebook.question_ids if question_id not in question_ids]
    columns = question_ids + extra
    max_total = sum(question.max_points for question in bank.questions) + sum(
        gradebook.max_points[question_id] for question_id in extra
    )
    with atomic_writer(path, CSV_ENCODING) as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "student_id", *columns, "total", "max_total", "percent"])
        for row in gradebook.rows:
            writer.writerow(
                [
                    row.student_name,
                    row.external_id or "",
                    *(format_score(row.scores.get(question_id)) for question_id in columns),
                    format_score(row.total),
                    format_score(max_total),
                    format_score(100.0 * row.total / max_total if max_total else None),
                ]
            )


def answer_record(detail: AnswerDetail, student_external_id: str | None) -> dict[str, Any]:
    """Everything known about one answer, for the detailed JSONL export."""
    grade = detail.latest_grade
    override = detail.latest_override
    return {
        "answer_id": detail.answer.id,
        "student": detail.answer.student_name,
        "student_id": student_external_id,
        "bank_id": detail.answer.bank_id,
        "question_id": detail.answer.question_id,
        "submitted_at": detail.answer.submitted_at.isoformat(),
        "language": detail.answer.language,
        "answer": detail.answer.text,
        "max_points": detail.max_points,
        "final_score": detail.final_score,
        "needs_review": detail.needs_review,
        "regrade_requested": detail.regrade_requested,
        "auto_grade": None
        if grade is None
        else {
            "score": grade.score,
            "max_points": grade.max_points,
            "confidence": grade.confidence,
            "needs_review": grade.needs_review,
            "flags": grade.flags,
            "feedback": grade.feedback,
            "key_points": grade.points,
            "grader_version": grade.grader_version,
            "model_id": grade.model_id,
            "graded_at": grade.created_at.isoformat(),
        },
        "override": None
        if override is None
        else {
            "score": override.score,
            "comment": override.comment,
            "teacher": override.teacher,
            "at": override.created_at.isoformat(),
            "point_credits": override.point_credits,
        },
        "final_key_points": detail.final_points,
    }


def key_points_summary(points: Sequence[dict[str, Any]]) -> str:
    """'[covered] text; [missing] text' - the per-key-point feedback in one spreadsheet cell."""
    return "; ".join(
        f"[{point.get('status', '?')}] {point.get('text', point.get('point_id', ''))}" for point in points
    )


def answer_csv_row(detail: AnswerDetail, student_external_id: str | None) -> list[str]:
    grade = detail.latest_grade
    override = detail.latest_override
    return [
        str(detail.answer.id),
        detail.answer.student_name,
        student_external_id or "",
        detail.answer.question_id,
        detail.answer.submitted_at.isoformat(),
        detail.answer.text,
        format_score(grade.score if grade else None),
        format_score(override.score if override else None),
        format_score(detail.final_score),
        format_score(detail.max_points),
        "yes" if detail.needs_review else "",
        format_score(grade.confidence if grade else None),
        " ".join(grade.flags) if grade else "",
        grade.feedback if grade else "",
        key_points_summary(grade.points) if grade else "",
        override.comment if override else "",
    ]


def write_answers(path: Path, details: Sequence[AnswerDetail], external_ids: dict[int, str | None]) -> None:
    """Graded answers as JSONL (full detail) or CSV (one flat row each), chosen by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        with atomic_writer(path) as handle:
            for detail in details:
                record = answer_record(detail, external_ids.get(detail.answer.student_id))
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif suffix in {".csv", ".tsv"}:
        with atomic_writer(path, CSV_ENCODING) as handle:
            writer = csv.writer(handle, delimiter="\t" if suffix == ".tsv" else ",")
            writer.writerow(ANSWER_CSV_COLUMNS)
            for detail in details:
                writer.writerow(answer_csv_row(detail, external_ids.get(detail.answer.student_id)))
    else:
        raise TentaError(f"{path}: write results to a .csv, .tsv or .jsonl file")


def bank_text(bank: Bank, format_name: str) -> str:
    """The bank written by the bank package's own exporter for `format_name`."""
    from question_bank.formats.detect import EXPORTERS

    writer = EXPORTERS.get(format_name.lower().lstrip("."))
    if writer is None:
        raise TentaError(f"unknown bank format {format_name!r}; choose one of {', '.join(EXPORTERS)}")
    return writer(bank)
