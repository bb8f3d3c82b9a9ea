"""Files a teacher takes elsewhere: the gradebook (for a spreadsheet, Moodle or Canvas) and graded answers.

tenta's own CSV is written as UTF-8 with a byte-order mark so spreadsheet programs show å, ä, ö correctly;
our own reader accepts it, and an exported answers file can be read back as a submissions file.

The LMS gradebooks are plain UTF-8 (no byte-order mark), comma-separated, '.' as decimal separator,
scores rounded to two decimals; the final score is the teacher's override where there is one. A question
the student did not answer counts 0; an answer not graded yet leaves its cell and the student's total
without a grade (Moodle's "-", Canvas's empty cell), so the LMS shows "no grade" instead of a wrong total.
Moodle matches students on one column chosen at import ("Email address" → useremail, "ID number" →
useridnumber or username) and reuses the previous row's student when that cell is empty, so students
without the identifier come first: the import then stops at them instead of grading someone else.
Canvas matches SIS User ID, then SIS Login ID, then the exact name; its CSV import takes no comments.

Final grades (when the bank has a grade scale or --grade-scale gives one, see question_bank.grade_scales):
tenta's CSV gets a grade column and the `grades` format lists one final grade per student for the
student records system. Ladok documents no file import for results (they are entered in Ladok, or sent
by integrations through its API), so `grades` is a plain CSV to work from, not a Ladok file. Moodle
takes a grade word only into a grade item that uses a scale (its CSV import looks the word up among the
scale's items and rejects words in a points item), so its file gets a separate grade column for such an
item; Canvas's import takes points, and shows letters through the assignment's grading scheme, so its
file keeps points only. A student with an answer not graded yet gets no final grade.

Every gradebook file is something a teacher hands on (to Ladok, to the LMS the students read, to a
colleague's spreadsheet), so, as Moodle gives no grade while an answer "Requires grading" and Gradescope
exports only what was published, a student with an answer the gradebook counts still waiting for the
teacher (AnswerDetail.waits_for_teacher: an uncertain auto grade not overridden, a regrade request) is
held in every format: the total and final grade are left without a grade, and so is that answer's own
cell, as for an answer not graded yet; the student is named on stderr with the reason. One rule,
held_for_review, decides who is held; the teacher's override releases the grade, and the teacher can ask
for the current scores instead (an empty `held`).

Excel opens a CSV with the list separator of its locale: in Swedish (and most of Europe) that is ';' with
',' as decimal separator, so a comma-separated file opens in one column there. The `grades` file, which a
Swedish teacher opens in Excel to enter in Ladok, is therefore written with ';' and decimal commas (and
the byte-order mark, so å, ä, ö show); tenta's own gradebook can be asked for the same (CsvSeparator).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import re
import sys
import tempfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from db.records import AnswerDetail, Gradebook, GradebookRow
from db.repository import latest_per_student_question
from grading.models import GradeFlag
from question_bank.errors import TentaError
from question_bank.grade_scales import GradeBoundary, describe_scale, final_grade
from question_bank.models import Bank
from quiz.scores import format_score

CSV_ENCODING = "utf-8-sig"
LMS_ENCODING = "utf-8"

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
    "regrade_request",
)
"""The flat graded-answers file. `needs_review` is the grader's flag, `regrade_request` the student's
reason while a regrade request waits ("yes" without one): either puts the answer in `tenta review`, so a
teacher working through the spreadsheet filters on both (the JSONL's needs_review, regrade_requested and
regrade_reason)."""


class CsvSeparator(StrEnum):
    """The field separator of a spreadsheet CSV: ';' (with decimal commas) for Excel in a Swedish or other
    European locale, ',' for English-locale spreadsheets and other programs."""

    SEMICOLON = "semicolon"
    COMMA = "comma"


SEPARATORS = {CsvSeparator.SEMICOLON: ";", CsvSeparator.COMMA: ","}
_DECIMAL = re.compile(r"^-?\d+\.\d+$")


class GradebookFormat(StrEnum):
    TENTA = "tenta"
    MOODLE = "moodle"
    CANVAS = "canvas"
    GRADES = "grades"


MOODLE_NO_GRADE = "-"
"""Moodle's own "no grade" mark; an empty cell would be stored as a grade of a new grade item."""
MOODLE_NAME = "Full name"
MOODLE_EMAIL = "Email address"
MOODLE_ID_NUMBER = "ID number"
MOODLE_FEEDBACK = "Feedback"
MOODLE_GRADE_LIMIT = 100.0
"""Moodle refuses imported grades above this unless the site allows unlimited grades."""
CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
GRADES_COLUMNS = ("student_id", "name", "grade", "examination_date", "points", "max_points")
NO_FINAL_GRADE = "no grade"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class GradebookTable:
    """A gradebook laid out for one system, and what the teacher should know before importing it."""

    rows: list[list[str]]
    encoding: str
    students: int
    unidentified: tuple[str, ...] = ()
    """Students the LMS cannot match by an identifier (names as tenta has them)."""
    notes: tuple[str, ...] = ()
    """One-line remarks for the teacher (unidentified students, ungraded answers, LMS limits)."""
    grade_counts: tuple[tuple[str, int], ...] = ()
    """Students per final grade in the scale's order, then those without one; empty without a scale."""
    delimiter: str = ","


def with_separator(table: GradebookTable, separator: CsvSeparator) -> GradebookTable:
    """The table written with `separator`; with ';' a number's decimal point becomes a comma, as Excel
    in a Swedish locale reads numbers ('2.5' would be text there, or a date)."""
    if separator is CsvSeparator.COMMA:
        return dataclasses.replace(table, delimiter=",")
    rows = [
        table.rows[0],
        *(
            [cell.replace(".", ",") if _DECIMAL.match(cell) else cell for cell in row]
            for row in table.rows[1:]
        ),
    ]
    return dataclasses.replace(table, rows=rows, delimiter=SEPARATORS[separator])


def check_writable(path: Path | None) -> None:
    """Refuse an output path that could not be written, before any work whose result would go there (so a
    typo in --out does not cost minutes of grading, or leave a submissions file half handled). None (no
    output asked for) passes. An existing file is opened for appending (nothing is written to it), as
    permission bits alone do not tell (for root every path passes os.access, /proc included)."""
    if path is None:
        return
    if path.is_dir():
        raise TentaError(f"{path}: is a folder; give a file name to write")
    if not path.exists():
        _check_creatable(path, path.parent)
        return
    try:
        path.open("a", encoding="utf-8").close()
    except OSError as error:
        raise TentaError(f"{path}: cannot write: {error.strerror or error}") from None


def check_folder(path: Path) -> None:
    """Refuse an output folder that is an existing file or cannot be made, before any work: the files
    written into it would otherwise fail one by one with an OS error."""
    if path.exists() and not path.is_dir():
        raise TentaError(f"{path}: is a file; give a folder for the files to write")
    _check_creatable(path, path)


def _check_creatable(path: Path, folder: Path) -> None:
    """Refuse `path` unless the nearest existing one of `folder` and its parents is a folder a file can be
    made in (the missing ones are made when writing). A file is made there and removed again: the
    permission bits pass for root in /proc or on a read-only mount, where writing fails only at the end."""
    existing = next(parent for parent in (folder, *folder.parents) if parent.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise TentaError(f"{path}: cannot write there ({existing} is not a writable folder)")
    try:
        handle, probe = tempfile.mkstemp(prefix=".tenta-write-check-", dir=existing)
    except OSError as error:
        reason = error.strerror or str(error)
        raise TentaError(
            f"{path}: cannot write there (no file can be made in {existing}: {reason})"
        ) from None
    os.close(handle)
    Path(probe).unlink()


@contextmanager
def atomic_writer(path: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write to a temporary file next to `path` and move it into place only when everything went well.
    A file system's refusal (a full disk, a folder in the way) is a TentaError naming `path`, the one line
    every command prints, not a traceback about the temporary file."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("w", encoding=encoding, newline="") as handle:
            yield handle
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise TentaError(f"{path}: cannot write: {error.strerror or error}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_table(table: GradebookTable, path: Path | None) -> None:
    """The table as CSV into `path` (atomically), or on stdout when no path is given."""
    if path is None:
        csv.writer(sys.stdout, delimiter=table.delimiter, lineterminator="\n").writerows(table.rows)
        return
    with atomic_writer(path, table.encoding) as handle:
        csv.writer(handle, delimiter=table.delimiter).writerows(table.rows)


def gradebook_table(
    gradebook: Gradebook,
    bank: Bank,
    format_name: GradebookFormat,
    *,
    title: str | None = None,
    per_question: bool = False,
    grade_scale: Sequence[GradeBoundary] = (),
    exam_dates: Mapping[int, date] | None = None,
    separator: CsvSeparator | None = None,
    held: Mapping[int, Sequence[AnswerDetail]] | None = None,
) -> GradebookTable:
    """The gradebook laid out for tenta's spreadsheet, Moodle's or Canvas's grade import, or the final
    grades; `grade_scale` adds final grades, `exam_dates` (student id → date) dates them. `separator`
    (default: the format's own) is for the spreadsheet files only: an LMS reads commas. `held` (student
    id → answers waiting for review, see held_for_review) get no total or final grade in any format."""
    default = CsvSeparator.SEMICOLON if format_name is GradebookFormat.GRADES else CsvSeparator.COMMA
    chosen = separator or default
    if chosen is CsvSeparator.SEMICOLON and format_name in (GradebookFormat.MOODLE, GradebookFormat.CANVAS):
        raise TentaError(
            f"--separator semicolon: the {format_name.value} import reads comma-separated files only; "
            "it applies to --format tenta and grades"
        )
    layout = _Layout(title, per_question, tuple(grade_scale), exam_dates or {}, held or {})
    return with_separator(_laid_out(gradebook, bank, format_name, layout), chosen)


@dataclass(frozen=True)
class _Layout:
    """gradebook_table's choices, passed on to the format's layout."""

    title: str | None
    per_question: bool
    scale: tuple[GradeBoundary, ...]
    exam_dates: Mapping[int, date]
    held: Mapping[int, Sequence[AnswerDetail]]


def _laid_out(
    gradebook: Gradebook, bank: Bank, format_name: GradebookFormat, layout: _Layout
) -> GradebookTable:
    """The rows each system expects, before the separator is chosen."""
    scale, held = layout.scale, layout.held
    if format_name is GradebookFormat.TENTA:
        table = tenta_gradebook(gradebook, bank, scale, held=held)
    elif format_name is GradebookFormat.GRADES:
        table = grades_table(gradebook, bank, scale, layout.exam_dates, held)
    else:
        column = (layout.title or bank.title or bank.id).strip()
        lay_out = moodle_gradebook if format_name is GradebookFormat.MOODLE else canvas_gradebook
        table = lay_out(
            gradebook, bank, title=column, per_question=layout.per_question, scale=scale, held=held
        )
    if not scale:
        return table
    grades = final_grades(gradebook, bank, scale, held=held.keys())
    return dataclasses.replace(table, grade_counts=grade_counts(grades, scale))


def write_gradebook(path: Path, gradebook: Gradebook, bank: Bank) -> None:
    """tenta's own gradebook CSV (see tenta_gradebook)."""
    write_table(tenta_gradebook(gradebook, bank), path)


def question_columns(gradebook: Gradebook, bank: Bank) -> dict[str, float]:
    """Question id → max points: the bank's questions in order, then answered ones the bank no longer has."""
    columns = {question.id: question.max_points for question in bank.questions}
    for question_id in gradebook.question_ids:
        columns.setdefault(question_id, gradebook.max_points[question_id])
    return columns


def question_labels(bank: Bank, question_ids: Sequence[str]) -> dict[str, str]:
    """'Q3' by exam number when the bank numbers its questions uniquely, else the question id."""
    numbers = {question.id: question.number for question in bank.questions if question.number is not None}
    unique = len(set(numbers.values())) == len(numbers)
    return {
        question_id: f"Q{numbers[question_id]}" if unique and question_id in numbers else question_id
        for question_id in question_ids
    }


def final_grades(
    gradebook: Gradebook, bank: Bank, scale: Sequence[GradeBoundary], *, held: Collection[int] = ()
) -> dict[int, str | None]:
    """Student id → final grade from the total (unanswered questions count 0); None while an answer
    waits for grading, since a grade on a partial total could be too low, and for the `held` students,
    whose grade waits for a teacher's review."""
    max_total = sum(question_columns(gradebook, bank).values())
    return {
        row.student_id: None
        if row.pending or row.student_id in held
        else final_grade(row.total, max_total, scale)
        for row in gradebook.rows
    }


def held_for_review(details: Sequence[AnswerDetail]) -> dict[int, tuple[AnswerDetail, ...]]:
    """Student id → the answers the gradebook counts (each student's latest per question) that wait for
    a teacher (AnswerDetail.waits_for_teacher). Their total and final grade are not reported in any
    gradebook format until these are decided, as the feedback files show them "not graded yet", and the
    statistics count their scores as provisional."""
    held: dict[int, list[AnswerDetail]] = {}
    for detail in sorted(latest_per_student_question(details).values(), key=lambda each: each.answer.id):
        if detail.waits_for_teacher:
            held.setdefault(detail.answer.student_id, []).append(detail)
    return {student_id: tuple(answers) for student_id, answers in held.items()}


def held_questions(held: Mapping[int, Sequence[AnswerDetail]], student_id: int) -> frozenset[str]:
    """The questions whose counted answer holds the student's total (see held_for_review)."""
    return frozenset(detail.answer.question_id for detail in held.get(student_id, ()))


def review_reasons(detail: AnswerDetail) -> list[str]:
    """Why the answer is in the queue, a line each: the regrade request with the student's reason, and
    the grader's flags in words ('wrong question, low confidence'; 'low confidence' when it set none)."""
    reasons = []
    if detail.regrade_requested:
        reasons.append(f"regrade requested: {detail.regrade_reason or ''}".strip())
    grade = detail.latest_grade
    if grade is not None and detail.needs_review:
        flags = grade.flags or [GradeFlag.LOW_CONFIDENCE]
        reasons.append(", ".join(flag.replace("_", " ") for flag in flags))
    return reasons


def held_notes(
    gradebook: Gradebook,
    held: Mapping[int, Sequence[AnswerDetail]],
    *,
    withheld: str = "a final grade",
    written: str = "grades",
    cells: str | None = None,
) -> tuple[str, ...]:
    """One line for the held students (without `withheld`; --include-pending writes their `written`),
    one per student naming each answer waiting and why, and when the file has a cell per answer, how
    those answers' `cells` look."""
    if not held:
        return ()
    lines = [
        f"{len(held)} student(s) held without {withheld} while answers of theirs wait for review "
        f"(decide them with tenta review / tenta override and export again, or write their {written} from "
        "the current scores with --include-pending):"
    ]
    for row in gradebook.rows:
        if row.student_id in held:
            waiting = "; ".join(
                f"answer {detail.answer.id}, {detail.answer.question_id}: "
                + " ".join(", ".join(review_reasons(detail)).split())
                for detail in held[row.student_id]
            )
            lines.append(f"held: {row.student_name}: {waiting}")
    if cells is not None:
        lines.append(f"the answers in review have {cells} cells too")
    return tuple(lines)


def lms_held_notes(
    gradebook: Gradebook,
    held: Mapping[int, Sequence[AnswerDetail]],
    *,
    with_final_grades: bool,
    no_grade: str | None,
) -> tuple[str, ...]:
    """held_notes for a file with a total per student (tenta's, Moodle's, Canvas's); `no_grade` is how
    an answer's cell without a grade looks, None when the file has no cell per answer."""
    cells = None if no_grade is None else (f"{no_grade!r}" if no_grade else "empty")
    return held_notes(
        gradebook,
        held,
        withheld="a total or final grade" if with_final_grades else "a total",
        written="totals",
        cells=cells,
    )


def grade_counts(
    grades: Mapping[int, str | None], scale: Sequence[GradeBoundary]
) -> tuple[tuple[str, int], ...]:
    """How many students got each grade (scale order, lowest first), then how many got none."""
    counts = [
        (boundary.grade, sum(1 for grade in grades.values() if grade == boundary.grade)) for boundary in scale
    ]
    without = sum(1 for grade in grades.values() if grade is None)
    return tuple(counts) + (((NO_FINAL_GRADE, without),) if without else ())


def no_final_grade_note(gradebook: Gradebook) -> tuple[str, ...]:
    """Who gets no final grade because answers still wait for grading."""
    waiting = [row for row in gradebook.rows if row.pending]
    if not waiting:
        return ()
    names = ", ".join(row.student_name for row in waiting)
    return (
        f"{len(waiting)} student(s) get no final grade until their answers are graded (run tenta grade), "
        f"since a grade from part of the exam could be too low: {names}",
    )


def tenta_gradebook(
    gradebook: Gradebook,
    bank: Bank,
    scale: Sequence[GradeBoundary] = (),
    *,
    held: Mapping[int, Sequence[AnswerDetail]] | None = None,
) -> GradebookTable:
    """One row per student: final score per question (bank order), total, max total and percent, and the
    final grade when a scale applies; a question without a final score (not answered or not graded) is
    blank and adds nothing. A student with an answer not graded yet has a blank total, percent and grade,
    as in the LMS files and the grades file: a sum over the graded answers only looks final and is not.
    A `held` student's answers in review, total, percent and grade are blank too."""
    held = held or {}
    columns = question_columns(gradebook, bank)
    max_total = sum(columns.values())
    grades = final_grades(gradebook, bank, scale, held=held.keys()) if scale else {}
    rows = [
        ["student", "student_id", *columns, "total", "max_total", "percent", *(["grade"] if scale else [])]
    ]
    for row in gradebook.rows:
        in_review = held_questions(held, row.student_id)
        total = None if in_review or row.pending else row.total
        rows.append(
            [
                row.student_name,
                row.external_id or "",
                *(
                    "" if question_id in in_review else format_score(row.scores.get(question_id))
                    for question_id in columns
                ),
                format_score(total),
                format_score(max_total),
                format_score(100.0 * total / max_total if max_total and total is not None else None),
                *([grades[row.student_id] or ""] if scale else []),
            ]
        )
    notes = [
        *ungraded_note(gradebook, "", with_final_grades=bool(scale)),
        *lms_held_notes(gradebook, held, with_final_grades=bool(scale), no_grade=""),
    ]
    return GradebookTable(rows=rows, encoding=CSV_ENCODING, students=len(gradebook.rows), notes=tuple(notes))


def grades_table(
    gradebook: Gradebook,
    bank: Bank,
    scale: Sequence[GradeBoundary],
    exam_dates: Mapping[int, date],
    held: Mapping[int, Sequence[AnswerDetail]] | None = None,
) -> GradebookTable:
    """One row per student with the final grade, for entering in Ladok or another student records system:
    identifier, name, grade, examination date (ISO, as Ladok writes dates), points and max points. A
    student with an answer not graded yet, or `held` for review, gets empty grade and points cells, as a
    total that may still change is no result to report."""
    held = held or {}
    if not scale:
        raise TentaError(
            "--format grades needs a grade scale: give --grade-scale (e.g. ug-vg or 'U:0,G:50%,VG:75%') "
            f"or set grade_scale in bank {bank.id!r}"
        )
    max_total = sum(question_columns(gradebook, bank).values())
    grades = final_grades(gradebook, bank, scale, held=held.keys())
    rows = [list(GRADES_COLUMNS)]
    for row in gradebook.rows:
        exam_date = exam_dates.get(row.student_id)
        without_grade = bool(row.pending) or row.student_id in held
        rows.append(
            [
                row.external_id or "",
                row.student_name,
                grades[row.student_id] or "",
                exam_date.isoformat() if exam_date else "",
                "" if without_grade else format_score(row.total),
                format_score(max_total),
            ]
        )
    unidentified = tuple(row.student_name for row in gradebook.rows if not row.external_id)
    notes = [
        f"scale {describe_scale(scale, max_total)}",
        *no_final_grade_note(gradebook),
        *held_notes(gradebook, held),
    ]
    if unidentified:
        notes.append(
            f"{len(unidentified)} student(s) have no personal identity number or student id in tenta; "
            f"add it before reporting: {', '.join(unidentified)}"
        )
    return GradebookTable(
        rows=rows,
        encoding=CSV_ENCODING,
        students=len(gradebook.rows),
        unidentified=unidentified,
        notes=tuple(notes),
    )


def split_identifier(external_id: str | None) -> tuple[str, str]:
    """(email, other id) from the one identifier tenta keeps per student (email, username or number)."""
    value = (external_id or "").strip()
    return (value, "") if EMAIL.match(value) else ("", value)


def lms_cell(row: GradebookRow, question_id: str, no_grade: str, in_review: Collection[str] = ()) -> str:
    """An unanswered question counts 0; an answer not graded yet, or `in_review`, has no grade."""
    if question_id in row.pending or question_id in in_review:
        return no_grade
    return format_score(row.scores.get(question_id) or 0.0)


def lms_total(row: GradebookRow, question_ids: Sequence[str], no_grade: str, *, held: bool = False) -> str:
    """The sum over the questions, or no grade while any answer waits for grading or the student is
    `held` for review."""
    if row.pending or held:
        return no_grade
    return format_score(sum(row.scores.get(question_id) or 0.0 for question_id in question_ids))


def teacher_feedback(row: GradebookRow, labels: dict[str, str]) -> str:
    """The teachers' override comments, question by question: 'Q1: …; Q3: …'."""
    return "; ".join(
        f"{label}: {row.comments[question_id]}"
        for question_id, label in labels.items()
        if question_id in row.comments
    )


def ungraded_note(gradebook: Gradebook, no_grade: str, *, with_final_grades: bool = False) -> tuple[str, ...]:
    """Who has answers still waiting for a grade, so the teacher knows why a total (and with a grade
    scale, the final grade: one from part of the exam could be too low) is missing."""
    waiting = [row for row in gradebook.rows if row.pending]
    if not waiting:
        return ()
    answers = sum(len(row.pending) for row in waiting)
    names = ", ".join(row.student_name for row in waiting)
    shown = f"{no_grade!r}" if no_grade else "empty"
    what = "the totals and final grades" if with_final_grades else "the totals"
    return (
        f"{answers} answer(s) not graded yet (run tenta grade): their cells and {what} of "
        f"{len(waiting)} student(s) are {shown} (no grade): {names}",
    )


def moodle_gradebook(
    gradebook: Gradebook,
    bank: Bank,
    *,
    title: str,
    per_question: bool,
    scale: Sequence[GradeBoundary] = (),
    held: Mapping[int, Sequence[AnswerDetail]] | None = None,
) -> GradebookTable:
    """Moodle's "Import grades → CSV file": identifiers, the total, the final grade as a scale word when a
    grade scale applies, optionally each question, feedback. A `held` student's total, grade and answers
    in review are Moodle's no grade."""
    held = held or {}
    columns = question_columns(gradebook, bank)
    grades = final_grades(gradebook, bank, scale, held=held.keys()) if scale else {}
    grade_column = f"{title}: grade"
    labels = question_labels(bank, list(columns))
    identities = {row.student_id: split_identifier(row.external_id) for row in gradebook.rows}
    by_email = any(email for email, _other in identities.values())
    match_column = MOODLE_EMAIL if by_email else MOODLE_ID_NUMBER

    def identified(row: GradebookRow) -> bool:
        email, other = identities[row.student_id]
        return bool(email if by_email else other)

    ordered = sorted(gradebook.rows, key=identified)  # stable: the unidentified first, see the module notes
    question_ids = list(columns) if per_question else []
    rows = [
        [
            MOODLE_NAME,
            MOODLE_EMAIL,
            MOODLE_ID_NUMBER,
            title,
            *([grade_column] if scale else []),
            *(f"{title}: {labels[question_id]}" for question_id in question_ids),
            MOODLE_FEEDBACK,
        ]
    ]
    for row in ordered:
        email, other = identities[row.student_id]
        in_review = held_questions(held, row.student_id)
        rows.append(
            [
                row.student_name,
                email,
                other,
                lms_total(row, list(columns), MOODLE_NO_GRADE, held=bool(in_review)),
                *([grades[row.student_id] or MOODLE_NO_GRADE] if scale else []),
                *(lms_cell(row, question_id, MOODLE_NO_GRADE, in_review) for question_id in question_ids),
                teacher_feedback(row, labels),
            ]
        )
    unidentified = tuple(row.student_name for row in ordered if not identified(row))
    notes = [
        *ungraded_note(gradebook, MOODLE_NO_GRADE, with_final_grades=bool(scale)),
        *lms_held_notes(
            gradebook,
            held,
            with_final_grades=bool(scale),
            no_grade=MOODLE_NO_GRADE if per_question else None,
        ),
    ]
    if scale:
        notes.append(
            f"map {grade_column!r} to a grade item of type Scale whose scale lists "
            f"{','.join(boundary.grade for boundary in scale)} (lowest first, as Moodle scales do), and "
            f"{title!r} to a points item: Moodle takes grade words only into a scale item"
        )
    if unidentified:
        notes.insert(
            0,
            f"Moodle matches students on one column ({match_column!r}); {len(unidentified)} student(s) have "
            f"no {match_column.lower()} in tenta and come first, so Moodle stops there rather than grade "
            f"someone else (fill it in or delete their rows): {', '.join(unidentified)}",
        )
    max_total = sum(columns.values())
    if max_total > MOODLE_GRADE_LIMIT:
        notes.append(
            f"the maximum total is {format_score(max_total)}: Moodle refuses imported grades above "
            f"{format_score(MOODLE_GRADE_LIMIT)} unless the site allows unlimited grades"
        )
    return GradebookTable(
        rows=rows,
        encoding=LMS_ENCODING,
        students=len(ordered),
        unidentified=unidentified,
        notes=tuple(notes),
    )


def canvas_gradebook(
    gradebook: Gradebook,
    bank: Bank,
    *,
    title: str,
    per_question: bool,
    scale: Sequence[GradeBoundary] = (),
    held: Mapping[int, Sequence[AnswerDetail]] | None = None,
) -> GradebookTable:
    """Canvas's gradebook import: its five student columns, the assignment(s), and a Points Possible row.

    tenta never knows Canvas's own user ID, so that column stays empty; an email goes to SIS Login ID,
    any other identifier to both SIS User ID and SIS Login ID (Canvas tries them in that order).
    Canvas imports points, so a grade scale becomes a hint for the assignment's grading scheme. A `held`
    student's total and answers in review are empty, as for an answer not graded yet.
    """
    held = held or {}
    columns = question_columns(gradebook, bank)
    labels = question_labels(bank, list(columns))
    question_ids = list(columns) if per_question else []
    rows = [
        [
            *CANVAS_STUDENT_COLUMNS,
            title,
            *(f"{title}: {labels[question_id]}" for question_id in question_ids),
        ],
        [
            CANVAS_POINTS_ROW,
            "",
            "",
            "",
            "",
            format_score(sum(columns.values())),
            *(format_score(columns[question_id]) for question_id in question_ids),
        ],
    ]
    for row in gradebook.rows:
        email, other = split_identifier(row.external_id)
        in_review = held_questions(held, row.student_id)
        rows.append(
            [
                row.student_name,
                "",
                other,
                email or other,
                "",
                lms_total(row, list(columns), "", held=bool(in_review)),
                *(lms_cell(row, question_id, "", in_review) for question_id in question_ids),
            ]
        )
    unidentified = tuple(row.student_name for row in gradebook.rows if not row.external_id)
    notes = [
        *ungraded_note(gradebook, ""),
        *lms_held_notes(gradebook, held, with_final_grades=False, no_grade="" if per_question else None),
    ]
    if scale:
        notes.append(
            "Canvas imports points, not grade words: to show final grades set the assignment's "
            f"'Display grade as' to Letter grade with a grading scheme of {describe_scale(scale)}"
        )
    if unidentified:
        notes.insert(
            0,
            f"{len(unidentified)} student(s) have no SIS id or login in tenta; Canvas will match them by "
            f"exact name only: {', '.join(unidentified)}",
        )
    return GradebookTable(
        rows=rows,
        encoding=LMS_ENCODING,
        students=len(gradebook.rows),
        unidentified=unidentified,
        notes=tuple(notes),
    )


def last_answer_dates(details: Sequence[AnswerDetail]) -> dict[int, date]:
    """Student id → the local date of their latest answer: the examination date when none is given."""
    latest: dict[int, date] = {}
    for detail in details:
        submitted = detail.answer.submitted_at
        day = (submitted.astimezone() if submitted.tzinfo else submitted).date()
        student_id = detail.answer.student_id
        latest[student_id] = max(day, latest.get(student_id, day))
    return latest


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
        "regrade_reason": detail.regrade_reason if detail.regrade_requested else None,
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
        (detail.regrade_reason or "yes") if detail.regrade_requested else "",
    ]


JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv", ".tsv"})
ANSWER_FILE_SUFFIXES = JSONL_SUFFIXES | CSV_SUFFIXES
"""The graded-answers files tenta writes, chosen by suffix: JSONL (full detail) or CSV/TSV (flat rows)."""


def check_answers_file(path: Path | None) -> None:
    """Refuse a graded-answers file tenta cannot write (its suffix chooses the format) before any work:
    `tenta grade --out results.txt` stored and graded a whole class before saying so."""
    if path is not None and path.suffix.lower() not in ANSWER_FILE_SUFFIXES:
        raise TentaError(f"{path}: write results to a .csv, .tsv or .jsonl file")
    check_writable(path)


def write_answers(path: Path, details: Sequence[AnswerDetail], external_ids: dict[int, str | None]) -> None:
    """Graded answers as JSONL (full detail) or CSV (one flat row each), chosen by the file's suffix."""
    check_answers_file(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        with atomic_writer(path) as handle:
            for detail in details:
                record = answer_record(detail, external_ids.get(detail.answer.student_id))
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        with atomic_writer(path, CSV_ENCODING) as handle:
            writer = csv.writer(handle, delimiter="\t" if suffix == ".tsv" else ",")
            writer.writerow(ANSWER_CSV_COLUMNS)
            for detail in details:
                writer.writerow(answer_csv_row(detail, external_ids.get(detail.answer.student_id)))
