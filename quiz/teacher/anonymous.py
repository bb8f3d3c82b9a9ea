"""Anonymous grading (Gradescope's "hide student names", Moodle's and Canvas's anonymous marking).

While grading, a teacher sees "Student 4821" instead of a name or a student number, so the name cannot
sway the score. A student has a pseudonym of their own in each exam (bank), as Gradescope and Moodle give
one per assignment: a teacher who learns who "Student 4821" is in one exam learns nothing about the
student's answers in another. The pseudonym is a keyed hash (HMAC-SHA256) of the bank id and the
student's id with a random key kept in the database: in one bank the same student gets the same
pseudonym in every screen, every run and on every teacher's machine sharing the database, yet it cannot
be worked back to the id (ids are listed next to names by `tenta student list`) without the key.
Within a bank, numbers are given to students in id order, a clash moving the later student to its next
candidate, so a new student never changes anyone's pseudonym in that bank. Exports (gradebook, feedback)
keep the real names.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from db.records import AnswerDetail, StudentRecord
from question_bank.errors import TentaError

if TYPE_CHECKING:
    from db.repository import Repository

KEY_FILE = "anonymous-grading.key"
"""Where the key was kept before it moved into the database; read once, when the database has none."""
SECRET_NAME = "anonymous-grading-key"
KEY_BYTES = 32
PSEUDONYM_DIGITS = 4
"""Four digits ("Student 4821") while they last; a clash tries the next candidate."""
TRIES_PER_WIDTH = 64
"""Candidates tried at one width before a longer number is used (only with thousands of students)."""
MATCHED_SENTENCE = "matched_sentence"
"""The key of a stored key-point result that quotes the answer (grading.models.PointResult)."""


def anonymity_key(repository: Repository, data_dir: Path) -> bytes:
    """The pseudonym key of everyone using this database, made on first use.

    Before it lived in the database, the key was a file in each machine's data dir (KEY_FILE), so teachers
    sharing one PostgreSQL database saw different pseudonyms. When the database has no key yet and this
    data dir has that file, the file's key is stored, so this installation keeps its key (the pseudonyms
    themselves changed once, when they became per bank); from then on the database's key wins and the
    file is no longer read (it is left in place, unused).
    """
    legacy = data_dir / KEY_FILE
    return bytes.fromhex(repository.shared_secret(SECRET_NAME, lambda: _legacy_or_new_key(legacy)))


def _legacy_or_new_key(legacy: Path) -> str:
    if not legacy.is_file():
        return secrets.token_hex(KEY_BYTES)
    key = legacy.read_text(encoding="ascii", errors="replace").strip()
    if len(key) != 2 * KEY_BYTES or any(digit not in string.hexdigits for digit in key):
        raise TentaError(f"{legacy}: not an anonymous-grading key ({2 * KEY_BYTES} hex digits expected)")
    return key


def _candidate(key: bytes, bank_id: str, student_id: int, attempt: int) -> int:
    """The `attempt`-th number to try for the student in the bank. The bank id comes last, after the two
    numbers, so no other (bank, student, attempt) hashes the same message."""
    digits = PSEUDONYM_DIGITS + attempt // TRIES_PER_WIDTH
    low: int = 10 ** (digits - 1)
    digest = hmac.new(key, f"{student_id}:{attempt}:{bank_id}".encode(), hashlib.sha256).digest()
    return low + int.from_bytes(digest[:8], "big") % (9 * low)


def _numbered(key: bytes, bank_id: str, student_ids: Iterable[int]) -> dict[int, str]:
    """Every student's pseudonym in one bank, students taken in id order (`student_ids` is sorted)."""
    taken: set[int] = set()
    names: dict[int, str] = {}
    for student_id in student_ids:
        attempt = 0
        while (number := _candidate(key, bank_id, student_id, attempt)) in taken:
            attempt += 1
        taken.add(number)
        names[student_id] = f"Student {number}"
    return names


@dataclass(frozen=True)
class Pseudonyms:
    """(Student id, bank id) → "Student 4821". There is no name without a bank: each bank's names are
    numbered the first time they are asked for, over every student known when this was made."""

    key: bytes = field(repr=False)
    student_ids: tuple[int, ...]
    """Sorted: the order clashes are resolved in."""
    signatures: dict[int, re.Pattern[str]] = field(default_factory=dict)
    """Student id → the student's name (either order) and external id as they may appear in an answer."""
    _banks: dict[str, dict[int, str]] = field(default_factory=dict, init=False, compare=False, repr=False)
    """Bank id → its names, filled on first use (a screen may never look at most banks)."""

    @classmethod
    def for_students(cls, students: Iterable[StudentRecord], key: bytes) -> Pseudonyms:
        ordered = sorted(students, key=lambda each: each.id)
        signatures = {
            student.id: signature for student in ordered if (signature := _signature(student)) is not None
        }
        return cls(key, tuple(student.id for student in ordered), signatures)

    def in_bank(self, bank_id: str) -> Mapping[int, str]:
        """Every student's pseudonym in the bank."""
        names = self._banks.get(bank_id)
        if names is None:
            names = self._banks[bank_id] = _numbered(self.key, bank_id, self.student_ids)
        return names

    def name(self, student_id: int, bank_id: str) -> str:
        return self.in_bank(bank_id).get(student_id, "Student ?")

    def hide(self, detail: AnswerDetail) -> AnswerDetail:
        """The answer as a grader sees it anonymously: the student's name replaced by the pseudonym, also
        where the student signed the answer text ("/Anna Berg", a student number), in the key points'
        matched sentences that quote it and in the grade's feedback. The pseudonym is the one of the
        answer's bank."""
        student_id = detail.answer.student_id
        pseudonym = self.name(student_id, detail.answer.bank_id)
        signature = self.signatures.get(student_id)

        def unsigned(text: str) -> str:
            return signature.sub(f"[{pseudonym}]", text) if signature is not None else text

        answer = detail.answer.model_copy(
            update={"student_name": pseudonym, "text": unsigned(detail.answer.text)}
        )
        grades = [
            grade.model_copy(
                update={
                    "feedback": unsigned(grade.feedback),
                    "points": [
                        {**point, MATCHED_SENTENCE: unsigned(point[MATCHED_SENTENCE])}
                        if isinstance(point.get(MATCHED_SENTENCE), str)
                        else point
                        for point in grade.points
                    ],
                }
            )
            for grade in detail.grades
        ]
        return detail.model_copy(update={"answer": answer, "grades": grades})


def _signature(student: StudentRecord) -> re.Pattern[str] | None:
    """A pattern for the student's full name ("Anna Berg", "Berg, Anna", any case and spacing) and external
    id, as whole words. Not a part of the name alone: a first name is often a word of the subject (a
    student called Max writing about max pooling)."""
    parts = student.name.split()
    names = [r"\s+".join(map(re.escape, parts))] if len(parts) > 1 else []
    if len(parts) > 1:
        names.append(rf"{re.escape(parts[-1])},?\s+" + r"\s+".join(map(re.escape, parts[:-1])))
    if student.external_id and len(student.external_id) >= 2:
        names.append(re.escape(student.external_id))
    if not names:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(names)})(?!\w)", re.IGNORECASE)


def shown(detail: AnswerDetail, pseudonyms: Pseudonyms | None) -> AnswerDetail:
    """The detail with the name hidden when grading anonymously, else as it is."""
    return pseudonyms.hide(detail) if pseudonyms is not None else detail


def pseudonyms_for(repository: Repository, data_dir: Path) -> Pseudonyms:
    """Every student's pseudonyms (one per bank), with this installation's key."""
    return Pseudonyms.for_students(repository.list_students(), anonymity_key(repository, data_dir))
