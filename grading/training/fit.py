"""Fit the shipped scoring model (floor, combiners, calibrations, error profiles) from ../shared/datasets.

    python -m grading.training.fit --model all-MiniLM-L6-v2
    python -m grading.training.fit --model multilingual-e5-small --report ../notes/eval_results.md

Features come from the real Grader (same code path as the app). Everything reported is measured
out of fold: leave-questions-out (GroupKFold by question) for unseen questions, and per-question
answer folds (the other answers of the question as graded neighbours) for unseen answers. The shipped
coefficients are fitted on all training data only at the end. scikit-learn is used here only.
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

from grading.calibration import Calibration, isotonic_fit
from grading.combine import CLOSE_ENOUGH, ErrorProfile, LinearModel, ScoringModel, shipped_path
from grading.datasets import GradedRecord, questions_for, read_records
from grading.evaluate import compute_metrics
from grading.features import EMBEDDING_FEATURES, KNN_FEATURES, LEXICAL_FEATURES
from grading.grader import GradedExample, Grader, topicality
from grading.retrieval import TextEncoder
from grading.text import clean

DATASETS_DIR = Path(__file__).resolve().parents[3] / "shared" / "datasets"
DATASET_FILES = {
    "mohler2011": "mohler_train.jsonl",
    "scientsbank": "scientsbank_train.jsonl",
    "beetle": "beetle_train.jsonl",
}
FOLDS = 5
RIDGE_ALPHA = 1.0
SEED = 13

BASE_FEATURES = EMBEDDING_FEATURES + LEXICAL_FEATURES
COMBINER_FEATURES = {
    "base": BASE_FEATURES,
    "base_nolex": EMBEDDING_FEATURES,
    "knn": BASE_FEATURES + KNN_FEATURES,
    "knn_nolex": EMBEDDING_FEATURES + KNN_FEATURES,
}


@dataclass
class Table:
    """Features of every training answer, without and with graded neighbours (answer folds)."""

    records: list[GradedRecord]
    datasets: np.ndarray
    groups: np.ndarray
    fractions: np.ndarray
    base: list[dict[str, float]]
    knn: list[dict[str, float]]

    def matrix(self, names: Sequence[str], *, with_knn: bool) -> np.ndarray:
        rows = self.knn if with_knn else self.base
        return np.array([[row.get(name, 0.0) for name in names] for row in rows])


def load_training_records(datasets_dir: Path = DATASETS_DIR) -> list[GradedRecord]:
    records: list[GradedRecord] = []
    for name, file in DATASET_FILES.items():
        path = datasets_dir / file
        records.extend(
            record.model_copy(update={"dataset": record.dataset or name}) for record in read_records(path)
        )
    return records


def measure_floor(records: Sequence[GradedRecord], encoder: TextEncoder, *, sample: int = 3000) -> float:
    """Median cosine of answers with *other* questions' references: 'unrelated' for this model."""
    rng = np.random.default_rng(SEED)
    picks = rng.choice(len(records), size=min(sample, len(records)), replace=False)
    references = sorted({clean(record.reference_answer) for record in records})
    ref_vectors = encoder.encode(references)
    answer_vectors = encoder.encode([clean(records[i].student_answer) for i in picks])
    own = {ref: i for i, ref in enumerate(references)}
    sims = answer_vectors @ ref_vectors.T
    values = []
    for row, i in enumerate(picks):
        mask = np.ones(len(references), dtype=bool)
        mask[own[clean(records[i].reference_answer)]] = False
        values.append(float(np.median(sims[row][mask])))
    return float(np.median(values))


def extract(records: Sequence[GradedRecord], grader: Grader, *, log: bool = True) -> Table:
    """Base features for every answer, and kNN features from the other answer folds of the same question."""
    questions = questions_for(records)
    base: list[dict[str, float]] = []
    for index, (record, question) in enumerate(zip(records, questions, strict=True)):
        result = grader.features(question, record.student_answer)
        base.append(result.values if result else {})
        if log and index % 2000 == 0:
            print(f"  base features {index}/{len(records)}", file=sys.stderr, flush=True)
    knn = [dict(row) for row in base]
    by_group: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        by_group.setdefault(f"{record.dataset}/{record.group}", []).append(index)
    rng = np.random.default_rng(SEED)
    for indexes in by_group.values():
        order = rng.permutation(indexes)
        folds = [order[f::FOLDS] for f in range(FOLDS)]
        for fold in folds:
            held = set(fold.tolist())
            examples = [
                GradedExample(answer=records[i].student_answer, fraction=records[i].fraction)
                for i in indexes
                if i not in held
            ]
            for i in fold:
                result = grader.features(questions[i], records[i].student_answer, examples=examples)
                if result is not None:
                    knn[i] = result.values
    return Table(
        records=list(records),
        datasets=np.array([record.dataset for record in records]),
        groups=np.array([f"{record.dataset}/{record.group}" for record in records]),
        fractions=np.array([record.fraction for record in records]),
        base=base,
        knn=knn,
    )


def sample_weights(datasets: np.ndarray) -> np.ndarray:
    """Each dataset weighs the same in total, so 1.6k Mohler answers are not drowned by 9k SemEval ones."""
    weights = np.ones(len(datasets))
    for name in np.unique(datasets):
        mask = datasets == name
        weights[mask] = len(datasets) / (len(np.unique(datasets)) * mask.sum())
    return weights


def fit_linear(x: np.ndarray, y: np.ndarray, weights: np.ndarray, names: Sequence[str]) -> LinearModel:
    from sklearn.linear_model import Ridge  # type: ignore[import-untyped]

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = Ridge(alpha=RIDGE_ALPHA).fit((x - mean) / scale, y, sample_weight=weights)
    return LinearModel(
        features=tuple(names),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coefficients=tuple(float(v) for v in model.coef_),
        intercept=float(model.intercept_),
    )


def predict(model: LinearModel, x: np.ndarray) -> np.ndarray:
    standardised = (x - np.asarray(model.mean)) / np.asarray(model.scale)
    return np.asarray(model.intercept + standardised @ np.asarray(model.coefficients))


def question_folds(table: Table) -> list[np.ndarray]:
    """Test-row indexes of each leave-questions-out fold (GroupKFold by question, per dataset balanced)."""
    from sklearn.model_selection import GroupKFold  # type: ignore[import-untyped]

    folds: list[list[int]] = [[] for _ in range(FOLDS)]
    for name in np.unique(table.datasets):
        rows = np.flatnonzero(table.datasets == name)
        for fold, (_, test) in enumerate(GroupKFold(n_splits=FOLDS).split(rows, groups=table.groups[rows])):
            folds[fold].extend(rows[test].tolist())
    return [np.array(sorted(fold)) for fold in folds]


def out_of_fold(
    table: Table, names: Sequence[str], *, with_knn: bool, model_id: str
) -> tuple[np.ndarray, np.ndarray]:
    """Raw and per-dataset calibrated predictions, each row from a model that never saw its question."""
    x = table.matrix(names, with_knn=with_knn)
    raw = np.zeros(len(x))
    calibrated = np.zeros(len(x))
    for test in question_folds(table):
        train = np.setdiff1d(np.arange(len(x)), test)
        model = fit_linear(x[train], table.fractions[train], sample_weights(table.datasets[train]), names)
        raw[test] = predict(model, x[test])
        train_raw = predict(model, x[train])
        for name in np.unique(table.datasets[test]):
            source = train[table.datasets[train] == name]
            calibration = isotonic_fit(
                train_raw[np.isin(train, source)], table.fractions[source], model_id=model_id
            )
            rows = test[table.datasets[test] == name]
            calibrated[rows] = calibration.apply(raw[rows])
    return raw, calibrated


def metrics_by_dataset(table: Table, fractions: np.ndarray) -> dict[str, dict[str, float | None]]:
    report = {}
    for name in np.unique(table.datasets):
        mask = table.datasets == name
        scale = np.array([record.max_score for record in table.records])[mask]
        report[str(name)] = compute_metrics(
            fractions[mask] * scale, table.fractions[mask] * scale, scale
        ).model_dump()
    return report


def error_profile(predicted: np.ndarray, actual: np.ndarray) -> ErrorProfile:
    edges = np.linspace(0.0, 1.0, 11)
    shares = []
    for low, high in itertools.pairwise(edges):
        mask = (predicted >= low) & ((predicted < high) | (high == 1.0))
        close = np.abs(predicted[mask] - actual[mask]) <= CLOSE_ENOUGH
        shares.append(float(close.mean()) if mask.sum() >= 20 else 0.5)
    return ErrorProfile(edges=tuple(float(e) for e in edges[:-1]), close_share=tuple(shares))


def off_topic_threshold(table: Table, *, max_mean_fraction: float = 0.05) -> float:
    """The highest topicality cut-off under which human graders gave on average at most 5 % of the points."""
    topical = np.array([topicality(row) if row else 0.0 for row in table.base])
    best = 0.0
    for threshold in np.arange(0.02, 0.5, 0.01):
        below = topical < threshold
        if below.sum() >= 20 and table.fractions[below].mean() <= max_mean_fraction:
            best = float(threshold)
    return round(best, 2)


def fit_scoring_model(table: Table, *, model_id: str, floor: float) -> ScoringModel:
    """The shipped numbers: combiners on all data; calibrations and error profiles from out-of-fold runs."""
    combiners: dict[str, LinearModel] = {}
    calibrations: dict[str, Calibration] = {}
    profiles: dict[str, ErrorProfile] = {}
    weights = sample_weights(table.datasets)
    for key, names in COMBINER_FEATURES.items():
        with_knn = key.startswith("knn")
        combiners[key] = fit_linear(table.matrix(names, with_knn=with_knn), table.fractions, weights, names)
        raw, _ = out_of_fold(table, names, with_knn=with_knn, model_id=model_id)
        calibrations[key] = isotonic_fit(
            raw, table.fractions, model_id=model_id, source="all training datasets"
        )
        for name in np.unique(table.datasets):
            mask = table.datasets == name
            calibrations[f"{key}@{name}"] = isotonic_fit(
                raw[mask], table.fractions[mask], model_id=model_id, source=f"{name} training split"
            )
        profiles[key] = error_profile(calibrations[key].apply(raw), table.fractions)
    return ScoringModel(
        model_id=model_id,
        floor=floor,
        off_topic_below=off_topic_threshold(table),
        combiners=combiners,
        calibrations=calibrations,
        error_profiles=profiles,
        notes="Fitted by grading/training/fit.py on ../shared/datasets/*_train.jsonl.",
    )


def provisional_scoring(model_id: str, floor: float) -> ScoringModel:
    """A scoring model good enough to compute features with (features don't depend on the combiner)."""
    names = BASE_FEATURES
    identity = LinearModel(
        features=names,
        mean=(0.0,) * len(names),
        scale=(1.0,) * len(names),
        coefficients=(0.0,) * len(names),
        intercept=0.5,
    )
    return ScoringModel(
        model_id=model_id,
        floor=floor,
        combiners={"base": identity},
        calibrations={"base": Calibration.identity(model_id)},
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="embedding cache (re-runs skip the model)"
    )
    parser.add_argument("--out", type=Path, default=None, help="default: grading/data/<model id>.json")
    args = parser.parse_args(argv)
    import platformdirs

    from grading.embedder import Embedder

    cache = Path(platformdirs.user_cache_dir("tenta"))
    embedder = Embedder.load(
        args.model,
        models_dir=args.models_dir or cache / "models",
        cache_dir=args.cache_dir or cache / "embeddings",
    )
    scoring = run(embedder, load_training_records())
    out = args.out or shipped_path(embedder.model_id)
    scoring.save(out)
    print(f"wrote {out}")


def run(encoder: TextEncoder, records: list[GradedRecord]) -> ScoringModel:
    floor = measure_floor(records, encoder)
    print(f"floor (median unrelated cosine) = {floor:.3f}", file=sys.stderr)
    grader = Grader(encoder, provisional_scoring(encoder.model_id, floor))
    table = extract(records, grader)
    for key, names in COMBINER_FEATURES.items():
        _, calibrated = out_of_fold(table, names, with_knn=key.startswith("knn"), model_id=encoder.model_id)
        print(key, json.dumps(metrics_by_dataset(table, calibrated)), file=sys.stderr)
    return fit_scoring_model(table, model_id=encoder.model_id, floor=floor)


if __name__ == "__main__":
    main()
