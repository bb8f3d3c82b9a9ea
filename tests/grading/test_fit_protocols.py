"""The evaluation protocols of grading/training/fit.py: an answer is never predicted by a model that saw
its own human score, and human agreement is computed from each grader's own scores."""

from __future__ import annotations

import numpy as np

from grading.datasets import GradedRecord
from grading.training.fit import (
    FOLDS,
    Table,
    fit_pooled_profile,
    human_agreement_markdown,
    known_question_out_of_fold,
    out_of_fold,
    question_folds,
    with_dataset_indicators,
)

KNN_NAMES = ("signal", "noise")


def _table(fractions: np.ndarray, datasets: np.ndarray, seed: int = 0) -> Table:
    rng = np.random.default_rng(seed)
    rows = [
        {"signal": float(fraction + rng.normal(0, 0.2)), "noise": float(rng.uniform())}
        for fraction in fractions
    ]
    records = [
        GradedRecord(
            dataset=str(name), question_id=f"q{index % 12}", student_answer="a", score=score, max_score=1
        )
        for index, (name, score) in enumerate(zip(datasets, fractions, strict=True))
    ]
    return Table(
        records=records,
        datasets=datasets,
        groups=np.array([f"{name}/q{index % 12}" for index, name in enumerate(datasets)]),
        fractions=fractions,
        base=rows,
        knn=rows,
        answer_folds=np.arange(len(fractions)) % FOLDS,
    )


def test_known_question_protocol_never_uses_an_answers_own_score() -> None:
    rng = np.random.default_rng(1)
    fractions = (rng.uniform(size=600) > 0.5).astype(float)
    datasets = np.array(["semeval"] * 500 + ["other"] * 100)
    table = _table(fractions, datasets)
    predicted = known_question_out_of_fold(table, KNN_NAMES, profile="semeval")

    flipped = fractions.copy()
    held = np.flatnonzero(table.answer_folds == 2)
    flipped[held] = 1.0 - flipped[held]
    relabelled = Table(**{**table.__dict__, "fractions": flipped})
    again = known_question_out_of_fold(relabelled, KNN_NAMES, profile="semeval")

    assert np.array_equal(predicted[held], again[held])
    assert not np.array_equal(predicted, again)
    assert np.all(predicted[datasets == "other"] == 0.0)
    semeval = datasets == "semeval"
    assert np.corrcoef(predicted[semeval], fractions[semeval])[0, 1] > 0.5


def test_grader_fractions_use_the_graders_own_scale() -> None:
    exam = GradedRecord(
        student_answer="a", score=4.0, max_score=5.0, grader_scores=(7.0, 9.0), grader_max_score=10.0
    )
    assignment = GradedRecord(student_answer="a", score=4.5, max_score=5.0, grader_scores=(4.0, 5.0))
    assert exam.grader_fractions == (0.7, 0.9)
    assert assignment.grader_fractions == (0.8, 1.0)
    assert GradedRecord(student_answer="a", score=1, max_score=1).grader_fractions == ()


def test_human_agreement_compares_the_engine_with_each_grader() -> None:
    rng = np.random.default_rng(2)
    truth = rng.uniform(size=200)
    first = np.clip(truth + rng.normal(0, 0.1, 200), 0, 1)
    second = np.clip(truth + rng.normal(0, 0.3, 200), 0, 1)
    records = [
        GradedRecord(student_answer="a", score=(a + b) / 2, max_score=1, grader_scores=(a, b))
        for a, b in zip(first, second, strict=True)
    ]
    table = Table(
        records=records,
        datasets=np.array(["mohler"] * 200),
        groups=np.array(["mohler/q"] * 200),
        fractions=(first + second) / 2,
        base=[],
        knn=[],
        answer_folds=np.zeros(200, dtype=int),
    )
    line = human_agreement_markdown(table, first, "alone")
    expected_between = np.corrcoef(first, second)[0, 1]
    assert f"grader 1 vs grader 2 {expected_between:.3f}" in line
    assert "vs grader 1 1.000" in line
    assert human_agreement_markdown(_table(np.ones(10), np.array(["x"] * 10)), np.ones(10), "alone") == ""


def test_pooled_profile_reads_its_own_dataset_indicator() -> None:
    """Two datasets grade the same signal in opposite directions; each pooled profile follows its own."""
    rng = np.random.default_rng(3)
    signal = rng.uniform(size=800)
    datasets = np.array(["agrees"] * 400 + ["reversed"] * 400)
    fractions = np.where(datasets == "agrees", signal, 1.0 - signal)
    table = _table(fractions, datasets)
    x, names = with_dataset_indicators(table, signal[:, None], ["signal"])
    for profile, sign in (("agrees", 1.0), ("reversed", -1.0)):
        model = fit_pooled_profile(x, fractions, datasets, names, profile=profile)
        high, low = model.predict({"signal": 0.9}), model.predict({"signal": 0.1})
        assert sign * (high - low) > 0.5


def test_pooled_profile_never_sees_the_questions_it_predicts() -> None:
    rng = np.random.default_rng(4)
    fractions = rng.uniform(size=600)
    datasets = np.array(["mohler"] * 300 + ["other"] * 300)
    table = _table(fractions, datasets)
    _, predicted = out_of_fold(table, KNN_NAMES, with_knn=False, model_id="m", profile="mohler")

    held = question_folds(table)[1]
    changed = fractions.copy()
    changed[held] = 1.0 - changed[held]
    _, again = out_of_fold(
        Table(**{**table.__dict__, "fractions": changed}),
        KNN_NAMES,
        with_knn=False,
        model_id="m",
        profile="mohler",
    )
    mohler_held = held[datasets[held] == "mohler"]
    assert len(mohler_held) > 0
    assert np.array_equal(predicted[mohler_held], again[mohler_held])
    assert not np.array_equal(predicted, again)
    assert np.all(predicted[datasets == "other"] == 0.0)
