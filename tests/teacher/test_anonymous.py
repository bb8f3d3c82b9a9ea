"""Pseudonyms for anonymous grading: stable per student, unique, keyed, and names never leak through."""

from __future__ import annotations

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


def test_pseudonyms_are_unique_and_a_new_student_changes_no_one_elses() -> None:
    key = b"k" * 32
    before = Pseudonyms.for_students(_students(2000), key)
    after = Pseudonyms.for_students(_students(2001)[::-1], key)

    assert len(set(before.names.values())) == 2000
    assert all(after.names[i] == name for i, name in before.names.items())
    assert all(name.startswith("Student ") and name[8:].isdigit() for name in after.names.values())


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=40, unique=True))
def test_a_pseudonym_depends_on_the_key_not_on_the_id_alone(ids: list[int]) -> None:
    students = [s.model_copy(update={"id": i}) for s, i in zip(_students(len(ids)), ids, strict=True)]
    first = Pseudonyms.for_students(students, b"a" * 32)
    second = Pseudonyms.for_students(students, b"b" * 32)

    assert len(set(first.names.values())) == len(ids)
    assert sum(first.names[i] != second.names[i] for i in ids) >= len(ids) // 2


def test_a_hidden_answer_carries_the_pseudonym_and_the_stored_answer_keeps_the_name(
    ctx: AppContext, bank: Bank
) -> None:
    repository = ctx.repository
    student = repository.get_or_create_student("Örjan Åkesson", "oaks-12")
    answer = repository.submit_answer(student.id, bank, bank.questions[0], "Dropout turns units off.")
    pseudonyms = pseudonyms_for(repository, ctx.settings.data_dir)

    hidden = shown(repository.get_answer(answer.id), pseudonyms)

    assert hidden.answer.student_name == pseudonyms.name(student.id)
    assert "Örjan" not in hidden.model_dump_json() and "oaks-12" not in hidden.model_dump_json()
    assert hidden.answer.text == "Dropout turns units off."
    assert repository.get_answer(answer.id).answer.student_name == "Örjan Åkesson"
    assert pseudonyms_for(repository, ctx.settings.data_dir).name(student.id) == pseudonyms.name(student.id)
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
    pseudonym = pseudonyms.name(student.id)

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
    pseudonym = pseudonyms.name(student.id)

    hidden = shown(repository.get_answer(answer.id), pseudonyms)

    assert hidden.answer.text == (
        f"Max pooling keeps the largest value; lind is a tree.\n[{pseudonym}] ([{pseudonym}])"
    )
