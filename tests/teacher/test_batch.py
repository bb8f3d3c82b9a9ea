"""Batch grading: every answer stored first, idempotent re-runs, resuming grades only what is missing."""

from __future__ import annotations

from pathlib import Path

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.teacher.batch import (
    answer_details,
    grade_pending,
    pending_answers,
    resolve_question,
    store_submissions,
    summarise,
)
from quiz.teacher.submissions import read_submissions
from tests.teacher.fixtures import write_csv


def grade_rows(ctx: AppContext, bank_id: str) -> int:
    return sum(len(detail.grades) for detail in ctx.repository.answer_history(bank_id=bank_id))


def test_store_then_grade_then_rerun_is_idempotent(
    ctx: AppContext, bank: Bank, class_submissions: Path
) -> None:
    parsed = read_submissions(class_submissions)

    stored = store_submissions(ctx.repository, bank, parsed)

    assert stored.errors == []
    assert len(stored.answers) == 18
    assert len(ctx.repository.list_students()) == 6
    assert {answer.source for answer in stored.answers} == {"import"}
    pending = pending_answers(ctx.repository, stored.answers)
    assert len(pending) == 18

    progress: list[int] = []
    run = grade_pending(ctx, pending, batch_size=8, progress=progress.append)

    assert run.graded == 18 and run.failures == {}
    assert progress == [8, 8, 2]
    again = store_submissions(ctx.repository, bank, read_submissions(class_submissions))
    assert [answer.id for answer in again.answers] == [answer.id for answer in stored.answers]
    assert pending_answers(ctx.repository, again.answers) == []
    assert len(ctx.repository.answer_history(bank_id=bank.id)) == 18
    assert grade_rows(ctx, bank.id) == 18


def test_strong_answers_outscore_weak_ones_and_summary_counts(
    ctx: AppContext, bank: Bank, class_submissions: Path
) -> None:
    stored = store_submissions(ctx.repository, bank, read_submissions(class_submissions))
    grade_pending(ctx, pending_answers(ctx.repository, stored.answers))

    details = answer_details(ctx.repository, stored.answers)
    scores = {(d.answer.student_name, d.answer.question_id): d.final_score or 0.0 for d in details}

    assert scores[("Åsa", "dropout")] > scores[("Björn", "dropout")]
    assert scores[("Åsa", "gpu")] == 1.0 and scores[("Björn", "gpu")] == 0.0
    queued = {detail.answer.id for detail in ctx.repository.review_queue(bank.id)}
    summary = {item.question_id: item for item in summarise(bank, details, queued)}
    assert sum(item.needs_review for item in summary.values()) == len(queued)
    assert [item.answers for item in summary.values()] == [6, 6, 6]
    assert summary["gpu"].mean_score == 0.5
    assert all(item.graded == 6 for item in summary.values())


def test_interrupted_run_resumes_grading_only_the_missing(
    ctx: AppContext, bank: Bank, class_submissions: Path
) -> None:
    stored = store_submissions(ctx.repository, bank, read_submissions(class_submissions))
    grade_pending(ctx, pending_answers(ctx.repository, stored.answers)[:5])  # the run "dies" here
    assert grade_rows(ctx, bank.id) == 5

    rerun = store_submissions(ctx.repository, bank, read_submissions(class_submissions))
    pending = pending_answers(ctx.repository, rerun.answers)
    run = grade_pending(ctx, pending)

    assert len(pending) == 13 and run.graded == 13
    assert grade_rows(ctx, bank.id) == 18
    assert all(len(detail.grades) == 1 for detail in ctx.repository.answer_history(bank_id=bank.id))


def test_unknown_questions_are_errors_and_the_rest_is_stored(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "mixed.csv",
        [["anna", "1", "dropout text"], ["bo", "99", "no such question"], ["cia", "nonsense-id", "x"]],
    )

    stored = store_submissions(ctx.repository, bank, read_submissions(path))

    assert len(stored.answers) == 1
    assert [(error.line, error.field) for error in stored.errors] == [(3, "question"), (4, "question")]
    assert "no question '99'" in stored.errors[0].message


def test_the_same_text_resubmitted_later_is_the_same_answer(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    """A resubmission that changes nothing is not a new attempt to grade and review (session 16); a changed
    text after it is."""
    path = write_csv(
        tmp_path / "timed.csv",
        [
            ["anna", "1", "same", "2024-03-04T10:00:00Z"],
            ["anna", "1", "same", "2024-03-04T11:00:00Z"],
            ["anna", "1", "changed", "2024-03-04T12:00:00Z"],
        ],
        header=("student", "question", "answer", "submitted_at"),
    )

    stored = store_submissions(ctx.repository, bank, read_submissions(path))

    assert [answer.text for answer in stored.answers] == ["same", "changed"]


def test_a_time_read_on_a_later_run_finds_the_answer_stored_without_it(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    """Graded while its 'Avslutad' time was unreadable, the same Swedish Moodle file graded again once the
    time is read (285b7fc) keeps its answer, override and all; before, it was stored a second time."""
    header = ("Efternamn", "Förnamn", "E-postadress", "Avslutad", "Svar 1")
    unreadable = ["Öberg", "Åsa", "asa@x.se", "?", "Överanpassning minskar."]
    readable = [*unreadable[:3], "12 januari 2026, 09:05", *unreadable[4:]]
    first = store_submissions(
        ctx.repository, bank, read_submissions(write_csv(tmp_path / "a.csv", [unreadable], header))
    )
    ctx.repository.add_override(first.answers[0].id, 1.0, "Bra", "Kim")

    again = store_submissions(
        ctx.repository, bank, read_submissions(write_csv(tmp_path / "b.csv", [readable], header))
    )

    assert [answer.id for answer in again.answers] == [answer.id for answer in first.answers]
    assert len(ctx.repository.answer_history(bank_id=bank.id)) == 1
    assert ctx.repository.get_answer(first.answers[0].id).final_score == 1.0


def test_question_keys_by_id_number_label_and_prompt(bank: Bank) -> None:
    def resolved(key: str) -> str | None:
        question = resolve_question(bank, key)
        return question.id if question else None

    assert resolved("dropout") == "dropout"
    assert resolved("2") == "early-stopping"
    assert resolved("Q3") == "gpu"
    assert resolved("Fråga 1") == "dropout"
    assert resolved("1.") == "dropout"
    assert resolved("  what is EARLY stopping? ") == "early-stopping"
    assert resolved("4") is None
    assert resolved("drop") is None
