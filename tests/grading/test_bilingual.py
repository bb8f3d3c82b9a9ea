"""Swedish and English answers to the same question get close grades (multilingual e5)."""

from __future__ import annotations

import pytest

from grading.embedder import Embedder
from grading.grader import Grader
from question_bank.models import Bank

PAIRS = [
    (
        "Dropout switches off random neurons during training, which reduces overfitting.",
        "Dropout stänger av slumpmässiga neuroner under träningen, vilket minskar överanpassning.",
    ),
    (
        "Dropout turns off some neurons at random while the network trains.",
        "Dropout stänger av några neuroner slumpmässigt medan nätverket tränas.",
    ),
    (
        "Dropout is when you remove bad data points from the dataset.",
        "Dropout är när man tar bort dåliga datapunkter från datasetet.",
    ),
]


@pytest.mark.e5
def test_swedish_and_english_answers_get_close_scores(e5_embedder: Embedder, small_bank: Bank) -> None:
    grader = Grader.create(e5_embedder)
    question = small_bank.question("dropout")
    fractions = []
    for english, swedish in PAIRS:
        en = grader.grade(question, english, bank=small_bank)
        sv = grader.grade(question, swedish, bank=small_bank)
        assert en.language == "en" and sv.language == "sv"
        assert abs(en.fraction - sv.fraction) <= 0.25, (english, en.score, sv.score)
        fractions.append((en.fraction, sv.fraction))
    assert sum(abs(en - sv) for en, sv in fractions) / len(fractions) <= 0.15
    (good_en, good_sv), _, (wrong_en, wrong_sv) = fractions
    assert good_en > wrong_en + 0.2
    assert good_sv > wrong_sv + 0.2


@pytest.mark.e5
def test_swedish_answer_to_wrong_question_is_flagged(e5_embedder: Embedder, small_bank: Bank) -> None:
    grader = Grader.create(e5_embedder)
    grade = grader.grade(
        small_bank.question("dropout"),
        "Inlärningstakten bestämmer hur stora steg gradient descent tar när vikterna uppdateras.",
        bank=small_bank,
    )
    assert grade.needs_review
    assert "wrong_question" in grade.flags
