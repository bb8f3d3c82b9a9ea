"""Fit the shipped scoring model (floor, combiners, calibrations, error profiles) from ../shared/datasets.

    python -m grading.training.fit --model all-MiniLM-L6-v2 --no-classmates
    python -m grading.training.fit --model multilingual-e5-small --report ../notes/eval_results.md

Features come from the real Grader (same code path as the app). Everything reported is measured
out of fold: leave-questions-out (GroupKFold by question) for unseen questions, and per-question
answer folds (the other answers of the question as graded neighbours) for unseen answers. The shipped
coefficients are fitted on all training data only at the end. scikit-learn is used in grading.training only.
The shipped model's other parts are reset here and refitted on top of it afterwards, in this order:
`python -m grading.training.language_bridge`, `.wrong_question` and `.rubric_scale`.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grading.calibration import Calibration, isotonic_fit
from grading.classmates import CLASS_FEATURES
from grading.combine import (
    CLOSE_ENOUGH,
    Combiner,
    ErrorProfile,
    LinearModel,
    ScoringModel,
    Tree,
    TreeEnsemble,
    shipped_path,
)
from grading.datasets import GradedRecord, questions_for, read_records
from grading.evaluate import compute_metrics, pearson, spearman
from grading.features import (
    EMBEDDING_FEATURES,
    KNN_FEATURES,
    KNN_TOKEN_FEATURES,
    LEXICAL_FEATURES,
    TOKEN_FEATURES,
)
from grading.grader import GradedExample, Grader, GradeRequest, topicality
from grading.retrieval import TextEncoder, TokenTextEncoder
from grading.text import clean

DATASETS_DIR = Path(__file__).resolve().parents[3] / "shared" / "datasets"
DATASET_FILES = {
    "mohler2011": "mohler_train.jsonl",
    "scientsbank": "scientsbank_train.jsonl",
    "beetle": "beetle_train.jsonl",
}
FOLDS = 5
EXTRACT_BATCH = 512
"""Answers encoded per model call while extracting features (their token states stay in memory)."""
RIDGE_ALPHA = 1.0
SEED = 13
TREE_SETTINGS = {
    "n_estimators": 120,
    "max_depth": 3,
    "learning_rate": 0.06,
    "subsample": 0.8,
    "min_samples_leaf": 20,
    "random_state": SEED,
}
"""Small gradient-boosted trees: measured +0.01-0.02 Pearson over the linear combiner out of fold."""

BASE_FEATURES = EMBEDDING_FEATURES + LEXICAL_FEATURES + TOKEN_FEATURES
NOLEX_FEATURES = EMBEDDING_FEATURES + TOKEN_FEATURES
"""When no reference is in the answer's language: token alignment is cross-lingual, word overlap is not."""
COMBINER_FEATURES = {
    "base": BASE_FEATURES,
    "base_nolex": NOLEX_FEATURES,
    "base_class": BASE_FEATURES + CLASS_FEATURES,
    "base_nolex_class": NOLEX_FEATURES + CLASS_FEATURES,
    "knn": BASE_FEATURES + KNN_FEATURES + KNN_TOKEN_FEATURES,
    "knn_nolex": NOLEX_FEATURES + KNN_FEATURES + KNN_TOKEN_FEATURES,
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
    answer_folds: np.ndarray
    """Answer fold of every row within its question (the kNN features of a row use the other folds)."""

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


def measure_token_floor(
    records: Sequence[GradedRecord], encoder: TextEncoder, *, sample: int = 400, pairs: int = 20_000
) -> float:
    """Median cosine of random token pairs from different answers: 'unrelated' at the token level."""
    if not isinstance(encoder, TokenTextEncoder):
        return 0.0
    rng = np.random.default_rng(SEED)
    picks = rng.choice(len(records), size=min(sample, len(records)), replace=False)
    _, states = encoder.encode_with_tokens([clean(records[i].student_answer) or "-" for i in picks])
    owner = np.concatenate([np.full(len(state), index) for index, state in enumerate(states)])
    vectors = np.concatenate([state.vectors for state in states])
    left, right = rng.integers(0, len(vectors), size=(2, pairs))
    different = owner[left] != owner[right]
    return float(np.median((vectors[left[different]] * vectors[right[different]]).sum(axis=1)))


def answer_groups(records: Sequence[GradedRecord]) -> dict[str, list[int]]:
    """Positions of the records answering each question ('dataset/group'): a question's class."""
    by_group: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        by_group.setdefault(f"{record.dataset}/{record.group}", []).append(index)
    return by_group


def extract(records: Sequence[GradedRecord], grader: Grader, *, log: bool = True) -> Table:
    """Base features for every answer (with its classmates: every answer to its question), and kNN
    features from the other answer folds of the same question."""
    questions = questions_for(records)
    by_group = answer_groups(records)
    classmates = {
        group: tuple(records[i].student_answer for i in indexes) for group, indexes in by_group.items()
    }
    base: list[dict[str, float]] = []
    for start in range(0, len(records), EXTRACT_BATCH):
        if log:
            print(f"  base features {start}/{len(records)}", file=sys.stderr, flush=True)
        requests = [
            GradeRequest(
                question=question,
                answer=record.student_answer,
                classmates=classmates[f"{record.dataset}/{record.group}"],
            )
            for record, question in zip(
                records[start : start + EXTRACT_BATCH], questions[start : start + EXTRACT_BATCH], strict=True
            )
        ]
        base.extend(result.values if result else {} for result in grader.features_many(requests))
    knn = [dict(row) for row in base]
    rng = np.random.default_rng(SEED)
    answer_folds = np.zeros(len(records), dtype=int)
    for indexes in by_group.values():
        order = rng.permutation(indexes)
        folds = [order[f::FOLDS] for f in range(FOLDS)]
        for fold_number, fold in enumerate(folds):
            answer_folds[fold] = fold_number
            held = set(fold.tolist())
            examples = tuple(
                GradedExample(answer=records[i].student_answer, fraction=records[i].fraction)
                for i in indexes
                if i not in held
            )
            requests = [
                GradeRequest(question=questions[i], answer=records[i].student_answer, examples=examples)
                for i in fold
            ]
            for i, result in zip(fold, grader.features_many(requests), strict=True):
                if result is not None:
                    knn[i] = result.values
    return Table(
        records=list(records),
        datasets=np.array([record.dataset for record in records]),
        groups=np.array([f"{record.dataset}/{record.group}" for record in records]),
        fractions=np.array([record.fraction for record in records]),
        base=base,
        knn=knn,
        answer_folds=answer_folds,
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


def fit_trees(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, names: Sequence[str], *, logistic: bool = False
) -> TreeEnsemble:
    """Gradient-boosted trees exported as plain node arrays (evaluated with numpy at run time)."""
    from sklearn.ensemble import (  # type: ignore[import-untyped]
        GradientBoostingClassifier,
        GradientBoostingRegressor,
    )

    booster = GradientBoostingClassifier if logistic else GradientBoostingRegressor
    model = booster(**TREE_SETTINGS).fit(x, y, sample_weight=weights)
    if logistic:
        share = float(np.average(y, weights=weights))
        base = float(np.log(share / (1.0 - share)))
    else:
        base = float(np.average(y, weights=weights))
    trees = []
    for estimator in model.estimators_[:, 0]:
        tree = estimator.tree_
        leaf = tree.children_left < 0
        trees.append(
            Tree(
                feature=tuple(int(v) for v in np.where(leaf, -1, tree.feature)),
                threshold=tuple(round(float(v), 6) for v in np.where(leaf, 0.0, tree.threshold)),
                left=tuple(int(v) for v in tree.children_left),
                right=tuple(int(v) for v in tree.children_right),
                value=tuple(round(float(v) * model.learning_rate, 6) for v in tree.value[:, 0, 0]),
            )
        )
    return TreeEnsemble(features=tuple(names), base=base, trees=tuple(trees), logistic=logistic)


def fit_combiner(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, names: Sequence[str], *, profile: str | None
) -> Combiner:
    """Trees for a dataset profile (graded like its own training split: +0.01-0.04 Pearson out of
    fold); linear for the pooled app default, which also grades banks unlike any dataset (long
    authored references, Swedish) where the trees extrapolated badly (dl-course Pearson 0.74 -> 0.62)."""
    if profile is None:
        return fit_linear(x, y, weights, names)
    return fit_trees(x, y, weights, names)


PROFILE_OWN_WEIGHT = 4.0
"""In a profile fitted on pooled datasets, the profile's own answers weigh this much more than the
others (out of fold, unseen questions: 1 → 4 → 8 gave Mohler Pearson 0.615 / 0.623 / 0.618)."""


def dataset_indicator(name: str) -> str:
    return f"dataset={name}"


def with_dataset_indicators(
    table: Table, x: np.ndarray, names: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """`x` with a 0/1 column per dataset, so pooled trees can still split on where an answer comes from."""
    datasets = sorted(str(name) for name in np.unique(table.datasets))
    columns = np.stack([table.datasets == name for name in datasets], axis=1).astype(float)
    return np.hstack([x, columns]), [*names, *(dataset_indicator(name) for name in datasets)]


def fit_pooled_profile(
    x: np.ndarray, y: np.ndarray, datasets: np.ndarray, names: Sequence[str], *, profile: str
) -> TreeEnsemble:
    """Trees for a dataset profile without graded neighbours, fitted on every dataset's answers with
    dataset indicators (`with_dataset_indicators`), the profile's own answers weighted up. Questions the
    profile never saw are graded better when the trees also learnt from other datasets' questions (out of
    fold, unseen questions: Mohler Pearson 0.598 -> 0.623, SciEntsBank F1 0.696 -> 0.698, Beetle F1
    0.776 -> 0.774); with graded neighbours the dataset's own answers decide and pooling gave nothing."""
    weights = sample_weights(datasets)
    weights[datasets == profile] *= PROFILE_OWN_WEIGHT
    trees = fit_trees(x, y, weights, names)
    fixed = {dataset_indicator(str(name)): float(name == profile) for name in np.unique(datasets)}
    return trees.model_copy(update={"fixed": fixed})


def predict(model: Combiner, x: np.ndarray) -> np.ndarray:
    """The combiner's raw output for every row of `x` (vectorised twin of `model.predict`)."""
    if isinstance(model, LinearModel):
        standardised = (x - np.asarray(model.mean)) / np.asarray(model.scale)
        return np.asarray(model.intercept + standardised @ np.asarray(model.coefficients))
    total = np.full(len(x), model.base)
    rows = np.arange(len(x))
    for tree in model.trees:
        feature, threshold = np.asarray(tree.feature), np.asarray(tree.threshold)
        left, right = np.asarray(tree.left), np.asarray(tree.right)
        node = np.zeros(len(x), dtype=int)
        while (feature[node] >= 0).any():
            inner = feature[node] >= 0
            goes_left = x[rows, np.maximum(feature[node], 0)] <= threshold[node]
            node = np.where(inner, np.where(goes_left, left[node], right[node]), node)
        total += np.asarray(tree.value)[node]
    return np.asarray(1.0 / (1.0 + np.exp(-total))) if model.logistic else total


def question_folds(table: Table) -> list[np.ndarray]:
    """Test-row indexes of each leave-questions-out fold (GroupKFold by question, per dataset balanced)."""
    from sklearn.model_selection import GroupKFold  # type: ignore[import-untyped]

    folds: list[list[int]] = [[] for _ in range(FOLDS)]
    for name in np.unique(table.datasets):
        rows = np.flatnonzero(table.datasets == name)
        for fold, (_, test) in enumerate(GroupKFold(n_splits=FOLDS).split(rows, groups=table.groups[rows])):
            folds[fold].extend(rows[test].tolist())
    return [np.array(sorted(fold)) for fold in folds]


Fitter = Callable[[np.ndarray, np.ndarray, np.ndarray, Sequence[str]], Combiner]


def out_of_fold(
    table: Table,
    names: Sequence[str],
    *,
    with_knn: bool,
    model_id: str,
    profile: str | None = None,
    fitter: Fitter | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Raw and per-dataset calibrated predictions, each row from a model that never saw its question.

    With a `profile` (dataset name) only that dataset's rows are fitted and predicted; rows of other
    datasets stay 0.
    """
    x = table.matrix(names, with_knn=with_knn)
    raw = np.zeros(len(x))
    calibrated = np.zeros(len(x))
    usable = np.ones(len(x), dtype=bool) if profile is None else table.datasets == profile
    pooled = profile is not None and not with_knn and fitter is None
    if pooled:
        x, names = with_dataset_indicators(table, x, names)
    for fold in question_folds(table):
        test = fold[usable[fold]]
        train = np.setdiff1d(np.arange(len(x)) if pooled else np.flatnonzero(usable), fold)
        x_train, y_train, w_train = x[train], table.fractions[train], sample_weights(table.datasets[train])
        model: Combiner
        if pooled and profile is not None:
            model = fit_pooled_profile(x_train, y_train, table.datasets[train], names, profile=profile)
        elif fitter is not None:
            model = fitter(x_train, y_train, w_train, names)
        else:
            model = fit_combiner(x_train, y_train, w_train, names, profile=profile)
        raw[test] = predict(model, x[test])
        train_raw = predict(model, x[train])
        for name in np.unique(table.datasets[test]):
            source = table.datasets[train] == name
            calibration = isotonic_fit(train_raw[source], table.fractions[train][source], model_id=model_id)
            rows = test[table.datasets[test] == name]
            calibrated[rows] = calibration.apply(raw[rows])
    return raw, calibrated


def known_question_out_of_fold(table: Table, names: Sequence[str], *, profile: str) -> np.ndarray:
    """Calibrated predictions for unseen answers to known questions (the SemEval "unseen answers"
    setting): each answer fold is graded by a dataset-profile combiner fitted on the other answer folds,
    which include other answers to the same questions, with those folds as graded neighbours."""
    x = table.matrix(names, with_knn=True)
    calibrated = np.zeros(len(x))
    usable = table.datasets == profile
    for fold in range(FOLDS):
        test = np.flatnonzero(usable & (table.answer_folds == fold))
        train = np.flatnonzero(usable & (table.answer_folds != fold))
        model = fit_combiner(x[train], table.fractions[train], np.ones(len(train)), names, profile=profile)
        calibration = isotonic_fit(predict(model, x[train]), table.fractions[train], model_id="out-of-fold")
        calibrated[test] = calibration.apply(predict(model, x[test]))
    return calibrated


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


def closeness(predicted: np.ndarray, actual: np.ndarray) -> np.ndarray:
    return np.asarray(np.abs(predicted - actual) <= CLOSE_ENOUGH, dtype=np.float64)


def confidence_matrix(
    table: Table, names: Sequence[str], predicted: np.ndarray, *, with_knn: bool
) -> np.ndarray:
    return np.column_stack([table.matrix(names, with_knn=with_knn), predicted])


def fit_confidence(
    table: Table, names: Sequence[str], predicted: np.ndarray, *, with_knn: bool
) -> TreeEnsemble:
    """P(grade within CLOSE_ENOUGH of the human grade | features, predicted fraction), from
    out-of-fold predictions, so it learns where the combiner really goes wrong on unseen questions."""
    return fit_trees(
        confidence_matrix(table, names, predicted, with_knn=with_knn),
        closeness(predicted, table.fractions),
        sample_weights(table.datasets),
        (*names, "predicted"),
        logistic=True,
    )


def confidence_out_of_fold(
    table: Table, names: Sequence[str], predicted: np.ndarray, *, with_knn: bool
) -> np.ndarray:
    """Confidence of every row from a confidence model that never saw its question."""
    x = confidence_matrix(table, names, predicted, with_knn=with_knn)
    close = closeness(predicted, table.fractions)
    result = np.zeros(len(x))
    for fold in question_folds(table):
        train = np.setdiff1d(np.arange(len(x)), fold)
        model = fit_trees(
            x[train],
            close[train],
            sample_weights(table.datasets[train]),
            (*names, "predicted"),
            logistic=True,
        )
        result[fold] = predict(model, x[fold])
    return result


def confidence_rank(confidence: np.ndarray, *, model_id: str) -> Calibration:
    """Monotone map probability → rank (share of out-of-fold grades with a lower probability)."""
    levels = np.linspace(0.0, 1.0, 41)
    knots = np.quantile(confidence, levels)
    x, y = [float(knots[0])], [0.0]
    for knot, level in zip(knots[1:], levels[1:], strict=True):
        if knot > x[-1] + 1e-9:
            x.append(float(knot))
            y.append(float(level))
        else:
            y[-1] = float(level)
    return Calibration(model_id=model_id, x=tuple(x), y=tuple(y), source="out-of-fold confidence ranks")


def off_topic_threshold(table: Table, *, max_mean_fraction: float = 0.05) -> float:
    """The highest topicality cut-off under which human graders gave on average at most 5 % of the points."""
    topical = np.array([topicality(row) if row else 0.0 for row in table.base])
    best = 0.0
    for threshold in np.arange(0.02, 0.5, 0.01):
        below = topical < threshold
        if below.sum() >= 20 and table.fractions[below].mean() <= max_mean_fraction:
            best = float(threshold)
    return round(best, 2)


def fit_scoring_model(
    table: Table, *, model_id: str, floor: float, token_floor: float, classmates: bool = True
) -> ScoringModel:
    """The shipped numbers: combiners on all data; calibrations and error profiles from out-of-fold runs.

    The plain keys ("base", "knn", …) are fitted on all datasets (what the app uses); "<key>@<dataset>"
    are fitted on one dataset only and apply when an evaluation names that dataset (its grading scheme).
    """
    combiners: dict[str, Combiner] = {}
    calibrations: dict[str, Calibration] = {}
    profiles: dict[str, ErrorProfile] = {}
    confidence_models: dict[str, TreeEnsemble] = {}
    confidence_ranks: dict[str, Calibration] = {}
    for key, names in COMBINER_FEATURES.items():
        if key.endswith("_class") and not classmates:
            continue
        with_knn = key.startswith("knn")
        x = table.matrix(names, with_knn=with_knn)
        combiners[key] = fit_combiner(x, table.fractions, sample_weights(table.datasets), names, profile=None)
        raw, _ = out_of_fold(table, names, with_knn=with_knn, model_id=model_id)
        calibrations[key] = isotonic_fit(
            raw, table.fractions, model_id=model_id, source="all training datasets"
        )
        profiles[key] = error_profile(calibrations[key].apply(raw), table.fractions)
        predicted = calibrations[key].apply(raw)
        confidence_models[key] = fit_confidence(table, names, predicted, with_knn=with_knn)
        confidence_ranks[key] = confidence_rank(
            confidence_out_of_fold(table, names, predicted, with_knn=with_knn), model_id=model_id
        )
        for name in np.unique(table.datasets):
            mask = table.datasets == name
            if with_knn:
                combiners[f"{key}@{name}"] = fit_combiner(
                    x[mask], table.fractions[mask], np.ones(mask.sum()), names, profile=str(name)
                )
            else:
                x_pooled, pooled_names = with_dataset_indicators(table, x, names)
                combiners[f"{key}@{name}"] = fit_pooled_profile(
                    x_pooled, table.fractions, table.datasets, pooled_names, profile=str(name)
                )
            raw, _ = out_of_fold(table, names, with_knn=with_knn, model_id=model_id, profile=str(name))
            calibrations[f"{key}@{name}"] = isotonic_fit(
                raw[mask], table.fractions[mask], model_id=model_id, source=f"{name} training split"
            )
    return ScoringModel(
        model_id=model_id,
        floor=floor,
        token_floor=token_floor,
        off_topic_below=off_topic_threshold(table),
        combiners=combiners,
        calibrations=calibrations,
        error_profiles=profiles,
        confidence_models=confidence_models,
        confidence_ranks=confidence_ranks,
        notes="Fitted by grading/training/fit.py on ../shared/datasets/*_train.jsonl.",
    )


ABLATIONS = {
    "all features": (),
    "− lexical alignment": LEXICAL_FEATURES,
    "− key-point coverage": ("point_cov", "point_min", "point_lex"),
    "− question similarity / restating": ("q_cos", "q_restate"),
    "− length ratio": ("len_ratio",),
    "− whole-answer cosine": ("ref_cos",),
    "− token alignment": TOKEN_FEATURES,
}
METRIC_COLUMNS = ("pearson", "spearman", "rmse", "qwk", "accuracy", "macro_f1")


def _row(label: str, metrics: dict[str, float | None]) -> str:
    cells = ["–" if metrics[key] is None else f"{metrics[key]:.3f}" for key in METRIC_COLUMNS]
    return f"| {label} | " + " | ".join(cells) + " |"


def _cosine_baseline(table: Table, model_id: str) -> np.ndarray:
    _, calibrated = out_of_fold(table, ("ref_cos",), with_knn=False, model_id=model_id, fitter=fit_linear)
    return calibrated


def _profiled(table: Table, names: Sequence[str], *, with_knn: bool, model_id: str) -> np.ndarray:
    """Out-of-fold predictions where every dataset uses its own combiner (as `tenta eval` does)."""
    result = np.zeros(len(table.fractions))
    for name in np.unique(table.datasets):
        _, calibrated = out_of_fold(table, names, with_knn=with_knn, model_id=model_id, profile=str(name))
        result[table.datasets == name] = calibrated[table.datasets == name]
    return result


def report_markdown(table: Table, scoring: ScoringModel) -> str:
    """Evaluation table (baseline vs engine per dataset and setting), ablation and confidence quality."""
    model_id = scoring.model_id
    header = (
        "| system | Pearson | Spearman | RMSE | QWK | accuracy | macro-F1 |\n|---|---|---|---|---|---|---|"
    )
    baseline = metrics_by_dataset(table, _cosine_baseline(table, model_id))
    pooled_base = metrics_by_dataset(
        table, out_of_fold(table, BASE_FEATURES, with_knn=False, model_id=model_id)[1]
    )
    pooled_knn = metrics_by_dataset(
        table, out_of_fold(table, COMBINER_FEATURES["knn"], with_knn=True, model_id=model_id)[1]
    )
    unseen_questions = _profiled(table, BASE_FEATURES, with_knn=False, model_id=model_id)
    engine_base = metrics_by_dataset(table, unseen_questions)
    pooled_class = metrics_by_dataset(
        table, out_of_fold(table, COMBINER_FEATURES["base_class"], with_knn=False, model_id=model_id)[1]
    )
    with_classmates = _profiled(table, COMBINER_FEATURES["base_class"], with_knn=False, model_id=model_id)
    engine_class = metrics_by_dataset(table, with_classmates)
    engine_knn = metrics_by_dataset(
        table, _profiled(table, COMBINER_FEATURES["knn"], with_knn=True, model_id=model_id)
    )
    known_predictions = np.zeros(len(table.fractions))
    for name in np.unique(table.datasets):
        mask = table.datasets == name
        known_predictions[mask] = known_question_out_of_fold(
            table, COMBINER_FEATURES["knn"], profile=str(name)
        )[mask]
    known = metrics_by_dataset(table, known_predictions)
    lines = [
        f"## Model `{model_id}` (cosine floor {scoring.floor:.3f})",
        "",
        "Out-of-fold on ../shared/datasets/*_train.jsonl: unseen questions = 5-fold GroupKFold by question "
        "(no question graded with its own human scores or coefficients fitted on it); unseen answers = the "
        "same, plus the other answer-folds of the question as graded neighbours (`--examples`); "
        "unseen answers of known questions = the SemEval protocol: answer folds within each question, the "
        "combiner fitted on the other folds (which include other answers to the same questions). "
        "Calibration is fitted on the training folds only.",
        "",
    ]
    for name in sorted(baseline):
        lines += [f"### {name}", "", header]
        lines.append(_row("plain cosine (calibrated)", baseline[name]))
        lines.append(_row("engine, unseen questions, pooled combiner (app default)", pooled_base[name]))
        lines.append(_row("engine, unseen questions, dataset profile", engine_base[name]))
        lines.append(_row("engine, unseen questions with classmates, pooled", pooled_class[name]))
        lines.append(_row("engine, unseen questions with classmates, dataset profile", engine_class[name]))
        lines.append(_row("engine, unseen answers (graded neighbours), pooled", pooled_knn[name]))
        lines.append(_row("engine, unseen answers (graded neighbours), dataset profile", engine_knn[name]))
        lines.append(_row("engine, unseen answers of known questions, dataset profile", known[name]))
        lines.append("")
    lines += [
        "### Ablation (unseen questions, dataset profiles; Pearson / macro-F1)",
        "",
        "| features | " + " | ".join(sorted(baseline)) + " |",
        "|---|" + "---|" * len(baseline),
    ]
    for label, dropped in ABLATIONS.items():
        names = tuple(name for name in BASE_FEATURES if name not in dropped)
        metrics = metrics_by_dataset(table, _profiled(table, names, with_knn=False, model_id=model_id))
        cells = [
            f"{metrics[name]['pearson']:.3f}"
            + (f" / {metrics[name]['macro_f1']:.3f}" if metrics[name]["macro_f1"] else "")
            for name in sorted(metrics)
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    knn_only = metrics_by_dataset(
        table, _profiled(table, ("ref_cos", *KNN_FEATURES), with_knn=True, model_id=model_id)
    )
    cells = [
        f"{knn_only[name]['pearson']:.3f}"
        + (f" / {knn_only[name]['macro_f1']:.3f}" if knn_only[name]["macro_f1"] else "")
        for name in sorted(knn_only)
    ]
    lines.append("| unseen answers: cosine + neighbours only | " + " | ".join(cells) + " |")
    lines += [
        "",
        human_agreement_markdown(table, unseen_questions, "alone"),
        human_agreement_markdown(table, with_classmates, "with classmates"),
        "",
        confidence_markdown(table, scoring),
    ]
    return "\n".join(lines)


def human_agreement_markdown(table: Table, predicted: np.ndarray, setting: str) -> str:
    """Where records carry each grader's score (Mohler): how well the graders agree with each other,
    next to how well the engine (unseen questions) agrees with each of them."""
    rows = [index for index, record in enumerate(table.records) if len(record.grader_fractions) == 2]
    if len(rows) < 2:
        return ""
    graders = np.array([table.records[index].grader_fractions for index in rows])
    engine = predicted[rows]
    return (
        f"Human agreement ({len(rows)} answers with two graders): Pearson grader 1 vs grader 2 "
        f"{pearson(graders[:, 0], graders[:, 1]) or 0.0:.3f}; engine (unseen questions, dataset profile, "
        f"{setting}) "
        f"vs grader 1 {pearson(engine, graders[:, 0]) or 0.0:.3f}, vs grader 2 "
        f"{pearson(engine, graders[:, 1]) or 0.0:.3f}, vs their average "
        f"{pearson(engine, table.fractions[rows]) or 0.0:.3f}."
    )


REVIEW_THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.6)


def confidence_markdown(table: Table, scoring: ScoringModel) -> str:
    """How well confidence predicts error (out of fold: pooled combiner and confidence model, unseen
    questions), and how many answers each review threshold flags."""
    lines = [
        "Confidence (pooled, out of fold). The confidence model (trees on the features and the predicted "
        "fraction) estimates the probability that a grade is within a third of the human grade; the "
        "shipped confidence is that probability's rank among out-of-fold grades, so the share flagged "
        "at a threshold is predictable; what matters is the error gap between flagged and not flagged:",
        "",
        "| setting | threshold | flagged | mean abs error flagged | mean abs error not flagged | "
        "Spearman(confidence, abs error) |",
        "|---|---|---|---|---|---|",
    ]
    for key, label in (
        ("base", "unseen questions"),
        ("base_class", "unseen questions, classmates"),
        ("knn", "unseen answers"),
    ):
        if key not in scoring.calibrations:  # fitted without classmates
            continue
        with_knn = key == "knn"
        names = COMBINER_FEATURES[key]
        raw, _ = out_of_fold(table, names, with_knn=with_knn, model_id=scoring.model_id)
        predicted = scoring.calibrations[key].apply(raw)
        confidence = scoring.confidence_ranks[key].apply(
            confidence_out_of_fold(table, names, predicted, with_knn=with_knn)
        )
        error = np.abs(predicted - table.fractions)
        rho = spearman(confidence, error) or 0.0
        for threshold in REVIEW_THRESHOLDS:
            low = confidence < threshold
            flagged = f"{error[low].mean():.3f}" if low.any() else "–"
            lines.append(
                f"| {label} | {threshold:.2f} | {low.mean():.0%} | {flagged} | {error[~low].mean():.3f} "
                f"| {rho:.3f} |"
            )
    return "\n".join(lines)


def provisional_scoring(model_id: str, floor: float, token_floor: float) -> ScoringModel:
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
        token_floor=token_floor,
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
    parser.add_argument("--report", type=Path, default=None, help="also write the evaluation as Markdown")
    parser.add_argument(
        "--no-classmates",
        action="store_true",
        help="ship no combiners for classmates (grading.classmates), so the model grades every answer alone; "
        "all-MiniLM-L6-v2 is fitted so, as its report shows no gain from them",
    )
    args = parser.parse_args(argv)
    import platformdirs

    from grading.embedder import Embedder

    cache = Path(platformdirs.user_cache_dir("tenta"))
    embedder = Embedder.load(
        args.model,
        models_dir=args.models_dir or cache / "models",
        cache_dir=args.cache_dir or cache / "embeddings",
    )
    table, floor, token_floor = features_table(embedder, load_training_records())
    scoring = fit_scoring_model(
        table,
        model_id=embedder.model_id,
        floor=floor,
        token_floor=token_floor,
        classmates=not args.no_classmates,
    )
    out = args.out or shipped_path(embedder.model_id)
    scoring.save(out)
    print(
        f"wrote {out}; now refit the parts reset here: python -m grading.training.language_bridge, "
        "then .wrong_question, then .rubric_scale"
    )
    if args.report:
        args.report.write_text(report_markdown(table, scoring) + "\n", encoding="utf-8")
        print(f"wrote {args.report}")


def features_table(encoder: TextEncoder, records: list[GradedRecord]) -> tuple[Table, float, float]:
    """The cosine floors of the model (sentences, tokens) and the feature table of every training answer."""
    floor = measure_floor(records, encoder)
    token_floor = measure_token_floor(records, encoder)
    print(f"floor (median unrelated cosine) = {floor:.3f}, token floor = {token_floor:.3f}", file=sys.stderr)
    grader = Grader(
        encoder, provisional_scoring(encoder.model_id, floor, token_floor), token_memo_size=len(records) * 3
    )
    return extract(records, grader), floor, token_floor


if __name__ == "__main__":
    main()
