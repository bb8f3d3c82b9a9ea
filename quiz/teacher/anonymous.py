"""Anonymous grading (Gradescope's "hide student names", Moodle's and Canvas's anonymous marking).

While grading, a teacher sees "Student 4821" instead of a name or a student number, so the name cannot
sway the score. The pseudonym is a keyed hash (HMAC-SHA256) of the student's id with a random key kept
in the data dir: the same student gets the same pseudonym in every screen and every run, yet it cannot
be worked back to the id (ids are listed next to names by `tenta student list`) without the key.
Numbers are given to students in id order, a clash moving the later student to its next candidate, so
a new student never changes anyone's pseudonym. Exports (gradebook, feedback) keep the real names.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from db.records import AnswerDetail, StudentRecord

if TYPE_CHECKING:
    from db.repository import Repository

KEY_FILE = "anonymous-grading.key"
KEY_BYTES = 32
PSEUDONYM_DIGITS = 4
"""Four digits ("Student 4821") while they last; a clash tries the next candidate."""
TRIES_PER_WIDTH = 64
"""Candidates tried at one width before a longer number is used (only with thousands of students)."""


def anonymity_key(data_dir: Path) -> bytes:
    """The installation's pseudonym key, made on first use (readable by the owner only)."""
    path = data_dir / KEY_FILE
    if path.exists():
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_hex(KEY_BYTES) + "\n")
    try:
        os.link(partial, path)  # another process may have made it first: theirs wins
    except FileExistsError:
        pass
    finally:
        partial.unlink()
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _candidate(key: bytes, student_id: int, attempt: int) -> int:
    digits = PSEUDONYM_DIGITS + attempt // TRIES_PER_WIDTH
    low: int = 10 ** (digits - 1)
    digest = hmac.new(key, f"{student_id}:{attempt}".encode(), hashlib.sha256).digest()
    return low + int.from_bytes(digest[:8], "big") % (9 * low)


@dataclass(frozen=True)
class Pseudonyms:
    """Student id → "Student 4821"."""

    names: dict[int, str]

    @classmethod
    def for_students(cls, students: Iterable[StudentRecord], key: bytes) -> Pseudonyms:
        taken: set[int] = set()
        names: dict[int, str] = {}
        for student in sorted(students, key=lambda each: each.id):
            attempt = 0
            while (number := _candidate(key, student.id, attempt)) in taken:
                attempt += 1
            taken.add(number)
            names[student.id] = f"Student {number}"
        return cls(names)

    def name(self, student_id: int) -> str:
        return self.names.get(student_id, "Student ?")

    def hide(self, detail: AnswerDetail) -> AnswerDetail:
        """The answer as a grader sees it anonymously: the student's name replaced by the pseudonym."""
        answer = detail.answer.model_copy(update={"student_name": self.name(detail.answer.student_id)})
        return detail.model_copy(update={"answer": answer})


def shown(detail: AnswerDetail, pseudonyms: Pseudonyms | None) -> AnswerDetail:
    """The detail with the name hidden when grading anonymously, else as it is."""
    return pseudonyms.hide(detail) if pseudonyms is not None else detail


def pseudonyms_for(repository: Repository, data_dir: Path) -> Pseudonyms:
    """Every student's pseudonym, with this installation's key."""
    return Pseudonyms.for_students(repository.list_students(), anonymity_key(data_dir))
