"""Fit the language bridge (grading.language_bridge) on Swedish/English translations.

Translations: the bundled course's Swedish and English reference answers (sentence by sentence, in
runs of three sentences, and whole) and its key points' Swedish paraphrases with their English
wording. Questions: the seed exam as a teacher imports it (../shared/seeds: Swedish prompts, English
references written by a chatbot, key points derived from the references), each translation graded
against the question it answers. For every similarity feature, least squares maps the Swedish text's
value (measured across languages) to its English twin's (measured within one language) by one
factor (a line through the origin, so unrelated stays unrelated); the
prompts are Swedish, so for the question features the English text is the one measured across.
No human grade is used. The result is stored in the model's shipped coefficients.

    python -m grading.training.language_bridge --model multilingual-e5-small
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grading.combine import shipped_path
from grading.grader import Grader
from grading.language_bridge import (
    QUESTION_FEATURES,
    REFERENCE_FEATURES,
    LanguageBridge,
)
from grading.text import guess_language, split_sentences
from question_bank.models import Bank, Question

SEED_EXAM = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_d7daf46238b56a97.txt"
RUN = 3
"""Sentences per run of consecutive sentences (an answer-sized piece of a reference)."""


@dataclass(frozen=True)
class Translation:
    question_number: int
    swedish: str
    english: str


def translations(bank: Bank) -> list[Translation]:
    """Swedish/English twins from a bank that has both: references whose sentences line up one to one
    (each sentence, runs of sentences, the whole reference), and Swedish paraphrases of key points."""
    found: list[Translation] = []
    for question in bank.questions:
        if question.number is None:
            continue
        swedish, english = question.reference_answer.get("sv"), question.reference_answer.get("en")
        if swedish and english:
            found.append(Translation(question.number, swedish, english))
            sv_sentences, en_sentences = split_sentences(swedish), split_sentences(english)
            if len(sv_sentences) == len(en_sentences):
                found += [
                    Translation(question.number, sv, en)
                    for sv, en in zip(sv_sentences, en_sentences, strict=True)
                ]
                for start in range(0, len(sv_sentences) - RUN + 1, RUN - 1):
                    found.append(
                        Translation(
                            question.number,
                            " ".join(sv_sentences[start : start + RUN]),
                            " ".join(en_sentences[start : start + RUN]),
                        )
                    )
        for point in question.rubric:
            if guess_language(point.text) != "en":
                continue
            found += [
                Translation(question.number, paraphrase, point.text)
                for paraphrase in point.paraphrases
                if guess_language(paraphrase) == "sv"
            ]
    return found


@dataclass
class PairedFeatures:
    """Feature values of each Swedish text and of its English twin, and the key points' evidence."""

    swedish: dict[str, list[float]]
    english: dict[str, list[float]]
    swedish_points: list[float]
    english_points: list[float]


def paired_features(
    grader: Grader, questions: dict[int, Question], pairs: Sequence[Translation]
) -> PairedFeatures:
    names = (*REFERENCE_FEATURES, *QUESTION_FEATURES, "len_ratio")
    paired = PairedFeatures({name: [] for name in names}, {name: [] for name in names}, [], [])
    for pair in pairs:
        question = questions[pair.question_number]
        swedish, english = grader.features(question, pair.swedish), grader.features(question, pair.english)
        if swedish is None or english is None:
            continue
        for name in names:
            paired.swedish[name].append(swedish.values[name])
            paired.english[name].append(english.values[name])
        for sv_match, en_match in zip(swedish.matches, english.matches, strict=True):
            paired.swedish_points += [sv_match.similarity, sv_match.evidence]
            paired.english_points += [en_match.similarity, en_match.evidence]
    return paired


def fit_factor(across: Sequence[float], within: Sequence[float]) -> float:
    """Least-squares factor from values measured across languages to within one."""
    x, y = np.asarray(across), np.asarray(within)
    return float(x @ y / (x @ x)) if x @ x > 0 else 1.0


def fit_bridge(paired: PairedFeatures, *, description: str) -> LanguageBridge:
    """Reference features: Swedish answers against English references. Question features: English
    answers against Swedish prompts."""
    return LanguageBridge(
        reference={
            name: fit_factor(paired.swedish[name], paired.english[name]) for name in REFERENCE_FEATURES
        },
        question={name: fit_factor(paired.english[name], paired.swedish[name]) for name in QUESTION_FEATURES},
        point=fit_factor(paired.swedish_points, paired.english_points),
        length={"sv>en": float(np.mean(paired.english["len_ratio"]) - np.mean(paired.swedish["len_ratio"]))},
        fitted_on=description,
    )


def score_gap(grader: Grader, questions: dict[int, Question], pairs: Sequence[Translation]) -> float:
    """Mean grade fraction of the Swedish texts minus that of their English twins."""
    gaps = []
    for pair in pairs:
        question = questions[pair.question_number]
        swedish, english = grader.grade(question, pair.swedish), grader.grade(question, pair.english)
        gaps.append((swedish.score - english.score) / question.max_points)
    return float(np.mean(gaps))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="multilingual-e5-small")
    parser.add_argument("--bank", default="dl-course", help="bank with Swedish and English references")
    parser.add_argument(
        "--exam", type=Path, default=SEED_EXAM, help="the same exam with English references only"
    )
    parser.add_argument("--out", type=Path, default=None, help="default: grading/data/<model id>.json")
    args = parser.parse_args(argv)
    import platformdirs

    from grading.embedder import Embedder
    from question_bank.formats.detect import import_file
    from question_bank.loader import BankCatalog

    cache = Path(platformdirs.user_cache_dir("tenta"))
    embedder = Embedder.load(args.model, models_dir=cache / "models", cache_dir=cache / "embeddings")
    shipped = Grader.create(embedder)
    plain = Grader(embedder, shipped.scoring.model_copy(update={"language_bridge": LanguageBridge()}))
    exam = import_file(args.exam)
    questions = {question.number: question for question in exam.questions if question.number is not None}
    pairs = [
        pair for pair in translations(BankCatalog(None).load(args.bank)) if pair.question_number in questions
    ]
    print(
        f"{len(pairs)} Swedish/English translations of answers to "
        f"{len(questions)} questions of {args.exam.name}"
    )
    bridge = fit_bridge(
        paired_features(plain, questions, pairs),
        description=f"{len(pairs)} translations from {args.bank} against {args.exam.name}",
    )
    for name, factor in {**bridge.reference, **bridge.question, "point": bridge.point}.items():
        print(f"  {name:14s} within ≈ {factor:.3f} × across")
    print(f"  len_ratio      English = Swedish {bridge.length['sv>en']:+.3f}")
    bridged = Grader(embedder, shipped.scoring.model_copy(update={"language_bridge": bridge}))
    print(
        f"Swedish minus English grade fraction (in sample): {score_gap(plain, questions, pairs):+.3f} "
        f"without the bridge, {score_gap(bridged, questions, pairs):+.3f} with it"
    )
    out = args.out or shipped_path(embedder.model_id)
    bridged.scoring.save(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
