"""Where the documents go: a readable, unique file name per student, each file written atomically."""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path

from quiz.teacher.exports import atomic_writer
from quiz.teacher.feedback.as_html import render_html, render_html_index
from quiz.teacher.feedback.as_markdown import render_markdown, render_markdown_index
from quiz.teacher.feedback.as_pdf import render_pdf, render_pdf_index
from quiz.teacher.feedback.model import FeedbackExam, StudentFeedback


class FeedbackFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"
    PDF = "pdf"


MAX_STEM_LENGTH = 80
RESERVED_STEMS = frozenset(
    {"index", "con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)}
)
"""Our index file, and names Windows refuses for files whatever the suffix."""


def slug(text: str) -> str:
    """Letters (å, ä, ö and other scripts included), digits, '.', '_' and '-' only; the rest becomes '-'."""
    normal = unicodedata.normalize("NFC", text)
    cleaned = re.sub(r"[^\w.-]+", "-", normal)
    return re.sub(r"-{2,}", "-", cleaned).strip("-._")


def file_stems(students: Sequence[StudentFeedback]) -> dict[int, str]:
    """Student id → a file name stem from their name and id, unique even on case-insensitive disks:
    students whose stems coincide get tenta's student number appended."""
    base: dict[int, str] = {}
    for student in students:
        parts = [slug(student.name)[:MAX_STEM_LENGTH], slug(student.external_id or "")[:MAX_STEM_LENGTH]]
        stem = "_".join(part for part in parts if part)
        base[student.student_id] = stem if stem and stem.casefold() not in RESERVED_STEMS else "student"
    counts = Counter(stem.casefold() for stem in base.values())
    stems: dict[int, str] = {}
    used: set[str] = set()
    for student in students:
        stem = base[student.student_id]
        if counts[stem.casefold()] > 1:
            stem = f"{stem}-{student.student_id}"
        while stem.casefold() in used:
            stem = f"{stem}-{student.student_id}"
        used.add(stem.casefold())
        stems[student.student_id] = stem
    return stems


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write next to `path` and move into place only when everything was written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_feedback(
    out_dir: Path,
    students: Sequence[StudentFeedback],
    exam: FeedbackExam,
    format_name: FeedbackFormat,
    *,
    pdf_fonts: Mapping[str, Path] | None = None,
) -> list[Path]:
    """One file per student and an index, each written atomically; the paths written, index last.
    PDFs use `pdf_fonts` (as_pdf.find_font_files) or, without them, the PDF core fonts."""
    suffix = format_name.value
    stems = file_stems(students)
    files = {student_id: f"{stem}.{suffix}" for student_id, stem in stems.items()}
    written = [out_dir / files[student.student_id] for student in students]
    index_path = out_dir / f"index.{suffix}"
    if format_name is FeedbackFormat.PDF:
        for student, path in zip(students, written, strict=True):
            write_bytes_atomically(path, render_pdf(student, exam, pdf_fonts))
        write_bytes_atomically(index_path, render_pdf_index(students, exam, files, pdf_fonts))
        return [*written, index_path]
    markdown = format_name is FeedbackFormat.MARKDOWN
    render = render_markdown if markdown else render_html
    for student, path in zip(students, written, strict=True):
        with atomic_writer(path) as handle:
            handle.write(render(student, exam))
    index = render_markdown_index if markdown else render_html_index
    with atomic_writer(index_path) as handle:
        handle.write(index(students, exam, files))
    return [*written, index_path]
