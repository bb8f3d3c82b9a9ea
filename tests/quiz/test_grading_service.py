"""Teacher overrides feed later grades of the same question as graded neighbours."""

from __future__ import annotations

import pytest

from grading.embedder import Embedder
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.grading_service import grade_and_store, grade_requests, teacher_graded_examples
from quiz.teacher.review import regrade

WRONG_BUT_ON_TOPIC = [
    "Machine learning and AI are the same thing, and deep learning is older than both of them.",
    "AI and machine learning are the same thing; deep learning is an older and separate field.",
    "Deep learning is older than AI, and AI is the same thing as machine learning.",
    "Machine learning is the same as AI, while deep learning came first and is separate.",
]


def _submit(ctx: AppContext, bank: Bank, student: str, text: str) -> int:
    student_id = ctx.repository.get_or_create_student(student).id
    return ctx.repository.submit_answer(student_id, bank, bank.question(1), text).id


def test_overrides_become_graded_neighbours_for_the_next_answers(
    ctx: AppContext, bank: Bank, minilm_embedder: Embedder
) -> None:
    ctx.__dict__["embedder"] = minilm_embedder
    graded_by_teacher = [
        _submit(ctx, bank, f"student{i}", text) for i, text in enumerate(WRONG_BUT_ON_TOPIC[:3])
    ]
    for answer_id in graded_by_teacher:
        ctx.repository.add_override(answer_id, 0.0, "Wrong: the relationship is reversed.", "teacher")
    new_answer = ctx.repository.get_answer(_submit(ctx, bank, "student9", WRONG_BUT_ON_TOPIC[3])).answer

    examples = teacher_graded_examples(ctx, bank.id, bank.question(1).id)
    assert sorted(answer_id for answer_id, _ in examples) == sorted(graded_by_teacher)
    assert all(example.fraction == 0.0 for _, example in examples)

    without_neighbours = ctx.grader.grade(bank.question(1), new_answer.text, bank=bank)
    (stored,) = grade_and_store(ctx, [new_answer])
    assert stored.score < without_neighbours.score


def test_an_answer_is_never_its_own_neighbour(ctx: AppContext, bank: Bank, minilm_embedder: Embedder) -> None:
    """With three overrides in all, regrading one of them leaves two neighbours: too few to be used."""
    ctx.__dict__["embedder"] = minilm_embedder
    answer_ids = [_submit(ctx, bank, f"student{i}", text) for i, text in enumerate(WRONG_BUT_ON_TOPIC[:3])]
    for answer_id in answer_ids:
        ctx.repository.add_override(answer_id, 0.0, "Wrong.", "teacher")
    regraded = ctx.repository.get_answer(answer_ids[0]).answer

    (stored,) = grade_and_store(ctx, [regraded])

    assert stored.score == ctx.grader.grade(bank.question(1), regraded.text, bank=bank).score


def test_a_regrade_dry_run_previews_what_the_regrade_stores(
    ctx: AppContext, bank: Bank, minilm_embedder: Embedder
) -> None:
    """The dry run asks the grader what the regrade asks, teacher overrides as graded neighbours included;
    before, it graded without them and previewed the auto grade the regrade would not store."""
    ctx.__dict__["embedder"] = minilm_embedder
    later = _submit(ctx, bank, "student9", WRONG_BUT_ON_TOPIC[3])
    grade_and_store(ctx, [ctx.repository.get_answer(later).answer])
    for i, text in enumerate(WRONG_BUT_ON_TOPIC[:3]):
        ctx.repository.add_override(_submit(ctx, bank, f"student{i}", text), 0.0, "Wrong.", "teacher")

    previewed = regrade(ctx, [ctx.repository.get_answer(later)], dry_run=True).changes
    stored = regrade(ctx, [ctx.repository.get_answer(later)]).changes

    assert [change.answer_id for change in previewed] == [change.answer_id for change in stored] == [later]
    preview = previewed[0]
    assert preview.new_auto == pytest.approx(stored[0].new_auto)
    assert preview.new_auto < preview.old_auto
    assert ctx.repository.get_answer(later).final_score == pytest.approx(preview.new_auto)


def test_the_class_latest_answers_are_each_answers_classmates(ctx: AppContext, bank: Bank) -> None:
    """One classmate per student (their latest answer), only to the same question text; a student
    practising alone has no class."""
    practice = [_submit(ctx, bank, "Alva", f"Attempt {i}: AI contains machine learning.") for i in range(3)]
    (alone,) = grade_requests(ctx, [ctx.repository.get_answer(practice[-1]).answer])
    assert alone.classmates == ("Attempt 2: AI contains machine learning.",)

    others = [_submit(ctx, bank, f"student{i}", text) for i, text in enumerate(WRONG_BUT_ON_TOPIC)]
    other_question = ctx.repository.submit_answer(
        ctx.repository.get_or_create_student("student0").id, bank, bank.question(2), "Another question."
    )
    answers = [ctx.repository.get_answer(answer_id).answer for answer_id in (practice[0], others[1])]
    first, second = grade_requests(ctx, [*answers, other_question])[:2]

    assert sorted(first.classmates) == sorted(
        [*WRONG_BUT_ON_TOPIC, "Attempt 2: AI contains machine learning."]
    )
    assert first.classmates == second.classmates  # one class, prepared once by the grader
    assert "Another question." not in first.classmates
