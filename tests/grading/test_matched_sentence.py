"""The sentence a key point quotes as matched is one of the answer's sentences, never the whole answer:
quoted in the feedback ("In your answer: …") and highlighted in the app, the whole answer says nothing."""

from __future__ import annotations

from pathlib import Path

from grading.datasets import questions_for, read_records
from grading.grader import Grader, GradeRequest, prepare_answer, question_acronyms
from question_bank.loader import BankCatalog

ANSWERS = Path(__file__).resolve().parents[1] / "data" / "dl_course_answers.jsonl"


def test_key_points_quote_one_sentence_of_a_long_answer(minilm_grader: Grader) -> None:
    bank = BankCatalog(None).load("dl-course")
    records = read_records(ANSWERS)
    questions = questions_for(records, bank)
    grades = minilm_grader.grade_many(
        [
            GradeRequest(question=question, answer=record.student_answer, bank=bank)
            for record, question in zip(records, questions, strict=True)
        ]
    )
    quoted = 0
    for record, question, grade in zip(records, questions, grades, strict=True):
        prepared = prepare_answer(record.student_answer, question_acronyms(question))
        if prepared is None or len(prepared.units) == 1:
            continue
        sentences = prepared.units[:-1]
        for point in grade.points:
            if point.matched_sentence is not None:
                quoted += 1
                assert point.matched_sentence in sentences, (record.answer_id, point.point_id)
    assert quoted >= 200  # measured: 270 quotes of multi-sentence answers
