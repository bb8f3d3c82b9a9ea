"""Teacher-written misconceptions (Gradescope's negative rubric items): an answer that puts the right words
in a wrong relation ("machine learning is a subfield of deep learning") was rated right by embedding
similarity and token coverage. A misconception the teacher wrote down costs its penalty when a sentence
states it, and not when a right sentence shares its words; a question without misconceptions grades as
before. Real e5 model, real bank loader, real SQLite file and the real answer view."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from grading.embedder import Embedder
from grading.grader import Grader
from question_bank.errors import InputFileErrors
from question_bank.formats.yaml_json import dump_json, dump_yaml, read_native
from question_bank.models import Bank, Misconception, Question, QuestionType
from quiz.context import AppContext
from quiz.grading_service import grade_and_store
from quiz.tui.widgets.answer_view import AnswerView
from quiz.tui.widgets.grade_notes import ENGLISH_LABELS, SWEDISH_LABELS

SWAPPED = Misconception(
    id="ml-inside-dl",
    text="Machine learning is a subfield of deep learning.",
    paraphrases=("Maskininlärning är ett delområde av djupinlärning.",),
    penalty=0.5,
    feedback="It is the other way round: deep learning is one kind of machine learning.",
)
WRONG_EN = (
    "AI is the broadest field. Machine learning is a subfield of deep learning. "
    "Deep learning uses neural networks with many layers."
)
RIGHT_EN = (
    "AI is the broadest field. Deep learning is a subfield of machine learning. "
    "Deep learning uses neural networks with many layers."
)
WRONG_SV = (
    "AI är det bredaste området. Maskininlärning är ett delområde av djupinlärning. "
    "Djupinlärning använder neurala nätverk med många lager."
)
RIGHT_SV = (
    "AI är det bredaste området. Deep learning är ett delområde av maskininlärning. "
    "Deep learning använder neurala nätverk med många lager."
)


@pytest.fixture(scope="module")
def e5_grader(e5_embedder: Embedder) -> Grader:
    return Grader.create(e5_embedder)


@pytest.fixture(scope="module")
def course() -> Bank:
    return read_native(Path(__file__).parents[2] / "question_bank" / "bundled" / "dl-course" / "bank.yaml")


def with_misconceptions(bank: Bank, *misconceptions: Misconception) -> Bank:
    first = bank.questions[0].model_copy(update={"misconceptions": misconceptions})
    return bank.model_copy(update={"questions": (first, *bank.questions[1:])})


def test_misconceptions_round_trip_through_yaml_and_json(course: Bank, tmp_path: Path) -> None:
    bank = with_misconceptions(course, SWAPPED)
    for name, text in (("bank.yaml", dump_yaml(bank)), ("bank.json", dump_json(bank))):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert read_native(path) == bank
    assert "misconceptions" not in dump_yaml(course), "a bank without them is written as before"
    assert course.questions[0].content_hash() == with_misconceptions(course).questions[0].content_hash()


BAD_BANK = """\
id: demo
title: Demo
questions:
  - id: q1
    prompt: {en: "How are ML and DL related?"}
    max_points: 2
    reference_answer: {en: Deep learning is a subfield of machine learning.}
    rubric:
      - {id: kp1, text: Deep learning is a subfield of machine learning., weight: 1}
    misconceptions:
      - id: swapped
        text: Machine learning is a subfield of deep learning.
        penalty: 3
      - id: swapped
        text: AI is part of ML.
        penalty: 0
  - id: q2
    type: true_false
    prompt: {en: "Is DL part of ML?"}
    choices: [{text: "True", fraction: 1}, {text: "False"}]
    misconceptions:
      - {id: m, text: DL is not ML, penalty: 1}
"""


def test_bad_misconceptions_are_named_with_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(BAD_BANK, encoding="utf-8")
    with pytest.raises(InputFileErrors) as raised:
        read_native(path)
    message = "\n".join(error.message for error in raised.value.errors)
    assert (
        f"{path}:13: questions[0].misconceptions[0].penalty: penalty 3 is more than the question's "
        in message
    )
    assert "max_points 2" in message
    assert f"{path}:14: questions[0].misconceptions[1].id: duplicate misconception id 'swapped'" in message
    assert f"{path}:16: questions[0].misconceptions[1].penalty: 0 is not allowed" in message
    assert (
        f"{path}:21: questions[1].misconceptions: misconceptions apply to free_text questions only, "
        "not true_false" in message
    )


def test_the_model_refuses_misconceptions_on_a_closed_question_and_a_penalty_above_the_points() -> None:
    closed = {
        "id": "q",
        "type": QuestionType.TRUE_FALSE,
        "prompt": {"en": "Is DL part of ML?"},
        "choices": [{"text": "True", "fraction": 1}],
        "misconceptions": [SWAPPED],
    }
    with pytest.raises(ValueError, match="misconceptions apply to free_text questions only"):
        Question.model_validate(closed)
    free_text = {
        "id": "q",
        "prompt": {"en": "How are ML and DL related?"},
        "max_points": 0.25,
        "reference_answer": {"en": "DL is part of ML."},
        "rubric": [{"id": "kp", "text": "DL is part of ML.", "weight": 1}],
        "misconceptions": [SWAPPED],
    }
    with pytest.raises(ValueError, match=r"penalty 0.5 is more than the question's max_points 0.25"):
        Question.model_validate(free_text)


@pytest.mark.parametrize(
    ("wrong", "right", "said"), [(WRONG_EN, RIGHT_EN, "en"), (WRONG_SV, RIGHT_SV, "sv")], ids=["en", "sv"]
)
def test_stating_the_misconception_costs_its_penalty_and_the_right_relation_does_not(
    e5_grader: Grader, course: Bank, wrong: str, right: str, said: str
) -> None:
    bank = with_misconceptions(course, SWAPPED)
    question, plain = bank.questions[0], course.questions[0]

    wrong_grade = e5_grader.grade(question, wrong, bank=bank)
    before = e5_grader.grade(plain, wrong, bank=course)
    (found,) = wrong_grade.misconceptions
    assert found.misconception_id == "ml-inside-dl"
    assert found.matched_sentence in wrong
    assert (
        "subfield of deep" in found.matched_sentence or "delområde av djupinlärning" in found.matched_sentence
    )
    assert wrong_grade.score == pytest.approx(max(0.0, round(before.score - 0.5, 2)))
    label = "Misconception (−0.5 p): " if said == "en" else "Missuppfattning (−0.5 p): "
    assert label + SWAPPED.text in wrong_grade.feedback
    assert SWAPPED.feedback in wrong_grade.feedback

    right_grade = e5_grader.grade(question, right, bank=bank)
    assert right_grade.misconceptions == ()
    assert right_grade == e5_grader.grade(plain, right, bank=course).model_copy(
        update={"question_id": question.id}
    )


def test_a_question_without_misconceptions_grades_exactly_as_before(e5_grader: Grader, course: Bank) -> None:
    """The same answers, with and without an unrelated question's misconceptions in the bank."""
    bank = with_misconceptions(course, SWAPPED)
    for question, plain in zip(bank.questions[1:4], course.questions[1:4], strict=True):
        answer = plain.reference_in("en").split(". ")[0] + "."
        assert e5_grader.grade(question, answer, bank=bank) == e5_grader.grade(plain, answer, bank=course)


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield AnswerView()


@pytest.mark.anyio
async def test_the_answer_view_lists_a_misconception_under_the_key_points(
    settings: object, e5_embedder: Embedder, course: Bank
) -> None:
    ctx = AppContext()
    ctx.__dict__["embedder"] = e5_embedder
    bank = with_misconceptions(course, SWAPPED)
    student = ctx.repository.get_or_create_student("Alva").id
    wrong = ctx.repository.submit_answer(student, bank, bank.questions[0], WRONG_SV)
    right = ctx.repository.submit_answer(student, bank, bank.questions[0], RIGHT_EN)
    grade_and_store(ctx, [wrong, right])

    app = ViewApp()
    async with app.run_test() as pilot:
        view = app.query_one(AnswerView)
        listed = view.query_one(".av-misconceptions", Static)
        view.show(ctx.repository.get_answer(wrong.id), SWEDISH_LABELS)
        await pilot.pause()
        assert listed.display
        shown = str(listed.render())
        assert f"✘ missuppfattning (−0.5 p) {SWAPPED.text}" in shown
        assert 'du skrev: "Maskininlärning är ett delområde av djupinlärning."' in shown

        view.show(ctx.repository.get_answer(right.id), ENGLISH_LABELS)
        await pilot.pause()
        assert not listed.display


def test_grade_one_prints_the_misconception_with_the_sentence_that_stated_it(
    settings: object, course: Bank, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from quiz.cli.main import app

    bank = with_misconceptions(course, SWAPPED).model_copy(update={"id": "dl-misconceptions"})
    path = tmp_path / "bank.yaml"
    path.write_text(dump_yaml(bank), encoding="utf-8")
    runner = CliRunner()
    imported = runner.invoke(app, ["bank", "import", str(path)])
    assert imported.exit_code == 0, imported.output

    graded = runner.invoke(app, ["grade-one", WRONG_EN, "-q", "1", "--bank", "dl-misconceptions"])

    assert graded.exit_code == 0, graded.output
    assert "✘ misconception (−0.5 p) " in graded.output
    assert 'said: "Machine learning is a subfield of deep learning."' in graded.output
    assert f"Misconception (−0.5 p): {SWAPPED.text}" in graded.output
