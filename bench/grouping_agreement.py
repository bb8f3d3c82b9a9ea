"""Can a teacher trust an answer group? Human disagreement inside groups, before and after.

Every answer in tests/data/dl_course_answers.jsonl (human-graded answers to the bundled dl-course
bank) is graded by the real grader and grouped per question, the way `tenta groups` does it, under
three rules: the old one (cosine ≥ 0.85 to the representative), cosine alone at the model's default
threshold, and the current rule (default threshold and the auto grades agree). For each rule it
prints the number of groups, the answers that share a group with another, the grouped pairs, their
mean human disagreement (|difference of the human score fractions|) and the pairs the humans scored
at least half of max points apart ("bad": one decision for both would be wrong).

    .venv/bin/python bench/grouping_agreement.py [--model all-MiniLM-L6-v2]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grading.grader import GradeRequest  # noqa: E402
from quiz.context import AppContext  # noqa: E402
from quiz.settings import Settings  # noqa: E402
from quiz.teacher.grouping import (  # noqa: E402
    AutoGradeProfile,
    agreement_matrix,
    chance_similarity,
    cluster,
    default_threshold,
)

ANSWERS = REPO / "tests" / "data" / "dl_course_answers.jsonl"
OLD_THRESHOLD = 0.85
BAD = 0.5


@dataclass(frozen=True)
class Outcome:
    groups: int
    grouped_answers: int
    pair_gaps: list[float]

    def line(self, rule: str) -> str:
        mean = f"{np.mean(self.pair_gaps):.3f}" if self.pair_gaps else "  -  "
        bad = sum(1 for gap in self.pair_gaps if gap >= BAD)
        return (
            f"{rule:<44} groups {self.groups:4d}  grouped answers {self.grouped_answers:4d}  "
            f"pairs {len(self.pair_gaps):4d}  mean Δhuman {mean}  bad pairs {bad:3d}"
        )


def group_all(
    questions: np.ndarray,
    vectors: np.ndarray,
    human: np.ndarray,
    threshold: float,
    agree: np.ndarray | None,
) -> Outcome:
    groups = grouped = 0
    gaps: list[float] = []
    for question in sorted(set(questions.tolist())):
        rows = np.flatnonzero(questions == question)
        sub_agree = agree[np.ix_(rows, rows)] if agree is not None else None
        for members in cluster(vectors[rows], threshold, sub_agree):
            groups += 1
            if len(members) > 1:
                grouped += len(members)
            gaps += [abs(human[rows[a]] - human[rows[b]]) for a, b in itertools.combinations(members, 2)]
    return Outcome(groups, grouped, gaps)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="embedding model (default: the configured one)")
    args = parser.parse_args(argv)
    ctx = AppContext(Settings(model=args.model) if args.model else None)
    bank = ctx.catalog.load("dl-course")
    by_number = {question.number: question for question in bank.questions}
    rows = [json.loads(line) for line in ANSWERS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if row["student_answer"].strip()]
    grades = ctx.grader.grade_many(
        [
            GradeRequest(question=by_number[row["question_number"]], answer=row["student_answer"], bank=bank)
            for row in rows
        ]
    )
    profiles = [
        AutoGradeProfile(grade.score / grade.max_points, {p.point_id: p.status.value for p in grade.points})
        for grade in grades
    ]
    questions = np.array([row["question_number"] for row in rows])
    human = np.array([row["score"] / row["max_score"] for row in rows])
    vectors = ctx.embedder.encode([row["student_answer"] for row in rows])
    threshold = default_threshold(ctx.embedder)
    print(
        f"{ctx.embedder.model_id}: {len(rows)} answers, {len(set(questions.tolist()))} questions; "
        f"chance cosine {chance_similarity(ctx.embedder):.3f}, default threshold {threshold:.2f}"
    )
    agree = agreement_matrix(profiles)
    print(group_all(questions, vectors, human, OLD_THRESHOLD, None).line(f"before: cosine ≥ {OLD_THRESHOLD}"))
    print(group_all(questions, vectors, human, threshold, None).line(f"cosine ≥ {threshold:.2f} alone"))
    print(
        group_all(questions, vectors, human, OLD_THRESHOLD, agree).line(
            f"cosine ≥ {OLD_THRESHOLD} + grades agree"
        )
    )
    print(
        group_all(questions, vectors, human, threshold, agree).line(
            f"now: cosine ≥ {threshold:.2f} + grades agree"
        )
    )
    same = questions[:, None] == questions[None, :]
    gaps = np.abs(human[:, None] - human[None, :])[np.triu(same, 1)]
    print(f"{'reference: every same-question pair':<44} pairs {len(gaps)}  mean Δhuman {gaps.mean():.3f}")


if __name__ == "__main__":
    main()
