"""Key-point credit on the team's hand-graded seed-exam answers (tests/data/dl_course_answers.jsonl).

The credit a student sees per key point should follow the teachers' grades in both languages: a point
counts as covered when the answer carries its content (its own tokens, softly aligned), not merely a
sentence on the same topic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from grading.datasets import questions_for, read_records
from grading.embedder import Embedder
from grading.grader import Grader, GradeRequest
from question_bank.loader import BankCatalog

ANSWERS = Path(__file__).resolve().parents[1] / "data" / "dl_course_answers.jsonl"


@pytest.mark.e5
def test_point_credit_follows_the_teachers_grades_in_both_languages(e5_embedder: Embedder) -> None:
    bank = BankCatalog(None).load("dl-course")
    records = read_records(ANSWERS)
    grader = Grader.create(e5_embedder)
    requests = [
        GradeRequest(question=question, answer=record.student_answer, bank=bank)
        for record, question in zip(records, questions_for(records, bank), strict=True)
    ]
    grades = grader.grade_many(requests)
    credit = np.array(
        [
            sum(p.weight * p.credit for p in grade.points) / sum(p.weight for p in grade.points)
            for grade in grades
        ]
    )
    human = np.array([record.fraction for record in records])
    languages = [json.loads(line)["language"] for line in ANSWERS.read_text(encoding="utf-8").splitlines()]
    swedish = np.array([language == "sv" for language in languages])
    assert np.corrcoef(credit, human)[0, 1] >= 0.72
    for language in (swedish, ~swedish):
        assert np.corrcoef(credit[language], human[language])[0, 1] >= 0.65
