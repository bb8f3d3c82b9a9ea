"""`evaluate_records` against a bank whose points differ from the human grader's scale."""

from __future__ import annotations

import pytest

from grading.datasets import GradedRecord
from grading.embedder import Embedder
from grading.evaluate import evaluate_records
from grading.grader import Grader
from question_bank.models import Bank
from tests.grading.conftest import DROPOUT_CLASS

ANSWERS = (
    ("Dropout switches off random neurons while training, so the network overfits less.", 4.0),
    ("It turns off some neurons.", 2.0),
    ("Dropout is when students leave school.", 0.0),
)


def test_bank_scores_are_compared_on_the_human_graders_scale(minilm_grader: Grader, small_bank: Bank) -> None:
    question = small_bank.question("dropout")
    assert question.max_points == 2
    records = [
        GradedRecord(question_id="dropout", student_answer=answer, score=score, max_score=4.0)
        for answer, score in ANSWERS
    ]
    report = evaluate_records(minilm_grader, records, bank=small_bank)
    bank_scores = [minilm_grader.grade(question, answer, bank=small_bank).score for answer, _ in ANSWERS]
    assert report.predictions == pytest.approx([score * 2 for score in bank_scores])
    assert all(0 <= prediction <= 4.0 for prediction in report.predictions)
    assert report.predictions[0] > report.predictions[2]


def test_records_naming_a_bank_question_by_bank_qualified_id_are_graded_against_its_rubric() -> None:
    from grading.datasets import question_for
    from question_bank.loader import BankCatalog

    bank = BankCatalog(None).load("dl-course")
    record = GradedRecord(
        question_id="dl-course.3",
        question="Vad är skillnaden mellan parametrar och hyperparametrar?",
        reference_answer="Parameters are learned; hyperparameters are chosen before training.",
        student_answer="Vikter lärs in, inlärningstakten väljs.",
        score=1,
        max_score=2,
    )
    question = question_for(record, bank)
    assert question.number == 3 and question.id == bank.question(3).id
    assert question.rubric == bank.question(3).rubric  # the authored rubric, not one derived from the record


def _seed_record(question: str, **fields: object) -> GradedRecord:
    return GradedRecord.model_validate(
        {"question": question, "student_answer": "Vikter lärs in.", "score": 1, "max_score": 2, **fields}
    )


def test_a_record_names_a_bank_question_by_the_exams_wording() -> None:
    from grading.datasets import question_for
    from question_bank.loader import BankCatalog

    bank = BankCatalog(None).load("dl-course")
    copied_with_code = "FÖRKLARA vad nedanstående kod gör:\n\n```python\nmodel = Sequential()\n```"
    with_code = _seed_record(copied_with_code, reference_answer="It builds a model.")
    assert question_for(with_code, bank).number == 5
    english = _seed_record("What is a parameter?  What is a hyperparameter", reference_answer="x")
    assert question_for(english, bank).number == 3
    numbered = {
        "3. Vad är en parameter? Vad är en hyperparameter?": 3,
        '### Fråga 7: "Dropout" är en regulariseringsteknik, vad är det för något?': 7,
        "Question 11) What does the code below do?": 11,
    }
    for text, number in numbered.items():
        assert bank.question_with_prompt(text) == bank.question(number), text
    assert bank.question_with_prompt("12. What does the code below do?") == bank.question(11)  # wording wins


def test_only_wording_or_a_bank_qualified_id_ties_records_to_a_bank() -> None:
    from grading.datasets import names_bank_questions
    from question_bank.loader import BankCatalog

    bank = BankCatalog(None).load("dl-course")
    by_wording = _seed_record('"Dropout" är en regulariseringsteknik, vad är det för något?')
    by_id = _seed_record("", question_id="dl-course.12")
    elsewhere = _seed_record("What is a linked list?", reference_answer="A chain of nodes.")
    bare_number = _seed_record("", question_number=3)
    assert names_bank_questions([by_wording, by_id], bank)
    assert not names_bank_questions([by_wording, elsewhere], bank)
    assert not names_bank_questions([bare_number], bank)
    assert not names_bank_questions([], bank)


def test_a_question_derived_from_a_record_knows_its_languages() -> None:
    from grading.datasets import question_for

    record = _seed_record(
        "Vad är syftet med att regularisera en modell?",
        reference_answer="Regularization reduces overfitting so that the model generalizes to new data.",
    )
    question = question_for(record)
    assert list(question.prompt) == ["sv"]
    assert list(question.reference_answer) == ["en"]


def test_agreement_is_reported_per_answer_language(minilm_grader: Grader, small_bank: Bank) -> None:
    answers = [
        ("Dropout switches off random neurons while training, so the network overfits less.", 2.0, ""),
        ("Dropout is when students leave school.", 0.0, ""),
        ("Dropout stänger av slumpmässiga neuroner under träningen så att nätet inte överanpassar.", 2.0, ""),
        ("Det är när man tar bort data.", 0.0, "sv"),
    ]
    records = [
        GradedRecord(
            question_id="dropout", student_answer=answer, score=score, max_score=2.0, language=language
        )
        for answer, score, language in answers
    ]
    report = evaluate_records(minilm_grader, records, bank=small_bank)
    by_language = {row.language: row for row in report.per_language}
    assert set(by_language) == {"en", "sv"}  # detected for three answers, given for the fourth
    assert by_language["en"].n == by_language["sv"].n == 2
    swedish_differences = [(report.predictions[i] - answers[i][1]) / 2.0 for i in (2, 3)]
    assert by_language["sv"].mean_difference == pytest.approx(sum(swedish_differences) / 2)
    assert report.mean_difference == pytest.approx(
        sum((p - a[1]) / 2.0 for p, a in zip(report.predictions, answers, strict=True)) / 4
    )


@pytest.mark.e5
def test_a_class_is_read_together_unless_each_answer_is_graded_alone(
    e5_embedder: Embedder, small_bank: Bank
) -> None:
    """Records of one question are each other's classmates (their scores unused); records come back in
    input order even when two questions' records are interleaved."""
    grader = Grader.create(e5_embedder)
    step = "The learning rate is the step size of gradient descent."
    records = []
    wrong = (
        "Dropout adds noise to the learning rate so that training converges faster.",
        "Dropout is when students leave school.",
    )
    for answer in (*DROPOUT_CLASS, *wrong):
        records.append(GradedRecord(question_id="dropout", student_answer=answer, score=1.0, max_score=2.0))
        records.append(
            GradedRecord(question_id="learning-rate", student_answer=step, score=1.0, max_score=1.0)
        )
    alone = evaluate_records(grader, records, bank=small_bank, classmates=False)
    together = evaluate_records(grader, records, bank=small_bank)

    one_by_one = [
        grader.grade(small_bank.question(record.question_id), record.student_answer, bank=small_bank).score
        for record in records
    ]
    assert alone.predictions == pytest.approx(one_by_one)
    dropout = [index for index, record in enumerate(records) if record.question_id == "dropout"]
    assert [together.predictions[i] for i in dropout] != pytest.approx(
        [alone.predictions[i] for i in dropout]
    )
