"""Pseudonyms for anonymous grading: one per student and bank, stable, unique in a bank, keyed, and names
never leak through."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.records import NewGrade, StudentRecord
from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.teacher.anonymous import KEY_BYTES, KEY_FILE, Pseudonyms, anonymity_key, pseudonyms_for, shown

WHEN = datetime(2025, 1, 1, tzinfo=UTC)
OLD_KEY = "0123456789abcdef" * 4
FIXED_KEY = b"k" * 32
BANKS = ("teacher-test", "dl-course")


def _students(count: int, start: int = 1) -> list[StudentRecord]:
    return [
        StudentRecord(id=i, name=f"Name {i}", external_id=f"x{i}", is_default=False, created_at=WHEN)
        for i in range(start, start + count)
    ]


def test_the_key_is_made_once_in_the_database_and_no_key_file_is_written(ctx: AppContext) -> None:
    data_dir = ctx.settings.data_dir
    key = anonymity_key(ctx.repository, data_dir)

    assert len(key) == KEY_BYTES
    assert anonymity_key(ctx.repository, data_dir) == key
    assert not (data_dir / KEY_FILE).exists()


def test_an_existing_key_file_keeps_its_pseudonyms_and_then_the_database_key_wins(
    ctx: AppContext, tmp_path: Path
) -> None:
    """An installation from before the key moved into the database; then a second teacher's machine
    with its own old key file joins the same database."""
    data_dir = ctx.settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / KEY_FILE).write_text(OLD_KEY + "\n", encoding="ascii")
    students = [ctx.repository.get_or_create_student(f"Name {n}", f"x{n}") for n in range(12)]
    before_upgrade = Pseudonyms.for_students(students, bytes.fromhex(OLD_KEY))

    assert pseudonyms_for(ctx.repository, data_dir) == before_upgrade
    assert pseudonyms_for(ctx.repository, data_dir).in_bank("b") == before_upgrade.in_bank("b")
    (data_dir / KEY_FILE).write_text("ff" * KEY_BYTES + "\n", encoding="ascii")
    assert pseudonyms_for(ctx.repository, data_dir) == before_upgrade, "the database's key wins"
    (data_dir / KEY_FILE).unlink()
    assert pseudonyms_for(ctx.repository, data_dir) == before_upgrade, "the file is no longer needed"

    other_machine = tmp_path / "other-machine"
    other_machine.mkdir()
    (other_machine / KEY_FILE).write_text("ab" * KEY_BYTES, encoding="ascii")
    other = AppContext(
        ctx.settings.model_copy(
            update={"data_dir": other_machine, "database_url": ctx.settings.resolved_database_url}
        )
    )
    try:
        assert pseudonyms_for(other.repository, other_machine) == before_upgrade
    finally:
        other.repository.close()


def test_a_damaged_key_file_is_refused_naming_the_file(ctx: AppContext) -> None:
    data_dir = ctx.settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / KEY_FILE).write_text("not a key\n", encoding="ascii")

    with pytest.raises(TentaError, match=f"{KEY_FILE}: not an anonymous-grading key"):
        anonymity_key(ctx.repository, data_dir)
    (data_dir / KEY_FILE).unlink()
    assert len(anonymity_key(ctx.repository, data_dir)) == KEY_BYTES, "nothing bad was stored"


def test_pseudonyms_are_unique_in_a_bank_and_a_new_student_changes_no_one_elses() -> None:
    before = Pseudonyms.for_students(_students(2000), FIXED_KEY)
    after = Pseudonyms.for_students(_students(2001)[::-1], FIXED_KEY)

    for bank_id in BANKS:
        names = before.in_bank(bank_id)
        assert len(set(names.values())) == 2000
        assert all(after.in_bank(bank_id)[i] == name for i, name in names.items())
        assert all(
            name.startswith("Student ") and name[8:].isdigit() for name in after.in_bank(bank_id).values()
        )


def _candidate(key: bytes, bank_id: str, student_id: int, attempt: int = 0) -> str:
    """The documented hash, computed here on its own: HMAC-SHA256 of "student:attempt:bank", four digits
    (enough while a student tries fewer than 64 numbers)."""
    digest = hmac.new(key, f"{student_id}:{attempt}:{bank_id}".encode(), hashlib.sha256).digest()
    return f"Student {1000 + int.from_bytes(digest[:8], 'big') % 9000}"


def test_a_student_has_another_pseudonym_in_another_bank() -> None:
    """Knowing who "Student 4821" is in one exam tells nothing about the other exams."""
    pseudonyms = Pseudonyms.for_students(_students(50), FIXED_KEY)
    first, second = (pseudonyms.in_bank(bank_id) for bank_id in BANKS)

    lowest = [pseudonyms.name(1, bank_id) for bank_id in BANKS]
    assert lowest == [_candidate(FIXED_KEY, bank_id, 1) for bank_id in BANKS]
    assert lowest[0] != lowest[1]
    assert first != second
    assert sum(first[i] != second[i] for i in first) >= 45
    assert set(first.values()) != set(second.values())


def test_clashes_are_resolved_in_each_bank_on_its_own_in_student_id_order() -> None:
    """With 300 students in 9000 numbers some candidates clash: in id order, each student takes its first
    candidate not yet taken in that bank; who had to move on differs from bank to bank."""
    pseudonyms = Pseudonyms.for_students(_students(300)[::-1], FIXED_KEY)
    moved: dict[str, set[int]] = {}
    for bank_id in BANKS:
        names = pseudonyms.in_bank(bank_id)
        taken: set[str] = set()
        moved[bank_id] = set()
        for i in sorted(names):
            attempt = 0
            while (candidate := _candidate(FIXED_KEY, bank_id, i, attempt)) in taken:
                attempt += 1
            taken.add(candidate)
            assert names[i] == candidate, (bank_id, i, attempt)
            if attempt:
                moved[bank_id].add(i)
    assert all(moved.values()) and moved[BANKS[0]] != moved[BANKS[1]]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=40, unique=True))
def test_a_pseudonym_depends_on_the_key_not_on_the_id_alone(ids: list[int]) -> None:
    students = [s.model_copy(update={"id": i}) for s, i in zip(_students(len(ids)), ids, strict=True)]
    first = Pseudonyms.for_students(students, b"a" * 32).in_bank(BANKS[0])
    second = Pseudonyms.for_students(students, b"b" * 32).in_bank(BANKS[0])

    assert len(set(first.values())) == len(ids)
    assert sum(first[i] != second[i] for i in ids) >= len(ids) // 2


_OTHER_PROCESS = """
import json, sys
from quiz.context import AppContext
from quiz.settings import Settings
from quiz.teacher.anonymous import pseudonyms_for

ctx = AppContext(Settings())
pseudonyms = pseudonyms_for(ctx.repository, ctx.settings.data_dir)
print(json.dumps({bank_id: pseudonyms.in_bank(bank_id) for bank_id in sys.argv[1:]}))
"""


def test_another_process_on_the_same_database_sees_the_same_pseudonyms_per_bank(
    ctx: AppContext, tmp_path: Path
) -> None:
    """A second teacher's tenta (its own process and data dir) on the same SQLite file: it makes the key,
    this one reads it."""
    students = [ctx.repository.get_or_create_student(f"Name {n}", f"x{n}") for n in range(40)]
    environment = {
        **os.environ,
        "TENTA_DATABASE_URL": ctx.settings.resolved_database_url,
        "TENTA_DATA_DIR": str(tmp_path / "other-machine"),
    }
    completed = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, *BANKS],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    seen_there = json.loads(completed.stdout)

    seen_here = pseudonyms_for(ctx.repository, ctx.settings.data_dir)
    for bank_id in BANKS:
        assert {int(i): name for i, name in seen_there[bank_id].items()} == seen_here.in_bank(bank_id)
        assert len({seen_here.name(student.id, bank_id) for student in students}) == 40
    assert seen_there[BANKS[0]] != seen_there[BANKS[1]]


def test_a_hidden_answer_carries_the_pseudonym_and_the_stored_answer_keeps_the_name(
    ctx: AppContext, bank: Bank
) -> None:
    repository = ctx.repository
    student = repository.get_or_create_student("Örjan Åkesson", "oaks-12")
    answer = repository.submit_answer(student.id, bank, bank.questions[0], "Dropout turns units off.")
    pseudonyms = pseudonyms_for(repository, ctx.settings.data_dir)

    hidden = shown(repository.get_answer(answer.id), pseudonyms)

    assert hidden.answer.student_name == pseudonyms.name(student.id, bank.id)
    assert "Örjan" not in hidden.model_dump_json() and "oaks-12" not in hidden.model_dump_json()
    assert hidden.answer.text == "Dropout turns units off."
    assert repository.get_answer(answer.id).answer.student_name == "Örjan Åkesson"
    assert pseudonyms_for(repository, ctx.settings.data_dir).name(student.id, bank.id) == pseudonyms.name(
        student.id, bank.id
    )
    assert shown(repository.get_answer(answer.id), None).answer.student_name == "Örjan Åkesson"


def test_a_name_or_student_number_signed_in_the_answer_is_hidden_too(ctx: AppContext, bank: Bank) -> None:
    repository = ctx.repository
    student = repository.get_or_create_student("Bo Åkesson-Lind", "oaks-12")
    signed = "Dropout turns units off, so we bo less on one unit.\n/ Bo ÅKESSON-lind, oaks-12"
    answer = repository.submit_answer(student.id, bank, bank.questions[0], signed)
    repository.save_grade(
        answer.id,
        NewGrade(
            score=1.0,
            max_points=2.0,
            points=[
                {"point_id": "p1", "matched_sentence": "Bo Åkesson-Lind, oaks-12", "similarity": 0.4},
                {"point_id": "p2", "text": "Max pooling keeps the largest value"},
            ],
            feedback="Matched: Bo Åkesson-Lind",
            confidence=0.9,
            grader_version="test",
            model_id="test",
        ),
    )
    pseudonyms = pseudonyms_for(repository, ctx.settings.data_dir)
    pseudonym = pseudonyms.name(student.id, bank.id)

    hidden = shown(repository.get_answer(answer.id), pseudonyms)

    assert hidden.answer.text == (
        f"Dropout turns units off, so we bo less on one unit.\n/ [{pseudonym}], [{pseudonym}]"
    )
    dumped = hidden.model_dump_json()
    assert "Åkesson" not in dumped and "ÅKESSON" not in dumped and "oaks-12" not in dumped
    assert hidden.grades[-1].points[0]["similarity"] == 0.4
    assert hidden.grades[-1].points[1] == {"point_id": "p2", "text": "Max pooling keeps the largest value"}
    assert repository.get_answer(answer.id).answer.text == signed


def test_a_first_name_that_is_a_word_of_the_subject_stays_in_the_answer(ctx: AppContext, bank: Bank) -> None:
    """Only the whole name (either order) and the student number are hidden: a student called Max Lind
    writing about max pooling keeps the words the teacher grades."""
    repository = ctx.repository
    student = repository.get_or_create_student("Max Lind", "ml-7")
    text = "Max pooling keeps the largest value; lind is a tree.\nLind, Max (ml-7)"
    answer = repository.submit_answer(student.id, bank, bank.questions[0], text)
    pseudonyms = pseudonyms_for(repository, ctx.settings.data_dir)
    pseudonym = pseudonyms.name(student.id, bank.id)

    hidden = shown(repository.get_answer(answer.id), pseudonyms)

    assert hidden.answer.text == (
        f"Max pooling keeps the largest value; lind is a tree.\n[{pseudonym}] ([{pseudonym}])"
    )
