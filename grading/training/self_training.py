"""Experiment: transductive self-training with pseudo-graded neighbours on unseen questions.

    python -m grading.training.self_training extract --out /tmp/selftrain   # once, ~20 min on 2 cores
    python -m grading.training.self_training measure --cache /tmp/selftrain --k 5 --soft --nested

The engine grades much better with graded neighbours (unseen answers) than without (unseen
questions). On a fresh question the class's answers are there but ungraded, so: grade the class first
(with classmates, as batch grading does), take the answers the engine is surest about, treat their
predicted grades as graded examples, and regrade every answer with those pseudo-graded neighbours
through the graded-neighbour features (grading.features.knn_features and knn_token_features).

Everything is out of fold by question exactly as grading/training/fit.py measures unseen questions: the
first-round grades come from combiners fitted on the other question folds, the pseudo labels come only
from those grades, and the second-round combiner (the graded-neighbour combiner fitted on human
neighbours, or one fitted on pseudo neighbours) never saw the graded question's human scores. A
combiner fitted on pseudo neighbours learns from training questions whose pseudo labels are themselves
computed by inner folds that leave the outer test fold out (`--nested`), so no question's human scores
reach anything that grades it (without it, training questions' labels come from the plain out-of-fold
first round, which saw the test fold: an optimistic bound).

Result: it does not help SciEntsBank; not shipped. Measured on the full training splits, e5, dataset
profiles; the first round reproduces README's "with classmates" figures (SciEntsBank macro-F1 / accuracy
0.708 / 0.721, Mohler Pearson 0.666 against README's 0.663, Beetle 0.784 against 0.782).
SciEntsBank macro-F1 / accuracy:

- A, the graded-neighbour combiner (fitted on human neighbours) reading pseudo neighbours, strictly out
  of fold: the 5 highest and 5 lowest first-round grades of each question, labelled 0/1: 0.675 / 0.676
  (0.700 averaged with the first round); labelled with the grade (votes weighted by confidence): 0.696
  (0.708); the whole class: 0.688 (0.701); the answer among its own neighbours: 0.678; every answer
  graded at most 0.1 or at least 0.9 (90 % of them right, 29 % of the answers): 0.643, at 0.2: 0.674.
  The combiner learnt that graded neighbours are right, and follows the pseudo labels' errors.
- B, a combiner fitted on pseudo neighbours (features with classmates + neighbour features), k = 5,
  soft labels, nested: 0.706 / 0.718, averaged with the first round 0.713 / 0.727 (+0.005, inside fold
  noise); a second self-training round 0.707 (0.710); not nested, hard labels 0.706 (0.711), the whole
  class 0.695 (0.705), graded at most 0.1 / at least 0.9 0.702 (0.709).
- Beetle (k = 5, soft, not nested): A 0.745 (0.770), B 0.786 (0.786) against 0.784.
- Mohler Pearson (k = 5, soft): A 0.623 (0.663); B nested 0.663, averaged with the first round 0.676,
  against 0.666 (not nested 0.682 and 0.687: the shortcut flatters by 0.01-0.02).

Why: the 5 highest and lowest first-round grades of a SciEntsBank question are right only 83 % of the
time (87 % for 3, 78 % for 10). The same 10 answers per question with their *human* labels
(`--oracle`) lift A to 0.765 / 0.772: ten teacher-graded answers per question would reach the 0.76
goal, the engine's own grades cannot stand in for them.

`extract` runs the real Grader once over the three datasets and stores, per answer, its features with
classmates and the inputs of the graded-neighbour features (whole-answer vector, content words, token
states) as .npz arrays and JSON (no pickle); `measure` then tries the variants in seconds to minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grading.calibration import isotonic_fit
from grading.classmates import CLASS_FEATURES
from grading.combine import Combiner
from grading.datasets import GradedRecord, questions_for
from grading.features import knn_features, knn_token_features
from grading.grader import MIN_EXAMPLES, Grader, GradeRequest, question_acronyms
from grading.retrieval import GradedAnswerIndex
from grading.text import content_words
from grading.tokens import TokenStates
from grading.training.fit import (
    COMBINER_FEATURES,
    EXTRACT_BATCH,
    FOLDS,
    SEED,
    Table,
    answer_groups,
    fit_pooled_profile,
    fit_trees,
    load_training_records,
    measure_floor,
    measure_token_floor,
    metrics_by_dataset,
    predict,
    provisional_scoring,
    question_folds,
    with_dataset_indicators,
)


@dataclass
class AnswerStates:
    """What the graded-neighbour features need of every training answer, in record order; `present` is
    False for answers with nothing to grade (blank, "I don't know"), which never serve as neighbours."""

    present: np.ndarray
    vectors: np.ndarray
    words: list[frozenset[str]]
    tokens: list[TokenStates]
    base: list[dict[str, float]]
    """Features with classmates (fit.extract's base rows)."""
    floor: float
    token_floor: float


def extract_states(
    records: Sequence[GradedRecord], grader: Grader, *, floor: float, token_floor: float
) -> AnswerStates:
    """Features with classmates for every answer (as fit.extract) and its neighbour inputs, taken from
    the grader's own memo so they are exactly what `_examples_index` would build."""
    questions = questions_for(records)
    by_group = answer_groups(records)
    classmates = {
        group: tuple(records[i].student_answer for i in indexes) for group, indexes in by_group.items()
    }
    dimension = grader.embedder.dimension
    present = np.zeros(len(records), dtype=bool)
    vectors = np.zeros((len(records), dimension), dtype=np.float32)
    words: list[frozenset[str]] = [frozenset()] * len(records)
    tokens: list[TokenStates] = [TokenStates.empty(dimension)] * len(records)
    base: list[dict[str, float]] = []
    for start in range(0, len(records), EXTRACT_BATCH):
        print(f"  features {start}/{len(records)}", file=sys.stderr, flush=True)
        stop = start + EXTRACT_BATCH
        requests = [
            GradeRequest(
                question=question,
                answer=record.student_answer,
                classmates=classmates[f"{record.dataset}/{record.group}"],
            )
            for record, question in zip(records[start:stop], questions[start:stop], strict=True)
        ]
        base.extend(result.values if result else {} for result in grader.features_many(requests))
        for offset, request in enumerate(requests):
            prepared = grader._prepare(request.answer, question_acronyms(request.question))
            if prepared is None:
                continue
            ((unit_vectors, answer_tokens),) = grader._encoded([prepared])
            index = start + offset
            present[index] = True
            vectors[index] = unit_vectors[-1]
            words[index] = frozenset(content_words(prepared.text, prepared.language))
            if answer_tokens is not None:
                tokens[index] = answer_tokens
    return AnswerStates(present, vectors, words, tokens, base, floor, token_floor)


def save_states(states: AnswerStates, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    lengths = np.array([len(state) for state in states.tokens])
    np.savez(
        directory / "states.npz",
        present=states.present,
        vectors=states.vectors,
        token_lengths=lengths,
        token_ids=np.concatenate([state.ids for state in states.tokens]),
        token_vectors=np.concatenate([state.vectors for state in states.tokens]),
        token_weights=np.concatenate([state.weights for state in states.tokens]),
    )
    meta = {
        "floor": states.floor,
        "token_floor": states.token_floor,
        "base": states.base,
        "words": [sorted(words) for words in states.words],
    }
    (directory / "states.json").write_text(json.dumps(meta), encoding="utf-8")


def load_states(directory: Path) -> AnswerStates:
    arrays = np.load(directory / "states.npz", allow_pickle=False)
    meta = json.loads((directory / "states.json").read_text(encoding="utf-8"))
    ends = np.cumsum(arrays["token_lengths"])
    starts = ends - arrays["token_lengths"]
    ids, token_vectors, weights = arrays["token_ids"], arrays["token_vectors"], arrays["token_weights"]
    tokens = [
        TokenStates(ids[a:b], token_vectors[a:b], weights[a:b]) for a, b in zip(starts, ends, strict=True)
    ]
    return AnswerStates(
        present=arrays["present"],
        vectors=arrays["vectors"],
        words=[frozenset(words) for words in meta["words"]],
        tokens=tokens,
        base=meta["base"],
        floor=float(meta["floor"]),
        token_floor=float(meta["token_floor"]),
    )


def neighbour_index(
    states: AnswerStates, examples: Sequence[int] | np.ndarray, fractions: Sequence[float] | np.ndarray
) -> GradedAnswerIndex:
    """The GradedAnswerIndex the grader would build from these answers (rows) graded `fractions`."""
    rows = [int(example) for example in examples]
    return GradedAnswerIndex(
        states.vectors[rows],
        [float(fraction) for fraction in fractions],
        [states.words[example] for example in rows],
        [states.tokens[example] for example in rows],
    )


def neighbour_values(states: AnswerStates, row: int, index: GradedAnswerIndex) -> dict[str, float]:
    """The graded-neighbour features of answer `row`: what grading.features.compute_features adds
    when the grader has `index` of graded answers."""
    values = knn_features(index, states.vectors[row], states.floor)
    values["knn_lex"] = index.lexical_vote(set(states.words[row]))
    values.update(knn_token_features(index, states.tokens[row], states.token_floor))
    return values


def human_neighbour_table(
    records: Sequence[GradedRecord], states: AnswerStates, *, knn: list[dict[str, float]] | None = None
) -> Table:
    """fit.Table from the stored states: the kNN rows use the other answer folds of the question as
    graded neighbours, with the same folds (same seed and order) as fit.extract."""
    by_group = answer_groups(records)
    fractions = np.array([record.fraction for record in records])
    alone = [{k: v for k, v in row.items() if k not in CLASS_FEATURES} for row in states.base]
    stored = knn is not None
    knn = knn if knn is not None else [dict(row) for row in alone]
    rng = np.random.default_rng(SEED)
    answer_folds = np.zeros(len(records), dtype=int)
    for indexes in by_group.values():
        order = rng.permutation(indexes)
        for fold_number in range(FOLDS):
            fold = order[fold_number::FOLDS]
            answer_folds[fold] = fold_number
            held = set(fold.tolist())
            examples = [i for i in indexes if i not in held and states.present[i]]
            if stored or len(examples) < MIN_EXAMPLES:
                continue
            graded = neighbour_index(states, examples, fractions[examples])
            for i in fold:
                if states.present[i]:
                    knn[i] = {**alone[i], **neighbour_values(states, i, graded)}
    return Table(
        records=list(records),
        datasets=np.array([record.dataset for record in records]),
        groups=np.array([f"{record.dataset}/{record.group}" for record in records]),
        fractions=fractions,
        base=states.base,
        knn=knn,
        answer_folds=answer_folds,
    )


def extract_main(out: Path, model: str) -> None:
    import platformdirs

    from grading.embedder import Embedder

    cache = Path(platformdirs.user_cache_dir("tenta"))
    embedder = Embedder.load(model, models_dir=cache / "models", cache_dir=cache / "embeddings")
    records = load_training_records()
    floor = measure_floor(records, embedder)
    token_floor = measure_token_floor(records, embedder)
    print(f"floor {floor:.4f}, token floor {token_floor:.4f}", file=sys.stderr)
    grader = Grader(
        embedder, provisional_scoring(embedder.model_id, floor, token_floor), token_memo_size=len(records) * 3
    )
    save_states(extract_states(records, grader, floor=floor, token_floor=token_floor), out)
    print(f"wrote {out}", file=sys.stderr)


# ---------------------------------------------------------------------- measuring


def fit_predict(
    table: Table,
    x: np.ndarray,
    names: Sequence[str],
    train: np.ndarray,
    test: np.ndarray,
    *,
    profile: str,
    pooled: bool,
) -> np.ndarray:
    """Calibrated predictions for `test` rows from a dataset profile's trees fitted on `train` rows only:
    pooled over every dataset with indicators (as the no-neighbour profiles are) or on the profile's own
    rows (as the graded-neighbour profiles are); isotonic calibration on the profile's training rows."""
    y = table.fractions
    if pooled:
        x_pooled, pooled_names = with_dataset_indicators(table, x, names)
        model: Combiner = fit_pooled_profile(
            x_pooled[train], y[train], table.datasets[train], pooled_names, profile=profile
        )
        x = x_pooled
    else:
        train = train[table.datasets[train] == profile]
        model = fit_trees(x[train], y[train], np.ones(len(train)), names)
    own = train[table.datasets[train] == profile]
    calibration = isotonic_fit(predict(model, x[own]), y[own], model_id="out-of-fold")
    return np.asarray(calibration.apply(predict(model, x[test])))


def first_round(
    table: Table, folds: Sequence[np.ndarray], profile: str, *, outer: int | None = None
) -> np.ndarray:
    """Grades with classmates (base_class features, the dataset profile) of every row of `profile`,
    each from trees fitted on the other question folds. With `outer`, that fold is held out from every
    fit too and its own rows are left at 0 (nested: pseudo labels of training questions that never saw
    the outer test questions' human scores)."""
    names = COMBINER_FEATURES["base_class"]
    x = table.matrix(names, with_knn=False)
    result = np.zeros(len(x))
    everything = np.arange(len(x))
    for number, fold in enumerate(folds):
        if number == outer:
            continue
        held = fold if outer is None else np.union1d(fold, folds[outer])
        test = fold[table.datasets[fold] == profile]
        result[test] = fit_predict(
            table, x, names, np.setdiff1d(everything, held), test, profile=profile, pooled=True
        )
    return result


@dataclass(frozen=True)
class Pseudo:
    """How pseudo-graded neighbours are chosen: the `k` highest and `k` lowest first-round grades of
    the question (None: every answer), labelled with the grade itself (`soft`) or rounded to 0/1."""

    k: int | None = 5
    sure: float | None = None
    """Instead of `k`: every answer whose first-round grade is at most `sure` or at least 1 - `sure`
    (on SciEntsBank 0.1 picks 29 % of the answers, 90 % of them graded right, against 83 % for the
    five highest and five lowest of each question)."""
    soft: bool = False
    leave_out: bool = True
    """The answer being graded is never among its own pseudo neighbours."""
    oracle: bool = False
    """Label the chosen answers with their human grades (0/1 at half marks) instead: the ceiling."""

    def label(self) -> str:
        k = f"sure {self.sure}" if self.sure is not None else "all" if self.k is None else f"k={self.k}"
        labels = "human" if self.oracle else "soft" if self.soft else "hard"
        return f"{k}, {labels}{'' if self.leave_out else ', self kept'}"


def pseudo_neighbours(
    table: Table, states: AnswerStates, predicted: np.ndarray, rows: np.ndarray, pseudo: Pseudo
) -> list[dict[str, float]]:
    """Each row's features (with classmates) and its graded-neighbour features from pseudo-graded
    answers to its own question; a row left with fewer than MIN_EXAMPLES neighbours gets none."""
    result = [dict(states.base[row]) for row in rows]
    by_group: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        if states.present[row]:
            by_group.setdefault(str(table.groups[row]), []).append(index)
    for indexes in by_group.values():
        members = rows[indexes]
        order = np.argsort(predicted[members], kind="stable")
        if pseudo.sure is not None:
            grades = predicted[members[order]]
            order = order[(grades <= pseudo.sure) | (grades >= 1.0 - pseudo.sure)]
        elif pseudo.k is not None and 2 * pseudo.k < len(order):
            order = np.concatenate([order[: pseudo.k], order[-pseudo.k :]])
        chosen = members[order]
        labels = predicted[chosen] if pseudo.soft else (predicted[chosen] >= 0.5).astype(float)
        if pseudo.oracle:
            labels = (table.fractions[chosen] >= 0.5).astype(float)
        shared = neighbour_index(states, chosen, labels) if len(chosen) >= MIN_EXAMPLES else None
        for index, row in zip(indexes, members, strict=True):
            neighbours = shared
            if pseudo.leave_out and row in chosen:
                keep = chosen != row
                enough = keep.sum() >= MIN_EXAMPLES
                neighbours = neighbour_index(states, chosen[keep], labels[keep]) if enough else None
            if neighbours is not None:
                result[index].update(neighbour_values(states, int(row), neighbours))
    return result


def load_human_table(records: Sequence[GradedRecord], states: AnswerStates, directory: Path) -> Table:
    """human_neighbour_table, its kNN rows stored beside the states after the first run."""
    path = directory / "knn.json"
    if path.exists():
        table = human_neighbour_table(records, states, knn=json.loads(path.read_text(encoding="utf-8")))
    else:
        table = human_neighbour_table(records, states)
        path.write_text(json.dumps(table.knn), encoding="utf-8")
    return table


def rows_matrix(rows: Sequence[dict[str, float]], names: Sequence[str]) -> np.ndarray:
    return np.array([[row.get(name, 0.0) for name in names] for row in rows])


def second_round_human(
    table: Table,
    folds: Sequence[np.ndarray],
    profile: str,
    pseudo_rows: dict[int, dict[str, float]],
    fallback: np.ndarray,
) -> np.ndarray:
    """Variant A: the graded-neighbour profile combiner (trees on the dataset's own rows, fitted on the
    other question folds with their human neighbours, as fit.py fits it) reads the pseudo neighbours.
    Rows without pseudo neighbours keep `fallback`."""
    names = COMBINER_FEATURES["knn"]
    x = table.matrix(names, with_knn=True)
    result = fallback.copy()
    everything = np.arange(len(x))
    for fold in folds:
        test = np.array(
            [row for row in fold if row in pseudo_rows and "knn_mean" in pseudo_rows[row]], dtype=int
        )
        if not len(test):
            continue
        x_mixed = x.copy()
        x_mixed[test] = rows_matrix([pseudo_rows[int(row)] for row in test], names)
        result[test] = fit_predict(
            table, x_mixed, names, np.setdiff1d(everything, fold), test, profile=profile, pooled=False
        )
    return result


PSEUDO_FEATURES = COMBINER_FEATURES["base_class"] + COMBINER_FEATURES["knn"][len(COMBINER_FEATURES["base"]) :]


def second_round_pseudo(
    table: Table,
    states: AnswerStates,
    folds: Sequence[np.ndarray],
    profile: str,
    *,
    predicted: np.ndarray,
    pseudo: Pseudo,
    nested: bool,
) -> np.ndarray:
    """Variant B: a combiner fitted on pseudo neighbours (features with classmates plus the
    graded-neighbour features from pseudo labels, trees on the dataset's own rows). Training questions'
    pseudo labels come from the plain out-of-fold first round, or `nested`: from first rounds that
    also held out the test fold."""
    rows = np.flatnonzero(table.datasets == profile)
    names = PSEUDO_FEATURES
    result = np.zeros(len(table.fractions))
    everything = np.arange(len(table.fractions))
    shared = None if nested else rows_matrix(pseudo_neighbours(table, states, predicted, rows, pseudo), names)
    for number, fold in enumerate(folds):
        test = fold[table.datasets[fold] == profile]
        if shared is None:
            labels = first_round(table, folds, profile, outer=number)
            labels[test] = predicted[test]
            block = rows_matrix(pseudo_neighbours(table, states, labels, rows, pseudo), names)
        else:
            block = shared
        x = np.zeros((len(table.fractions), len(names)))
        x[rows] = block
        result[test] = fit_predict(
            table, x, names, np.setdiff1d(everything, fold), test, profile=profile, pooled=False
        )
    return result


def report(label: str, table: Table, predicted: np.ndarray, profile: str) -> None:
    metrics = metrics_by_dataset(table, predicted)[profile]
    cells = ", ".join(
        f"{name} {metrics[name]:.3f}"
        for name in ("pearson", "rmse", "accuracy", "macro_f1")
        if metrics[name] is not None
    )
    print(f"{profile:12s} {label:60s} {cells}", flush=True)


def measure_main(
    directory: Path,
    profiles: Sequence[str],
    variants: Sequence[Pseudo],
    *,
    nested: bool,
    human: bool = True,
    rounds: int = 1,
) -> None:
    """Print the first round and, per variant, the second round through the human-neighbour combiner
    (A, unless `human` is False) and a pseudo-neighbour combiner (B), each alone and averaged with the
    first round. Further `rounds` take B's grades as the next pseudo labels (training questions' labels
    then come from the plain out-of-fold B, never nested)."""
    records = load_training_records()
    states = load_states(directory)
    table = load_human_table(records, states, directory)
    folds = question_folds(table)
    for profile in profiles:
        rows = np.flatnonzero(table.datasets == profile)
        first = first_round(table, folds, profile)
        report("first round (with classmates)", table, first, profile)
        for pseudo in variants:
            if human:
                pseudo_rows = dict(
                    zip(rows.tolist(), pseudo_neighbours(table, states, first, rows, pseudo), strict=True)
                )
                graded = second_round_human(table, folds, profile, pseudo_rows, first)
                report(f"A human-neighbour combiner, {pseudo.label()}", table, graded, profile)
                report(f"A blended with first round, {pseudo.label()}", table, (graded + first) / 2, profile)
            fitted = first
            for round_number in range(rounds):
                fitted = second_round_pseudo(
                    table,
                    states,
                    folds,
                    profile,
                    predicted=fitted,
                    pseudo=pseudo,
                    nested=nested and round_number == 0,
                )
                label = f"round {round_number + 2}{' nested' if nested and round_number == 0 else ''}"
                report(f"B pseudo-neighbour combiner, {label}, {pseudo.label()}", table, fitted, profile)
                report(
                    f"B blended with first round, {label}, {pseudo.label()}",
                    table,
                    (fitted + first) / 2,
                    profile,
                )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract")
    extract.add_argument("--out", type=Path, required=True)
    extract.add_argument("--model", default="multilingual-e5-small")
    measure = commands.add_parser("measure")
    measure.add_argument("--cache", type=Path, required=True)
    measure.add_argument("--dataset", action="append", default=None)
    measure.add_argument("--k", type=int, action="append", default=None, help="0: every answer")
    measure.add_argument("--sure", type=float, action="append", default=None)
    measure.add_argument("--soft", action="store_true")
    measure.add_argument("--keep-self", action="store_true")
    measure.add_argument("--oracle", action="store_true", help="the chosen answers' human labels")
    measure.add_argument("--nested", action="store_true")
    measure.add_argument("--no-human", action="store_true", help="skip variant A")
    measure.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract_main(args.out, args.model)
    else:
        keep = not args.keep_self
        settings = {"soft": args.soft, "leave_out": keep, "oracle": args.oracle}
        variants = [Pseudo(k=k or None, **settings) for k in args.k or []]
        variants += [Pseudo(sure=sure, **settings) for sure in args.sure or []]
        measure_main(
            args.cache,
            args.dataset or ["scientsbank"],
            variants,
            nested=args.nested,
            human=not args.no_human,
            rounds=args.rounds,
        )


if __name__ == "__main__":
    main()
