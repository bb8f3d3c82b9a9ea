"""Answer groups a teacher shaped (migration 0006): pins, confirmations and the group behind an override.

Every test runs on a fresh SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, exc, inspect

from db import migrate
from db.engine import create_engine_for
from db.repository import RecordNotFound, Repository, open_repository
from question_bank.errors import TentaError
from question_bank.models import Bank
from tests.db.banks import sample_bank
from tests.db.old_rows import insert_question_snapshot, insert_row, schema_at

WHEN = datetime(2026, 2, 3, 8, 15, tzinfo=UTC)


def test_upgrade_from_0005_keeps_overrides_as_decided_alone_and_stores_group_layouts(
    empty_database_url: str,
) -> None:
    engine = create_engine_for(empty_database_url)
    question = sample_bank().questions[0]
    try:
        tables = schema_at(engine, "0005")
        assert "answer_group_pins" not in inspect(engine).get_table_names()
        with engine.begin() as connection:
            student_id = insert_row(
                connection, tables["students"], name="Anna", is_default=False, created_at=WHEN
            )
            snapshot_id = insert_question_snapshot(connection, tables, question, WHEN)
            answer_ids = [
                insert_row(
                    connection,
                    tables["answers"],
                    student_id=student_id,
                    snapshot_id=snapshot_id,
                    bank_id="dl-test",
                    question_id=question.id,
                    text=text,
                    submitted_at=WHEN,
                    source="import",
                    regrade_pending=False,
                    regrade_requested=False,
                )
                for text in ("kärnan glider", "filtret glider över bilden")
            ]
            insert_row(
                connection,
                tables["overrides"],
                answer_id=answer_ids[0],
                score=1.5,
                comment="nästan",
                teacher="Eva",
                created_at=WHEN,
            )
    finally:
        engine.dispose()

    repository = open_repository(empty_database_url)
    try:
        override = repository.get_answer(answer_ids[0]).latest_override
        assert override is not None and (override.score, override.group_key) == (1.5, None)
        layout = repository.save_group_layout(
            "dl-test",
            question.id,
            teacher="Eva",
            pins=dict.fromkeys(answer_ids, f"g{answer_ids[0]}"),
            confirm={f"g{answer_ids[0]}": answer_ids[-1]},
        )
        assert [(pin.answer_id, pin.group_key) for pin in layout.pins] == [
            (answer_id, f"g{answer_ids[0]}") for answer_id in answer_ids
        ]
        assert [(c.group_key, c.last_answer_id, c.confirmed_by) for c in layout.confirmations] == [
            (f"g{answer_ids[0]}", answer_ids[-1], "Eva")
        ]
        decided = repository.add_override(answer_ids[1], 2.0, "", "Eva", group_key=f"g{answer_ids[0]}")
        assert repository.get_answer(answer_ids[1]).latest_override == decided
        assert decided.group_key == f"g{answer_ids[0]}"
    finally:
        repository.close()
    engine = create_engine_for(empty_database_url)
    try:
        assert migrate.current(engine) == migrate.head_revision()
        migrate.downgrade(engine, "0005")
        assert "answer_group_pins" not in inspect(engine).get_table_names()
        assert "group_key" not in {column["name"] for column in inspect(engine).get_columns("overrides")}
    finally:
        engine.dispose()


def _answers(repo: Repository, bank: Bank, count: int, question_index: int = 0) -> list[int]:
    student = repo.get_or_create_student("Bo")
    question = bank.questions[question_index]
    return [repo.submit_answer(student.id, bank, question, f"svar {n}").id for n in range(count)]


def test_a_layout_change_is_one_transaction_and_moves_pins_and_confirmations(
    repo: Repository, bank: Bank
) -> None:
    first, second, third = _answers(repo, bank, 3)
    question_id = bank.questions[0].id
    repo.save_group_layout(
        bank.id, question_id, teacher="Eva", pins={first: "g1x", second: "g1x"}, confirm={"g1x": third}
    )

    layout = repo.save_group_layout(
        bank.id, question_id, teacher="Olle", pins={second: "g2x"}, confirm={"g2x": third}, unconfirm=["g1x"]
    )

    assert {(pin.answer_id, pin.group_key, pin.pinned_by) for pin in layout.pins} == {
        (first, "g1x", "Eva"),
        (second, "g2x", "Olle"),
    }
    assert [(c.group_key, c.confirmed_by) for c in layout.confirmations] == [("g2x", "Olle")]
    again = repo.save_group_layout(bank.id, question_id, teacher="Olle", confirm={"g2x": third + 5})
    assert [c.last_answer_id for c in again.confirmations] == [third + 5], "confirming again updates"
    assert repo.group_layout(bank.id, "another-question").pins == []


def test_a_pin_of_a_missing_or_foreign_answer_changes_nothing(repo: Repository, bank: Bank) -> None:
    [mine] = _answers(repo, bank, 1)
    [foreign] = _answers(repo, bank, 1, question_index=1)
    question_id = bank.questions[0].id

    with pytest.raises(RecordNotFound, match="no answer with id 9999"):
        repo.save_group_layout(bank.id, question_id, teacher="Eva", pins={mine: "g1", 9999: "g1"})
    with pytest.raises(
        TentaError, match=f"answer {foreign} is an answer to {bank.id}/{bank.questions[1].id}"
    ):
        repo.save_group_layout(bank.id, question_id, teacher="Eva", pins={mine: "g1", foreign: "g1"})
    with pytest.raises(TentaError, match="needs the teacher's name"):
        repo.save_group_layout(bank.id, question_id, teacher=" ", pins={mine: "g1"})
    assert repo.group_layout(bank.id, question_id).pins == []


def test_a_pin_cannot_outlive_its_answer_table_row(database_url: str) -> None:
    """The pin refers to the answer by a foreign key, on SQLite as on PostgreSQL."""
    repository = open_repository(database_url)
    engine = create_engine_for(database_url)
    try:
        tables = MetaData()
        tables.reflect(engine)
        with pytest.raises(exc.IntegrityError), engine.begin() as connection:
            insert_row(
                connection,
                tables.tables["answer_group_pins"],
                answer_id=424242,
                group_key="g1",
                pinned_by="Eva",
                created_at=WHEN,
            )
    finally:
        engine.dispose()
        repository.close()
