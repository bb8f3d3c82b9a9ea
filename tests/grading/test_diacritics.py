"""Swedish typed without å, ä and ö is graded as the same answer with its letters (grading.diacritics)."""

from __future__ import annotations

import pytest

from grading.diacritics import restore_accents, swedish_accents
from grading.embedder import Embedder
from grading.grader import Grader, question_accents
from grading.text import guess_language
from question_bank.loader import BankCatalog

EARLY_STOPPING = (
    "Man foljer valideringsfelet under traningen och avbryter nar det borjar oka, for da har modellen "
    "borjat overanpassa.",
    "Man följer valideringsfelet under träningen och avbryter när det börjar öka, för då har modellen "
    "börjat överanpassa.",
)
AI_ML_DL = (
    "AI ar det storsta omradet, dar man forsoker fa datorer att gora saker som kraver intelligens. "
    "Maskininlarning ar en del av AI dar modellen lar sig fran data istallet for att man skriver reglerna "
    "sjalv. Deep learning ar en del av maskininlarning och anvander neurala natverk med manga lager.",
    "AI är det största området, där man försöker få datorer att göra saker som kräver intelligens. "
    "Maskininlärning är en del av AI där modellen lär sig från data istället för att man skriver reglerna "
    "själv. Deep learning är en del av maskininlärning och använder neurala nätverk med många lager.",
)


def restored(answer: str, accents: dict[str, str]) -> str:
    return restore_accents(answer, accents, guess_language(answer))


def test_the_question_s_own_swedish_words_and_function_words_get_their_letters_back() -> None:
    accents = swedish_accents(
        ["Träningen avbryts när valideringsfelet börjar öka, innan modellen överanpassar."]
    )
    assert restored("Traningen avbryts nar felet borjar oka, da overanpassar den inte.", accents) == (
        "Träningen avbryts när felet börjar öka, då överanpassar den inte."
    )
    assert accents["ar"] == "är" and "val" not in accents  # not "väl": "val" is validation too
    assert "man" not in accents and "har" not in accents  # Swedish as typed ('här' folds to 'har')


def test_english_answers_and_answers_with_the_letters_are_left_alone() -> None:
    accents = swedish_accents(["Träningen avbryts när valideringsfelet börjar öka."])
    english = "You stop the training for a while when the validation error starts to go up."
    assert restored(english, accents) == english
    mixed = "Traningen avbryts när felet borjar oka."
    assert restored(mixed, accents) == mixed
    unclear = "Pooling over windows"  # no function word of either language: one 'över' is no evidence
    assert guess_language(unclear) is None and restored(unclear, accents) == unclear
    assert restored("Traningen over", accents) == "Träningen över"


@pytest.mark.e5
@pytest.mark.parametrize(("number", "answers"), [(8, EARLY_STOPPING), (1, AI_ML_DL)])
def test_swedish_without_its_letters_is_graded_as_with_them(
    e5_embedder: Embedder, number: int, answers: tuple[str, str]
) -> None:
    """Before, the early-stopping answer got 0.23 of 2 typed without the letters and 1.62 with them."""
    bank = BankCatalog(None).load("dl-course")
    question = next(question for question in bank.questions if question.number == number)
    assert question_accents(question)
    grader = Grader.create(e5_embedder)
    typed, written = (grader.grade(question, answer, bank=bank) for answer in answers)
    assert typed.language == "sv"
    assert typed.score == pytest.approx(written.score, abs=0.1)
