"""The bundled dl-course bank and notes: the seed exam's questions, clean references, usable rubrics.

These tests protect the content itself: a typo in a Swedish prompt, a lost rubric paraphrase or a
chapter of notes that no longer covers a question would silently make grading worse.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import question_bank
from question_bank.models import Bank, Question, QuestionType

BUNDLE_DIR = Path(question_bank.__file__).resolve().parent / "bundled" / "dl-course"
BANK_FILE = BUNDLE_DIR / "bank.yaml"
NOTES_DIR = BUNDLE_DIR / "notes"
SEED_EXAM = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_d7daf46238b56a97.txt"

# The specification: the seed exam's Swedish prompts, character for character, in exam order.
EXPECTED_PROMPTS_SV = (
    "Hur är AI, Maskininlärning och Deep Learning relaterat?",
    "Hur är Tensorflow och Keras relaterat?",
    "Vad är en parameter? Vad är en hyperparameter?",
    "När man skall göra modellval och modellutvärdering kan man använda tränings-, validerings- och "
    "testdataset. Förklara hur de olika delarna kan användas.",
    "Förklara vad nedanstående kod gör:",
    "Vad är syftet med att regularisera en modell?",
    '"Dropout" är en regulariseringsteknik, vad är det för något?',
    '"Early stopping" är en regulariseringsteknik, vad är det för något?',
    "Din kollega frågar dig vilken typ av neuralt nätverk som är populärt för bildanalys, vad svarar du?",
    'Förklara översiktligt hur ett "Convolutional Neural Network" fungerar.',
    "Vad gör nedanstående kod?",
    "Deep Learning modeller kan ta lång tid att träna, då kan GPU via t.ex. Google Colab skynda på "
    "träningen avsevärt. Skriv mycket kortfattat vad CPU och GPU är.",
)

# Terms a student's answer to each question is graded on; the notes must explain every one of them.
KEY_TERMS_BY_QUESTION: dict[int, tuple[str, ...]] = {
    1: ("artificial intelligence", "machine learning", "deep learning", "subset", "neural network"),
    2: ("TensorFlow", "Keras", "tf.keras", "high-level API", "back end"),
    3: ("parameter", "hyperparameter", "weights", "bias", "learning rate", "batch size", "epoch"),
    4: ("training set", "validation set", "test set", "model selection", "cross-validation", "leakage"),
    5: (
        "Sequential",
        "Dense",
        "input_shape",
        "ReLU",
        "sigmoid",
        "Dropout",
        "adam",
        "binary_crossentropy",
        "accuracy",
        "EarlyStopping",
        "patience",
        "validation_split",
    ),
    6: ("overfitting", "generaliz", "L2", "weight decay", "bias-variance", "variance"),
    7: ("dropout rate", "inverted dropout", "co-adapt", "ensemble", "inference"),
    8: ("early stopping", "patience", "restore_best_weights", "validation loss", "monitor"),
    9: ("convolutional neural network", "ResNet", "ImageNet", "transfer learning", "parameter sharing"),
    10: (
        "filter",
        "kernel",
        "feature map",
        "stride",
        "padding",
        "channels",
        "pooling",
        "flatten",
        "fully connected",
        "softmax",
        "translation invariance",
    ),
    11: ("model.save", "load_model", ".keras", "SavedModel", "HDF5", "optimizer state"),
    12: (
        "CPU",
        "GPU",
        "cores",
        "parallel",
        "memory bandwidth",
        "matrix multiplication",
        "Google Colab",
        "TPU",
    ),
}

SWEDISH_WORDS = frozenset(
    {
        *("är", "och", "att", "som", "för", "med", "ett", "det", "av", "till", "på", "inte", "den", "de"),
        *("när", "man", "kan", "så", "om", "eller", "från", "hur", "används", "lär", "sig", "inga", "alla"),
        *("samma", "mycket", "men", "ger", "har", "blir", "vid", "efter", "också", "dess", "där", "vilket"),
        *("alltså", "än", "mer"),
    }
)
ENGLISH_WORDS = frozenset(
    {
        *("is", "and", "the", "to", "of", "for", "with", "it", "a", "an", "that", "are", "on", "not"),
        *("when", "you", "can", "so", "if", "or", "from", "how", "used", "by"),
    }
)
CHATBOT_REMNANTS = re.compile(
    r"<think>|</think>|the document|the text mentions|as an ai|chatbot|I'll start|let's break down",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-zåäöé]+", text.lower())


def _looks_swedish(text: str) -> bool:
    words = _words(text)
    swedish = sum(word in SWEDISH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    return swedish > english or (swedish >= 1 and bool(re.search(r"[åäö]", text.lower())))


def _strings(value: Any) -> list[str]:
    """Every string anywhere in a dumped model, so no field escapes the remnant check."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


def _notes_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(NOTES_DIR.glob("*.md")))


@pytest.fixture(scope="module")
def bank() -> Bank:
    return Bank.model_validate(yaml.safe_load(BANK_FILE.read_text(encoding="utf-8")))


def _question(bank: Bank, number: int) -> Question:
    return bank.question(number)


def test_bank_identity(bank: Bank) -> None:
    assert bank.id == "dl-course"
    assert bank.languages == ("sv", "en")
    assert bank.title.strip()
    assert bank.course.strip()


def test_twelve_questions_numbered_in_exam_order(bank: Bank) -> None:
    assert [question.number for question in bank.questions] == list(range(1, 13))
    assert all(re.fullmatch(rf"q{q.number:02d}-[a-z0-9-]+", q.id) for q in bank.questions)


def test_swedish_prompts_are_the_seed_prompts_verbatim(bank: Bank) -> None:
    assert tuple(question.prompt["sv"] for question in bank.questions) == EXPECTED_PROMPTS_SV


def test_expected_prompts_are_the_seed_exam_lines() -> None:
    if not SEED_EXAM.exists():
        pytest.skip(f"seed exam not available at {SEED_EXAM}")
    prompt_lines = {
        re.sub(r"^#+\s*", "", line).strip() for line in SEED_EXAM.read_text(encoding="utf-8").splitlines()
    }
    for number, prompt in enumerate(EXPECTED_PROMPTS_SV, start=1):
        assert f"{number}. {prompt}" in prompt_lines, f"question {number} differs from the seed exam"


def test_every_question_has_an_english_prompt(bank: Bank) -> None:
    for question in bank.questions:
        assert not _looks_swedish(question.prompt["en"]), question.id


def test_points_add_up_to_a_thirty_point_exam(bank: Bank) -> None:
    assert sum(question.max_points for question in bank.questions) == 30
    assert bank.question(5).max_points > bank.question(1).max_points


def test_keras_model_code_of_question_5(bank: Bank) -> None:
    code = bank.question(5).code
    assert code is not None and code.language == "python"
    for call in (
        "n_cols = x_train.shape[1]",
        "Sequential()",
        "Dense(100, activation='relu', input_shape=(n_cols,))",
        "Dropout(rate=0.2)",
        "Dense(50, activation='relu')",
        "Dense(1, activation='sigmoid')",
        "optimizer='adam'",
        "loss='binary_crossentropy'",
        "metrics=['accuracy']",
        "EarlyStopping(patience=5)",
        "validation_split=0.2",
        "epochs=100",
        "callbacks=[early_stopping_monitor]",
    ):
        assert call in code.source, call
    assert _imported_names(code.source) >= {"Sequential", "Dense", "Dropout", "EarlyStopping"}


def test_save_and_load_code_of_question_11(bank: Bank) -> None:
    code = bank.question(11).code
    assert code is not None and code.language == "python"
    assert 'model.save("model_file.keras")' in code.source
    assert 'my_model = load_model("model_file.keras")' in code.source
    assert "load_model" in _imported_names(code.source)


def _imported_names(source: str) -> set[str]:
    """Names the code imports; parsing also proves the shown code is valid Python."""
    tree = ast.parse(source)
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}


def test_only_questions_5_and_11_show_code(bank: Bank) -> None:
    assert [question.number for question in bank.questions if question.code] == [5, 11]


def test_free_text_questions_have_bilingual_references(bank: Bank) -> None:
    for question in bank.questions:
        assert question.type is QuestionType.FREE_TEXT
        assert set(question.reference_answer) == {"sv", "en"}, question.id
        assert _looks_swedish(question.reference_answer["sv"]), question.id
        assert not _looks_swedish(question.reference_answer["en"]), question.id
        assert len(_words(question.reference_answer["en"])) >= 40, question.id
        assert question.topics, question.id


def test_swedish_references_use_swedish_terminology(bank: Bank) -> None:
    swedish = " ".join(question.reference_answer["sv"] for question in bank.questions).lower()
    for term in (
        "överanpassning",
        "vikter",
        "neuroner",
        "aktiveringsfunktion",
        "valideringsdata",
        "förlustfunktion",
        "träningsdata",
        "testdata",
    ):
        assert term in swedish, term


def test_rubrics_have_weighted_points_with_swedish_and_english_paraphrases(bank: Bank) -> None:
    for question in bank.questions:
        assert 2 <= len(question.rubric) <= 6, question.id
        assert sum(point.weight for point in question.rubric) == pytest.approx(1.0)
        for point in question.rubric:
            where = f"{question.id}/{point.id}"
            assert re.fullmatch(r"kp\d", point.id), where
            assert not _looks_swedish(point.text), where
            assert 2 <= len(point.paraphrases) <= 4, where
            assert any(_looks_swedish(text) for text in point.paraphrases), f"{where}: no Swedish paraphrase"
            assert any(not _looks_swedish(text) for text in point.paraphrases), f"{where}: no English one"


def test_no_chatbot_remnants_anywhere_in_the_bank(bank: Bank) -> None:
    for text in _strings(bank.model_dump(mode="json")):
        assert not CHATBOT_REMNANTS.search(text), text[:80]
    assert "```" not in BANK_FILE.read_text(encoding="utf-8")


def test_notes_are_substantial_chapters() -> None:
    chapters = sorted(NOTES_DIR.glob("*.md"))
    assert len(chapters) >= 8
    assert len(_notes_text().split()) >= 5000
    for chapter in chapters:
        text = chapter.read_text(encoding="utf-8")
        assert re.match(r"\d\d-[a-z0-9-]+\.md$", chapter.name), chapter.name
        assert text.startswith("# "), chapter.name
        assert len(re.findall(r"^## ", text, flags=re.MULTILINE)) >= 3, chapter.name
        assert not CHATBOT_REMNANTS.search(text), chapter.name


def test_note_sections_are_small_enough_to_retrieve() -> None:
    for chapter in sorted(NOTES_DIR.glob("*.md")):
        sections = re.split(r"^## ", chapter.read_text(encoding="utf-8"), flags=re.MULTILINE)
        for section in sections:
            assert len(section.split()) <= 450, f"{chapter.name}: section {section.splitlines()[0]!r}"


@pytest.mark.parametrize("number", sorted(KEY_TERMS_BY_QUESTION))
def test_notes_cover_every_question(number: int) -> None:
    notes = _notes_text().lower()
    missing = [term for term in KEY_TERMS_BY_QUESTION[number] if term.lower() not in notes]
    assert not missing, f"question {number}: notes never mention {missing}"


def test_notes_cover_every_topic_of_the_bank(bank: Bank) -> None:
    topics = {topic for question in bank.questions for topic in question.topics}
    notes = _notes_text().lower()
    for topic in topics:
        assert topic.replace("-", " ") in notes or topic in notes, topic
