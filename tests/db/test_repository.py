"""The Repository API against SQLite and PostgreSQL (every test runs on both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db.records import AuditKind, NewGrade, ReviewCardRecord, ReviewLogEntry, SessionStatus
from db.repository import RecordNotFound, Repository, open_repository
from question_bank.errors import TentaError
from question_bank.models import Bank
from tests.db.banks import sample_bank


def grade(
    score: float, max_points: float = 2.0, *, needs_review: bool = False, version: str = "g1"
) -> NewGrade:
    return NewGrade(
        score=score,
        max_points=max_points,
        points=[{"point_id": "kernel", "status": "covered", "credit": 1.0}],
        feedback=f"scored {score}",
        confidence=0.3 if needs_review else 0.9,
        needs_review=needs_review,
        flags=["low_confidence"] if needs_review else [],
        language="sv",
        grader_version=version,
        model_id="multilingual-e5-small",
    )


# ---------------------------------------------------------------- students


def test_default_student_is_created_once(repo: Repository) -> None:
    first = repo.default_student()
    assert first.is_default and first.name == "local"
    assert repo.default_student() == first
    assert repo.list_students() == [first]


def test_get_or_create_student_by_name_and_external_id(repo: Repository) -> None:
    anna = repo.get_or_create_student("Anna", external_id="S-17")
    assert repo.get_or_create_student("Anna") == anna
    assert repo.get_or_create_student("Anna Renamed", external_id="S-17").id == anna.id
    bo = repo.get_or_create_student("Bo")
    assert repo.get_or_create_student("Bo", external_id="S-18").external_id == "S-18"
    assert [s.name for s in repo.list_students()] == ["Anna", "Bo"]
    assert repo.find_student("S-17") == anna
    assert repo.find_student("Bo") is not None and repo.find_student("Bo").id == bo.id  # type: ignore[union-attr]
    assert repo.find_student("nobody") is None
    with pytest.raises(TentaError):
        repo.get_or_create_student("   ")


# ---------------------------------------------------------------- sessions


def test_every_stamp_comes_from_the_repository_clock(database_url: str, bank: Bank) -> None:
    """Sessions, answers, grades, overrides and audit events all take the injected time (imports of past
    exams and tests depend on it), never the wall clock."""
    moments = iter(datetime(2025, 1, 13, 9, minute, tzinfo=UTC) for minute in range(60))
    stamps: list[datetime] = []

    def clock() -> datetime:
        stamps.append(next(moments))
        return stamps[-1]

    repository = open_repository(database_url, clock=clock)
    try:
        student = repository.get_or_create_student("Clocked")
        session = repository.start_session(student.id, bank, bank.questions[:1], "exam")
        answer = repository.submit_answer(student.id, bank, bank.questions[0], "svar", session_id=session.id)
        repository.save_grade(answer.id, grade(1.0))
        repository.add_override(answer.id, 2.0, "full marks", "Lind")
        repository.finish_session(session.id)
        detail = repository.get_answer(answer.id)
        finished = repository.get_session(session.id)
        trail = repository.audit_trail(answer.id)
    finally:
        repository.close()
    seen = [
        student.created_at,
        finished.started_at,
        finished.finished_at,
        detail.answer.submitted_at,
        detail.grades[0].created_at,
        detail.overrides[0].created_at,
        *(event.at for event in trail),
    ]
    assert all(stamp in stamps for stamp in seen), (seen, stamps)
    assert finished.finished_at is not None and finished.finished_at > finished.started_at


def test_interrupted_session_resumes_with_position_drafts_and_answers(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    order = [bank.questions[2], bank.questions[0], bank.questions[1]]
    started = repo.start_session(student.id, bank, order, "exam")
    assert started.question_ids == ["relu", "conv", "dropout"]
    assert started.status is SessionStatus.IN_PROGRESS and started.position == 0

    repo.submit_answer(student.id, bank, bank.questions[2], "true", session_id=started.id)
    repo.set_position(started.id, 1)
    repo.save_draft(started.id, "conv", "En kärna glider")
    repo.save_draft(started.id, "conv", "En kärna glider över bilden")

    resumed = repo.resumable_session(student.id, bank.id)
    assert resumed is not None and resumed.id == started.id
    assert resumed.position == 1 and resumed.current_question_id == "conv"
    assert resumed.drafts == {"conv": "En kärna glider över bilden"}
    assert list(resumed.answer_ids) == ["relu"]
    assert resumed.unanswered_question_ids == ["conv", "dropout"]

    answer = repo.submit_answer(
        student.id, bank, bank.questions[0], "En kärna glider över bilden", session_id=started.id
    )
    after = repo.get_session(started.id)
    assert after.drafts == {} and after.answer_ids["conv"] == answer.id

    finished = repo.finish_session(started.id)
    assert finished.status is SessionStatus.FINISHED and finished.finished_at is not None
    assert repo.resumable_session(student.id, bank.id) is None
    with pytest.raises(TentaError, match="finished"):
        repo.save_draft(started.id, "dropout", "late")


def test_starting_a_new_session_abandons_the_unfinished_one(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    old = repo.start_session(student.id, bank, bank.questions, "practice")
    new = repo.start_session(student.id, bank, bank.questions[:1], "practice")
    assert repo.get_session(old.id).status is SessionStatus.ABANDONED
    resumable = repo.resumable_session(student.id, bank.id)
    assert resumable is not None and resumable.id == new.id
    assert repo.abandon_session(new.id).status is SessionStatus.ABANDONED


def test_session_rejects_bad_requests(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    with pytest.raises(TentaError):
        repo.start_session(student.id, bank, [], "exam")
    with pytest.raises(TentaError):
        repo.start_session(student.id, bank, [bank.questions[0], bank.questions[0]], "exam")
    with pytest.raises(RecordNotFound):
        repo.start_session(999, bank, bank.questions, "exam")
    quiz = repo.start_session(student.id, bank, bank.questions[:2], "exam")
    with pytest.raises(TentaError, match="position 3"):
        repo.set_position(quiz.id, 3)
    repo.set_position(quiz.id, 2)  # past the last question: the summary screen
    with pytest.raises(TentaError, match="does not ask"):
        repo.save_draft(quiz.id, "relu", "x")
    with pytest.raises(RecordNotFound, match="quiz session with id 999"):
        repo.get_session(999)


# ---------------------------------------------------------------- answers and snapshots


def test_submitted_answer_keeps_the_question_as_it_was_asked(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    quiz = repo.start_session(student.id, bank, bank.questions, "exam")
    edited = sample_bank(version="2", first_prompt="Förklara faltning.")
    # The bank is edited mid-session: the answer still belongs to the snapshot the student saw.
    in_session = repo.submit_answer(student.id, edited, edited.questions[0], "svar", session_id=quiz.id)
    later = repo.submit_answer(student.id, edited, edited.questions[0], "svar två")

    first, second = repo.get_answer(in_session.id), repo.get_answer(later.id)
    assert first.prompt == "Vad är en faltning?" and first.bank_version == "1"
    assert second.prompt == "Förklara faltning." and second.bank_version == "2"
    assert first.question == bank.questions[0] and second.question == edited.questions[0]
    assert first.answer.content_hash == bank.questions[0].content_hash()
    assert first.reference_answer.startswith("A convolution slides")
    assert [point["id"] for point in first.rubric] == ["kernel", "sum"]
    assert first.topics == ["CNN"] and first.max_points == 2.0


def test_submit_answer_stores_metadata_and_is_idempotent_by_external_key(
    repo: Repository, bank: Bank
) -> None:
    student = repo.get_or_create_student("Anna")
    when = datetime(2025, 5, 2, 9, 30, tzinfo=UTC)
    stored = repo.submit_answer(
        student.id,
        bank,
        bank.questions[1],
        "Dropout nollställer aktiveringar slumpmässigt.",
        language="sv",
        time_taken_s=42.5,
        submitted_at=when,
        source="import",
        external_key="moodle:123:q2",
    )
    again = repo.submit_answer(
        student.id, bank, bank.questions[1], "different text", source="import", external_key="moodle:123:q2"
    )
    assert again == stored
    assert stored.submitted_at == when and stored.language == "sv" and stored.time_taken_s == 42.5
    assert stored.student_name == "Anna" and stored.source == "import"
    assert len(repo.ungraded_answers(bank.id)) == 1
    # The same key in another bank is another answer.
    other_bank = bank.model_copy(update={"id": "other"})
    assert (
        repo.submit_answer(student.id, other_bank, bank.questions[1], "x", external_key="moodle:123:q2").id
        != stored.id
    )


def test_answer_text_is_stored_exactly(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    text = "  Ärligt talat: ∑ x·w + b, <think>hmm</think>\n\n\tslut 🙂 " + "lång " * 5000
    answer = repo.submit_answer(student.id, bank, bank.questions[0], text)
    assert repo.get_answer(answer.id).answer.text == text


# ---------------------------------------------------------------- grades, overrides, audit


def test_regrade_adds_a_grade_and_the_override_survives(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    answer = repo.submit_answer(student.id, bank, bank.questions[0], "kärnan glider")
    assert [a.id for a in repo.ungraded_answers()] == [answer.id]

    first = repo.save_grade(answer.id, grade(1.0, needs_review=True))
    assert repo.ungraded_answers() == []
    detail = repo.get_answer(answer.id)
    assert detail.final_score == 1.0 and detail.needs_review
    assert first.points == [{"point_id": "kernel", "status": "covered", "credit": 1.0}]
    assert [d.answer.id for d in repo.review_queue(bank.id)] == [answer.id]

    override = repo.add_override(answer.id, 1.5, "Half of the second point is there.", "Eva")
    detail = repo.get_answer(answer.id)
    assert detail.final_score == 1.5 and not detail.needs_review
    assert repo.review_queue() == []

    repo.request_regrade(answer.id, "model updated", requested_by="Eva")
    assert [a.id for a in repo.ungraded_answers()] == [answer.id]
    repo.save_grade(answer.id, grade(2.0, version="g2"))
    detail = repo.get_answer(answer.id)
    assert [g.grader_version for g in detail.grades] == ["g1", "g2"]
    assert detail.latest_override == override
    assert detail.final_score == 1.5, "an override survives every regrade"

    kinds = [event.kind for event in repo.audit_trail(answer.id)]
    assert kinds == [
        AuditKind.SUBMITTED,
        AuditKind.GRADED,
        AuditKind.OVERRIDDEN,
        AuditKind.REGRADE_REQUESTED,
        AuditKind.REGRADED,
    ]
    trail = repo.audit_trail(answer.id)
    assert trail[2].actor == "Eva" and trail[2].detail["previous_score"] == 1.0
    assert "previous_score" not in trail[1].detail, "the first grading has no score before it"
    assert (trail[4].detail["previous_score"], trail[4].detail["score"]) == (1.0, 2.0)


def test_latest_override_wins_and_scores_are_checked(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    answer = repo.submit_answer(student.id, bank, bank.questions[0], "svar")
    assert repo.get_answer(answer.id).final_score is None
    repo.add_override(answer.id, 0.5, "first look", "Eva")
    repo.add_override(answer.id, 2.0, "after discussion", "Olle")
    detail = repo.get_answer(answer.id)
    assert detail.final_score == 2.0 and [o.teacher for o in detail.overrides] == ["Eva", "Olle"]
    with pytest.raises(TentaError, match="outside 0-2"):
        repo.add_override(answer.id, 2.5, "too much", "Eva")
    with pytest.raises(TentaError):
        repo.add_override(answer.id, 1.0, "anonymous", " ")
    with pytest.raises(RecordNotFound):
        repo.save_grade(12345, grade(1.0))


def test_override_with_point_decisions_is_stored_audited_and_shown_in_the_final_points(
    repo: Repository, bank: Bank
) -> None:
    student = repo.default_student()
    answer = repo.submit_answer(student.id, bank, bank.questions[0], "kärnan glider över bilden")
    repo.save_grade(answer.id, grade(1.0))

    stored = repo.add_override(
        answer.id, 1.67, "the sum is only hinted at", "Eva", point_credits={"sum": 0.5, "kernel": 1.0}
    )

    assert stored.point_credits == {"kernel": 1.0, "sum": 0.5}, "kept in rubric order"
    detail = repo.get_answer(answer.id)
    assert detail.latest_override == stored and detail.final_score == 1.67
    kernel, summed = detail.final_points
    assert (
        kernel["status"] == "covered" and kernel["auto_status"] == "covered" and kernel["decided_by"] == "Eva"
    )
    assert summed["point_id"] == "sum" and summed["status"] == "partial" and summed["credit"] == 0.5
    assert summed["auto_status"] is None, "the auto grade had no result for this point"
    assert summed["text"] == "element-wise products are summed"
    overridden = repo.audit_trail(answer.id)[-1]
    assert overridden.kind is AuditKind.OVERRIDDEN
    assert overridden.detail["point_credits"] == {"kernel": 1.0, "sum": 0.5}

    plain = repo.add_override(answer.id, 2.0, "full marks after all", "Olle")
    detail = repo.get_answer(answer.id)
    assert plain.point_credits == {} and "point_credits" not in repo.audit_trail(answer.id)[-1].detail
    assert detail.final_points == detail.latest_grade.points  # type: ignore[union-attr]


def test_point_decisions_must_name_key_points_of_the_asked_question(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    answer = repo.submit_answer(student.id, bank, bank.questions[0], "svar")
    true_false = repo.submit_answer(student.id, bank, bank.questions[2], "true")

    with pytest.raises(TentaError) as unknown:
        repo.add_override(answer.id, 1.0, "", "Eva", point_credits={"kernel": 1.0, "zero": 0.0})
    assert unknown.value.message == (
        f"answer {answer.id}: question conv has no key point 'zero' (its key points: kernel, sum)"
    )
    with pytest.raises(TentaError, match=rf"answer {answer.id}: key point 'sum' credit 1.5 is outside 0-1"):
        repo.add_override(answer.id, 1.0, "", "Eva", point_credits={"sum": 1.5})
    with pytest.raises(TentaError, match="outside 0-1"):
        repo.add_override(answer.id, 1.0, "", "Eva", point_credits={"sum": float("nan")})
    with pytest.raises(TentaError, match=r"has no key point 'x' \(its key points: none\)"):
        repo.add_override(true_false.id, 1.0, "", "Eva", point_credits={"x": 1.0})
    assert repo.get_answer(answer.id).overrides == [], "a refused decision stores nothing"
    assert [event.kind for event in repo.audit_trail(answer.id)] == [AuditKind.SUBMITTED]


def test_student_regrade_request_reaches_the_teacher_even_after_automatic_regrade(
    repo: Repository, bank: Bank
) -> None:
    student = repo.default_student()
    answer = repo.submit_answer(student.id, bank, bank.questions[0], "svar")
    repo.save_grade(answer.id, grade(0.5))
    assert repo.review_queue() == []
    repo.request_regrade(answer.id, "I did mention the sum")
    repo.save_grade(answer.id, grade(0.5, version="g2"))
    queued = repo.review_queue()
    assert [d.answer.id for d in queued] == [answer.id]
    assert queued[0].regrade_requested and queued[0].regrade_reason == "I did mention the sum"
    repo.add_override(answer.id, 1.5, "Yes, you did.", "Eva")
    assert repo.review_queue() == []


def test_grade_with_other_maximum_is_scaled_to_the_question(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    answer = repo.submit_answer(student.id, bank, bank.questions[0], "svar")
    repo.save_grade(answer.id, grade(0.5, max_points=1.0))
    assert repo.get_answer(answer.id).final_score == pytest.approx(1.0)


# ---------------------------------------------------------------- history and statistics


def test_history_and_session_detail(repo: Repository, bank: Bank) -> None:
    anna, bo = repo.get_or_create_student("Anna"), repo.get_or_create_student("Bo")
    quiz = repo.start_session(anna.id, bank, bank.questions, "exam")
    conv = repo.submit_answer(anna.id, bank, bank.questions[0], "glider", session_id=quiz.id)
    drop = repo.submit_answer(anna.id, bank, bank.questions[1], "nollställer", session_id=quiz.id)
    repo.save_grade(conv.id, grade(1.0))
    repo.save_grade(drop.id, grade(0.5, max_points=1.0, needs_review=True))
    repo.save_draft(quiz.id, "relu", "sant?")
    repo.finish_session(quiz.id)
    other = repo.start_session(bo.id, bank, bank.questions[:1], "practice")

    everything = repo.history()
    assert [s.session_id for s in everything] == [other.id, quiz.id]
    (summary,) = repo.history(student_id=anna.id)
    assert summary.status is SessionStatus.FINISHED and summary.student_name == "Anna"
    assert (summary.question_count, summary.answered_count, summary.graded_count) == (3, 2, 2)
    assert summary.score == 1.5 and summary.max_points == 4.0 and summary.percent == pytest.approx(37.5)
    assert summary.needs_review_count == 1
    assert repo.history(bank_id="nope") == []
    assert repo.history(since=datetime.now(UTC) + timedelta(hours=1)) == []

    detail = repo.session_detail(quiz.id)
    assert detail.summary == summary
    assert [item.question_id for item in detail.items] == ["conv", "dropout", "relu"]
    conv_item, drop_item, relu_item = detail.items
    assert conv_item.answer is not None and conv_item.answer.answer.text == "glider"
    assert (
        conv_item.answer.latest_grade is not None and conv_item.answer.latest_grade.feedback == "scored 1.0"
    )
    assert drop_item.answer is not None and drop_item.answer.needs_review
    assert relu_item.answer is None and relu_item.draft == "sant?"
    assert repo.history(student_id=bo.id)[0].score is None


def test_answer_history_filters_by_topic_question_and_date(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    old = datetime(2024, 1, 10, tzinfo=UTC)
    repo.submit_answer(student.id, bank, bank.questions[0], "gammal", submitted_at=old)
    repo.submit_answer(student.id, bank, bank.questions[0], "ny")
    repo.submit_answer(student.id, bank, bank.questions[1], "dropout")
    assert [d.answer.text for d in repo.answer_history(topic="cnn")] == ["ny", "gammal"]
    assert [d.answer.text for d in repo.answer_history(question_id="dropout")] == ["dropout"]
    assert [d.answer.text for d in repo.answer_history(until=datetime(2025, 1, 1, tzinfo=UTC))] == ["gammal"]
    assert len(repo.answer_history(student_id=student.id, bank_id=bank.id, since=old)) == 3


def _graded_class(repo: Repository, bank: Bank, fractions: dict[str, tuple[float, float]]) -> None:
    """Each student answers conv (max 2) and dropout (max 1) with the given score fractions."""
    for name, (conv_fraction, dropout_fraction) in fractions.items():
        student = repo.get_or_create_student(name, external_id=f"id-{name}")
        conv = repo.submit_answer(student.id, bank, bank.questions[0], f"{name} conv")
        drop = repo.submit_answer(student.id, bank, bank.questions[1], f"{name} dropout")
        repo.save_grade(conv.id, grade(2.0 * conv_fraction))
        repo.save_grade(drop.id, grade(dropout_fraction, max_points=1.0))


def test_question_statistics(repo: Repository, bank: Bank) -> None:
    _graded_class(
        repo,
        bank,
        {
            "A": (1.0, 1.0),
            "B": (1.0, 0.5),
            "C": (0.5, 0.5),
            "D": (0.5, 0.0),
            "E": (0.0, 1.0),
            "F": (0.0, 0.0),
        },
    )
    # A retake by A counts as an attempt; A's latest answer is used for discrimination.
    anna = repo.get_or_create_student("A")
    retake = repo.submit_answer(anna.id, bank, bank.questions[0], "retake")
    repo.save_grade(retake.id, grade(1.0))

    conv, dropout = repo.question_statistics(bank.id)
    assert conv.question_id == "conv" and conv.attempts == 7 and conv.students == 6
    assert conv.mean_score == pytest.approx((2 + 2 + 1 + 1 + 0 + 0 + 1) / 7)
    assert conv.facility == pytest.approx(conv.mean_score / 2)  # type: ignore[operator]
    # Mean fractions: A .75 B .75 C .5 D .25 E .5 F 0 → 2 students per 27 % group: top {A, B}, bottom {F, D}.
    assert conv.discrimination == pytest.approx((0.5 + 1.0) / 2 - (0.0 + 0.5) / 2)
    assert dropout.discrimination == pytest.approx((1.0 + 0.5) / 2 - (0.0 + 0.0) / 2)
    assert dropout.max_points == 1.0 and dropout.needs_review == 0


def test_statistics_with_a_single_student_have_no_discrimination(repo: Repository, bank: Bank) -> None:
    _graded_class(repo, bank, {"Solo": (0.5, 1.0)})
    conv, _dropout = repo.question_statistics(bank.id)
    assert conv.facility == 0.5 and conv.discrimination is None


def test_gradebook_and_export(repo: Repository, bank: Bank) -> None:
    _graded_class(repo, bank, {"Bo": (0.5, 1.0), "Anna": (1.0, 0.0)})
    cecilia = repo.get_or_create_student("Cecilia")
    ungraded = repo.submit_answer(cecilia.id, bank, bank.questions[1], "inte rättad")
    bo_conv = next(a for a in repo.answer_history(question_id="conv") if a.answer.student_name == "Bo")
    repo.add_override(bo_conv.answer.id, 2.0, "full marks", "Eva")

    book = repo.gradebook(bank.id)
    assert book.question_ids == ["conv", "dropout"] and book.max_points == {"conv": 2.0, "dropout": 1.0}
    assert [row.student_name for row in book.rows] == ["Anna", "Bo", "Cecilia"]
    anna, bo, cecilia_row = book.rows
    assert anna.scores == {"conv": 2.0, "dropout": 0.0} and anna.total == 2.0 and anna.max_total == 3.0
    assert bo.scores == {"conv": 2.0, "dropout": 1.0} and bo.external_id == "id-Bo"
    assert cecilia_row.scores == {"conv": None, "dropout": None} and cecilia_row.total == 0.0

    rows = repo.answers_for_export(bank.id)
    assert len(rows) == 5
    bo_row = next(r for r in rows if r.answer_id == bo_conv.answer.id)
    assert (bo_row.auto_score, bo_row.override_score, bo_row.final_score) == (1.0, 2.0, 2.0)
    assert bo_row.teacher_comment == "full marks" and bo_row.student_external_id == "id-Bo"
    pending = next(r for r in rows if r.answer_id == ungraded.id)
    assert pending.final_score is None and pending.grader_version is None


# ---------------------------------------------------------------- spaced repetition


def test_review_cards_and_logs(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert repo.get_review_card(student.id, bank.id, "conv") is None
    card = ReviewCardRecord(
        student_id=student.id,
        bank_id=bank.id,
        question_id="conv",
        state=1,
        step=0,
        due=now - timedelta(minutes=5),
    )
    saved = repo.save_review_card(card, ReviewLogEntry(rating=3, reviewed_at=now - timedelta(minutes=15)))
    assert saved.id is not None and saved.due == now - timedelta(minutes=5)
    later = saved.model_copy(
        update={
            "state": 2,
            "step": None,
            "stability": 3.17,
            "difficulty": 5.28,
            "due": now + timedelta(days=3),
            "last_review": now,
        }
    )
    updated = repo.save_review_card(later, ReviewLogEntry(rating=4, reviewed_at=now, duration_ms=8300))
    assert updated.id == saved.id and updated.stability == 3.17 and updated.last_review == now
    repo.save_review_card(
        ReviewCardRecord(student_id=student.id, bank_id=bank.id, question_id="dropout", state=1, due=now)
    )

    assert [c.question_id for c in repo.due_cards(student.id, bank.id, now)] == ["dropout"]
    assert [c.question_id for c in repo.review_cards(student.id, bank.id)] == ["dropout", "conv"]
    logs = repo.review_logs(student.id, bank.id)
    assert [(log.question_id, log.rating, log.duration_ms) for log in logs] == [
        ("conv", 3, None),
        ("conv", 4, 8300),
    ]
    assert repo.get_review_card(student.id, bank.id, "conv") == updated


def test_times_are_aware_utc_whatever_zone_they_came_in(repo: Repository, bank: Bank) -> None:
    student = repo.default_student()
    stockholm = datetime(2025, 6, 1, 10, 0, tzinfo=UTC).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Stockholm")
    )
    answer = repo.submit_answer(student.id, bank, bank.questions[0], "x", submitted_at=stockholm)
    stored = repo.get_answer(answer.id).answer.submitted_at
    assert stored == stockholm and stored.tzinfo == UTC and stored.hour == 10


# ---------------------------------------------------------------- course material


def test_documents_and_chunks_rebuild_the_index(repo: Repository) -> None:
    first = repo.register_document("notes/cnn.md", "h1", [(0, "Convolutions"), (1, "Pooling")])
    assert repo.register_document("notes/cnn.md", "h1", [(0, "ignored")]) == first
    repo.register_document("notes/adam.md", "h2", [(0, "Adam optimiser")])
    assert [(c.path, c.position, c.text) for c in repo.document_chunks()] == [
        ("notes/adam.md", 0, "Adam optimiser"),
        ("notes/cnn.md", 0, "Convolutions"),
        ("notes/cnn.md", 1, "Pooling"),
    ]
    assert repo.register_document("notes/cnn.md", "h3", [(0, "Convolutions v2")]) == first
    assert [c.text for c in repo.document_chunks() if c.path == "notes/cnn.md"] == ["Convolutions v2"]
    assert [(d.path, d.content_hash, d.chunk_count) for d in repo.documents()] == [
        ("notes/adam.md", "h2", 1),
        ("notes/cnn.md", "h3", 1),
    ]
    assert repo.remove_document("notes/adam.md") and not repo.remove_document("notes/adam.md")
    assert [c.path for c in repo.document_chunks()] == ["notes/cnn.md"]


# ---------------------------------------------------------------- threads


def test_threads_creating_the_same_rows_at_once_all_succeed(repo: Repository, bank: Bank) -> None:
    """Concurrent get-or-create (students, snapshots, external keys) yields one row each, no error."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    barrier = Barrier(6)

    def race(worker: int) -> tuple[int, int]:
        barrier.wait()
        student = repo.get_or_create_student("Shared")
        answer = repo.submit_answer(
            student.id, bank, bank.questions[0], f"from {worker}", external_key="same"
        )
        repo.submit_answer(student.id, bank, bank.questions[1], f"own {worker}")
        return student.id, answer.id

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(race, range(6)))
    assert len(set(results)) == 1
    assert [s.name for s in repo.list_students()] == ["Shared"]
    assert len(repo.answers_for_export(bank.id)) == 7
    assert len({d.answer.snapshot_id for d in repo.answer_history(question_id="dropout")}) == 1
