"""Language detection: exam files in many languages get honest labels, Swedish/English answers keep theirs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from question_bank.formats.detect import import_file
from question_bank.language import (
    UNDETERMINED,
    detect_bank_languages,
    detect_language,
    identify_language,
    swedish_or_english,
    swedish_or_english_is_clear,
)
from question_bank.models import Question, RubricPoint

if TYPE_CHECKING:
    from grading.embedder import Embedder

ANSWERS = Path(__file__).resolve().parents[1] / "data" / "dl_course_answers.jsonl"

SENTENCES = {
    "fr": [
        "Le dropout désactive aléatoirement des neurones pendant l'entraînement afin de réduire le "
        "surapprentissage.",
        "Qu'est-ce que la rétropropagation ?",
        "Expliquez la différence entre un réseau convolutif et un réseau dense.",
    ],
    "de": [
        "Dropout schaltet zufällig Neuronen während des Trainings ab, um Überanpassung zu vermeiden.",
        "Was ist der Unterschied zwischen Training und Validierung?",
    ],
    "es": [
        "El dropout desactiva neuronas al azar durante el entrenamiento para evitar el sobreajuste.",
        "¿Qué es una red neuronal convolucional?",
    ],
    "it": [
        "Il dropout disattiva casualmente alcuni neuroni durante l'addestramento per ridurre l'overfitting.",
        "Che cos'è la discesa del gradiente?",
    ],
    "pt": [
        "O dropout desativa neurônios aleatoriamente durante o treinamento para evitar o sobreajuste.",
        "O que é uma função de ativação?",
    ],
    "nl": [
        "Dropout schakelt tijdens het trainen willekeurig neuronen uit om overfitting te voorkomen.",
        "Wat is het verschil tussen een validatieset en een testset?",
    ],
    "da": [
        "Dropout slår tilfældigt neuroner fra under træningen for at undgå overtilpasning.",
        "Hvad er forskellen mellem træning og validering?",
    ],
    "no": [
        "Dropout slår tilfeldig av nevroner under treningen for å unngå overtilpasning.",
        "Hva er forskjellen mellom trening og validering?",
    ],
    "fi": [
        "Dropout poistaa satunnaisesti neuroneja käytöstä koulutuksen aikana ylisovittamisen välttämiseksi.",
        "Mikä on aktivointifunktio?",
    ],
    "cs": [
        "Dropout náhodně vypíná neurony během trénování, aby se zabránilo přeučení.",
        "Co je to konvoluční neuronová síť?",
    ],
    "vi": [
        "Dropout tắt ngẫu nhiên các nơ-ron trong quá trình huấn luyện để tránh quá khớp.",
        "Mạng nơ-ron tích chập là gì?",
    ],
    "sv": [
        "Vad är dropout?",
        "Förklara skillnaden mellan träning och validering.",
        "Dropout stänger av neuroner slumpmässigt",
        "Backpropagation används för att räkna ut gradienten av loss function med chain rule",
    ],
    "en": [
        "What is dropout?",
        "I would say CNN.",
        "I think jam is mixture.",
        "Because 20 grams plus 10 grams equals 30 grams.",
        "i dont know",
    ],
}


@pytest.mark.parametrize(
    ("language", "text"), [(language, text) for language, texts in SENTENCES.items() for text in texts]
)
def test_sentences_get_their_language(language: str, text: str) -> None:
    assert identify_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12345",
        "Keras",
        "CNN",
        "L2",
        "AI ⊃ ML ⊃ DL",
        'model.save("model_file.keras")\nmy_model = load_model("model_file.keras")',
        "n_cols = x_train.shape[1]\nmodel.fit(x, y, epochs=10)",
    ],
)
def test_text_without_language_is_undetermined(text: str) -> None:
    assert identify_language(text) is None
    assert detect_language([text]) == UNDETERMINED
    assert detect_language([text], default="sv") == "sv"


def _dl_answers() -> list[dict[str, str]]:
    return [json.loads(line) for line in ANSWERS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_swedish_and_english_course_answer_keeps_its_language() -> None:
    """Danish/Norwegian and the other languages must not take typical Swedish or English answers."""
    from grading.text import guess_language

    records = _dl_answers()
    assert {record["language"] for record in records} == {"sv", "en"}
    undetermined = []
    for record in records:
        answer, language = record["student_answer"], record["language"]
        found = identify_language(answer)
        assert found in (language, None), (language, found, answer[:80])
        assert guess_language(answer) in (language, None), answer[:80]
        if found is None:
            undetermined.append(answer)
            # Only answers without a single Swedish or English function word may go unlabelled.
            assert swedish_or_english(answer.lower().split()) in (language, None)
    assert len(undetermined) <= 12  # 'Keras', 'L2', '', code lines ... out of 157
    assert all(len(answer.split()) <= 12 or "(" in answer for answer in undetermined)


def test_swedish_answers_with_scandinavian_cousins_in_mind() -> None:
    assert identify_language("Det är en metod som stänger av noder så att nätet inte överanpassar.") == "sv"
    assert identify_language("Man delar upp datan i tränings-, validerings- och testdata.") == "sv"
    assert identify_language("Det er en metode som slår noder fra, så nettet ikke overtilpasser.") in (
        "da",
        "no",
    )
    assert identify_language("Hvad er dropout?") == "da"


def test_bank_languages_fall_back_to_the_other_side() -> None:
    # Flash cards: the fronts are bare terms, the backs tell the language.
    assert detect_bank_languages(
        ["Epoch", "Batch"], ["One pass over the training data", "A group of examples processed together"]
    ) == ("en", "en")
    assert detect_bank_languages(["Vad är en epok?"], ["An epoch is one pass over the data."]) == ("sv", "en")
    assert detect_bank_languages(["2 + 2", "3 * 3"], ["4", "9"]) == (UNDETERMINED, UNDETERMINED)


def test_french_gift_export_is_french_not_swedish(tmp_path: Path) -> None:
    path = tmp_path / "quiz-apprentissage-profond.gift"
    path.write_text(
        "$CATEGORY: $course$/top/Défaut pour Apprentissage profond/Régularisation\n\n"
        "::Q1 dropout::[html]<p>Que fait le dropout pendant l'entraînement ?</p>{\n"
        "\t=Il désactive des neurones au hasard#Exact.\n"
        "\t~Il supprime des couches définitivement#Non.\n"
        "}\n\n"
        "::Q2 arrêt précoce::L'arrêt précoce arrête l'entraînement quand la perte de validation "
        "augmente.{TRUE}\n\n"
        "::Q3 essai::Expliquez pourquoi on utilise un ensemble de validation.{\n"
        "####Un ensemble de validation sert à choisir les hyperparamètres et à détecter le "
        "surapprentissage sans toucher aux données de test.}\n",
        encoding="utf-8",
    )
    bank = import_file(path)
    assert bank.languages == ("fr",)
    assert bank.question("q1-dropout").prompt == {"fr": "Que fait le dropout pendant l'entraînement ?"}
    assert bank.question("q3-essai").reference_in("fr").startswith("Un ensemble de validation")


@pytest.mark.parametrize(
    ("language", "rows"),
    [
        (
            "it",
            [
                (
                    "Che cos'è il dropout?",
                    "Il dropout disattiva casualmente alcuni neuroni durante l'addestramento.",
                ),
                (
                    "A cosa serve il tasso di apprendimento?",
                    "Il tasso di apprendimento controlla la "
                    "dimensione dei passi della discesa del gradiente.",
                ),
            ],
        ),
        (
            "cs",
            [
                (
                    "Co je dropout?",
                    "Dropout náhodně vypíná neurony během trénování, aby se zabránilo přeučení.",
                ),
                (
                    "K čemu slouží validační množina?",
                    "Validační množina slouží k ladění hyperparametrů a ke včasnému zastavení trénování.",
                ),
            ],
        ),
        (
            "vi",
            [
                (
                    "Dropout là gì?",
                    "Dropout tắt ngẫu nhiên các nơ-ron trong quá trình huấn luyện để tránh quá khớp.",
                ),
                ("Tốc độ học là gì?", "Tốc độ học quyết định độ lớn của mỗi bước cập nhật trọng số."),
            ],
        ),
    ],
)
def test_csv_banks_in_other_languages(tmp_path: Path, language: str, rows: list[tuple[str, str]]) -> None:
    path = tmp_path / f"bank-{language}.csv"
    lines = ["prompt,reference_answer", *(f'"{prompt}","{answer}"' for prompt, answer in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bank = import_file(path)
    assert bank.languages == (language,)
    assert all(language in question.prompt for question in bank.questions)


def test_grader_guess_names_other_languages_and_keeps_swedish_english() -> None:
    from grading.text import guess_language

    assert guess_language("Le dropout désactive des neurones au hasard pendant l'entraînement.") == "fr"
    assert guess_language("Dropout stänger av neuroner slumpmässigt så att nätet inte överanpassar") == "sv"
    assert guess_language("Dropout switches off random neurons so that the network does not overfit") == "en"
    assert guess_language("Keras") is None


def test_clear_swedish_or_english_needs_no_model_and_never_disagrees_with_it() -> None:
    """The grader skips the n-gram model when function words settle Swedish/English; every text where it
    does must be one the model-backed identification also calls Swedish or English."""
    texts = [record["student_answer"] for record in _dl_answers()]
    texts += [text for sentences in SENTENCES.values() for text in sentences]
    clear = [text for text in texts if swedish_or_english_is_clear(text)]
    assert len(clear) >= len(_dl_answers()) // 2
    assert all(identify_language(text) in ("sv", "en") for text in clear)
    for language, sentences in SENTENCES.items():
        if language not in ("sv", "en"):
            assert not any(swedish_or_english_is_clear(text) for text in sentences), language


def test_grader_guess_loads_no_language_model_for_clear_swedish_or_english() -> None:
    from grading.text import guess_language
    from question_bank import language

    language._identifier.cache_clear()
    assert guess_language("Dropout switches off random neurons so that the network does not overfit") == "en"
    assert guess_language("Dropout stänger av neuroner slumpmässigt så att nätet inte överanpassar") == "sv"
    assert language._identifier.cache_info().currsize == 0
    assert guess_language("Le dropout désactive des neurones au hasard pendant l'entraînement.") == "fr"
    assert language._identifier.cache_info().currsize == 1


def test_reference_of_undetermined_language_is_compared_with_any_answer(minilm_embedder: Embedder) -> None:
    """A short reference tells no language ('und'): English answers still get lexical features, while
    a French answer to an English-only reference falls back to all references without them."""
    from grading.grader import Grader

    grader = Grader.create(minilm_embedder)
    undetermined = Question(
        id="cnn",
        prompt={UNDETERMINED: "CNN?"},
        reference_answer={UNDETERMINED: "Convolutional neural network"},
        rubric=(RubricPoint(id="p1", text="Convolutional neural network", weight=1),),
        max_points=1,
    )
    english = Question(
        id="dropout",
        prompt={"en": "What is dropout?"},
        reference_answer={"en": "Dropout randomly disables neurons during training to reduce overfitting."},
        rubric=(RubricPoint(id="p1", text="randomly disables neurons during training", weight=1),),
        max_points=1,
    )
    answer = "It is a convolutional neural network used for images."
    result = grader.features(undetermined, answer)
    assert result is not None and result.lexical_available
    result = grader.features(english, "Dropout désactive des neurones au hasard pendant l'entraînement.")
    assert result is not None and not result.lexical_available
    grade = grader.grade(english, "Dropout désactive des neurones au hasard pendant l'entraînement.")
    assert grade.language == "fr"
    assert 0.0 <= grade.score <= grade.max_points
