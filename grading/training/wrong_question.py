"""Fit the wrong-question detector (grading.wrong_question) on the graded datasets.

Each dataset's questions are dealt into banks of 5-15 questions (the size of an exam). Every answer
is seen twice: under its own question (a genuine answer, right or wrong) and under another question
of its bank drawn at random (an answer filed under the wrong question). A logistic regression of
the three similarities tells the two apart; its threshold flags FLAGGED_RIGHT_ANSWERS of the right
answers (human fraction >= 0.5) filed under their own question. The report gives, per dataset left
out of the fit, the share of misfiled answers caught and of right answers flagged, beside the margin
rule used before (another question's similarity above the own by 0.15, and at least 0.5); with
--answers, the same for a course's hand-graded answers to a bank. Run after fit.py (it sets the
model's floor):

    python -m grading.training.wrong_question --model multilingual-e5-small \\
        --bank dl-course --answers tests/data/dl_course_answers.jsonl
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grading.combine import shipped_path
from grading.datasets import GradedRecord, questions_for, read_records
from grading.grader import Grader
from grading.text import clean
from grading.training.fit import SEED, load_training_records
from grading.wrong_question import WrongQuestionModel, detector_inputs, question_similarities

BANK_SIZES = (5, 15)
FLAGGED_RIGHT_ANSWERS = 0.02
"""Share of right answers under their own question that the threshold lets through as flagged."""
OLD_MARGIN, OLD_MINIMUM = 0.15, 0.5


@dataclass(frozen=True)
class Cases:
    """Rows of (own, other, alike) for answers under their own question and under another one."""

    genuine: np.ndarray
    misfiled: np.ndarray
    right: np.ndarray
    """Per genuine row: the human judged the answer right (fraction >= 0.5)."""

    @staticmethod
    def join(parts: Sequence[Cases]) -> Cases:
        return Cases(
            np.vstack([part.genuine for part in parts]),
            np.vstack([part.misfiled for part in parts]),
            np.concatenate([part.right for part in parts]),
        )


def row(similarities: np.ndarray, target: int, references: Sequence[np.ndarray], floor: float) -> list[float]:
    """(own, other, alike) for an answer filed under question `target` (banks have two questions or more)."""
    found = detector_inputs(similarities, target, references, floor)
    assert found is not None, "a bank of one question has no other question to file an answer under"
    return list(found[1])


def bank_cases(
    vectors: Sequence[np.ndarray],
    owners: Sequence[int],
    right: Sequence[bool],
    *,
    references: Sequence[np.ndarray],
    floor: float,
    rng: np.random.Generator,
    every_other: bool = False,
) -> Cases:
    """Cases of one bank: `owners[i]` is the index in `references` of answer i's question; misfiled
    under one other question drawn at random, or under every other one."""
    genuine, misfiled = [], []
    for vector, owner in zip(vectors, owners, strict=True):
        similarities = question_similarities(vector, references, floor)
        genuine.append(row(similarities, owner, references, floor))
        candidates = [index for index in range(len(references)) if index != owner]
        targets = candidates if every_other else [int(rng.choice(candidates))]
        misfiled += [row(similarities, target, references, floor) for target in targets]
    return Cases(np.array(genuine), np.array(misfiled), np.array(right, dtype=bool))


def dataset_cases(
    grader: Grader, records: Sequence[GradedRecord], rng: np.random.Generator
) -> dict[str, Cases]:
    """Per dataset, the cases of its questions dealt into banks of BANK_SIZES questions."""
    floor = grader.scoring.floor
    vectors = grader.whole_answer_vectors([record.student_answer for record in records])
    by_dataset: dict[str, dict[str, list[int]]] = {}
    for index, record in enumerate(records):
        if vectors[index] is not None:
            key = record.question_id or record.question
            by_dataset.setdefault(record.dataset, {}).setdefault(key, []).append(index)
    cases: dict[str, Cases] = {}
    for dataset, questions in by_dataset.items():
        keys = list(questions)
        rng.shuffle(keys)
        parts, start = [], 0
        while start < len(keys) - 1:
            bank = keys[start : start + int(rng.integers(BANK_SIZES[0], BANK_SIZES[1] + 1))]
            start += len(bank)
            if len(bank) < 2:
                continue
            references = [reference_vectors(grader, records[questions[key][0]]) for key in bank]
            members = [(index, position) for position, key in enumerate(bank) for index in questions[key]]
            parts.append(
                bank_cases(
                    [vectors[index] for index, _ in members],  # type: ignore[misc]
                    [position for _, position in members],
                    [records[index].fraction >= 0.5 for index, _ in members],
                    references=references,
                    floor=floor,
                    rng=rng,
                )
            )
        cases[dataset] = Cases.join(parts)
    return cases


def reference_vectors(grader: Grader, record: GradedRecord) -> np.ndarray:
    texts = [clean(text) for text in (record.reference_answer, *record.reference_answers) if text]
    return grader.embedder.encode(list(dict.fromkeys(texts)))


def fit_detector(training: Sequence[Cases], *, description: str) -> WrongQuestionModel:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    cases = Cases.join(training)
    x = np.vstack([cases.genuine, cases.misfiled])
    y = np.r_[np.zeros(len(cases.genuine)), np.ones(len(cases.misfiled))]
    regression = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    (own, other, alike), intercept = regression.coef_[0], regression.intercept_[0]
    unthresholded = WrongQuestionModel(
        own=own, other=other, alike=alike, intercept=intercept, threshold=1.0, fitted_on=description
    )
    right = cases.genuine[cases.right]
    probabilities = [unthresholded.probability(*values) for values in right]
    threshold = float(np.quantile(probabilities, 1.0 - FLAGGED_RIGHT_ANSWERS))
    return unthresholded.model_copy(update={"threshold": threshold})


def flagged(model: WrongQuestionModel | None, rows: np.ndarray) -> np.ndarray:
    """Which rows a detector flags; None: the old margin rule."""
    if model is None:
        return (rows[:, 1] > rows[:, 0] + OLD_MARGIN) & (rows[:, 1] >= OLD_MINIMUM)
    return np.array([model.probability(*values) > model.threshold for values in rows], dtype=bool)


def report_line(label: str, model: WrongQuestionModel | None, cases: Cases) -> str:
    genuine = flagged(model, cases.genuine)
    return (
        f"  {label:28s} misfiled caught {flagged(model, cases.misfiled).mean():.3f}   "
        f"right answers flagged {genuine[cases.right].mean():.3f}   "
        f"all own answers flagged {genuine.mean():.3f}"
    )


def course_cases(grader: Grader, bank_id: str, answers: Path) -> Cases:
    """A course's hand-graded answers in its whole bank, each also filed under every other question."""
    from question_bank.loader import BankCatalog

    bank = BankCatalog(None).load(bank_id)
    records = read_records(answers)
    ids, references = zip(*grader.bank_references(bank), strict=True)
    vectors = grader.whole_answer_vectors([record.student_answer for record in records])
    kept = [
        (vector, ids.index(question.id), record.fraction >= 0.5)
        for vector, question, record in zip(vectors, questions_for(records, bank), records, strict=True)
        if vector is not None
    ]
    return bank_cases(
        [vector for vector, _, _ in kept],
        [owner for _, owner, _ in kept],
        [right for _, _, right in kept],
        references=list(references),
        floor=grader.scoring.floor,
        rng=np.random.default_rng(SEED),
        every_other=True,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="multilingual-e5-small")
    parser.add_argument("--bank", default=None, help="a bank whose hand-graded answers are reported on")
    parser.add_argument("--answers", type=Path, default=None, help="hand-graded answers to --bank (JSONL)")
    parser.add_argument("--out", type=Path, default=None, help="default: grading/data/<model id>.json")
    args = parser.parse_args(argv)
    import platformdirs

    from grading.embedder import Embedder

    cache = Path(platformdirs.user_cache_dir("tenta"))
    embedder = Embedder.load(args.model, models_dir=cache / "models", cache_dir=cache / "embeddings")
    grader = Grader.create(embedder)
    cases = dataset_cases(grader, load_training_records(), np.random.default_rng(SEED))
    print(
        f"banks of {BANK_SIZES[0]}-{BANK_SIZES[1]} questions; "
        f"right answers flagged at most {FLAGGED_RIGHT_ANSWERS}"
    )
    for held_out in cases:
        model = fit_detector([c for name, c in cases.items() if name != held_out], description="")
        print(f"{held_out} (left out of the fit):")
        print(report_line("margin rule", None, cases[held_out]))
        print(report_line("fitted detector", model, cases[held_out]))
    detector = fit_detector(
        list(cases.values()),
        description=f"answers of {', '.join(cases)} in banks of {BANK_SIZES[0]}-{BANK_SIZES[1]} questions",
    )
    print(
        f"fitted: logit = {detector.intercept:+.3f} {detector.own:+.3f}·own {detector.other:+.3f}·other "
        f"{detector.alike:+.3f}·alike; flag above p = {detector.threshold:.3f}"
    )
    if args.bank and args.answers:
        course = course_cases(grader, args.bank, args.answers)
        print(f"{args.bank} ({args.answers.name}, each answer also under every other question):")
        print(report_line("margin rule", None, course))
        print(report_line("fitted detector", detector, course))
    out = args.out or shipped_path(embedder.model_id)
    grader.scoring.model_copy(update={"wrong_question": detector}).save(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
