"""Numbered Markdown/text exams: the seed exam as-is, and other exams written the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileErrors
from question_bank.formats.detect import detect_format, import_file
from question_bank.formats.seed_markdown import import_seed_markdown, is_question_like
from question_bank.models import Bank
from tests.conftest import SEED_EXAM

SEED_PROMPTS = {
    1: "Hur är AI, Maskininlärning och Deep Learning relaterat?",
    2: "Hur är Tensorflow och Keras relaterat?",
    3: "Vad är en parameter? Vad är en hyperparameter?",
    4: "När man skall göra modellval och modellutvärdering kan man använda tränings-, validerings- och "
    "testdataset. Förklara hur de olika delarna kan användas.",
    5: "Förklara vad nedanstående kod gör:",
    6: "Vad är syftet med att regularisera en modell?",
    7: '"Dropout" är en regulariseringsteknik, vad är det för något?',
    8: '"Early stopping" är en regulariseringsteknik, vad är det för något?',
    9: "Din kollega frågar dig vilken typ av neuralt nätverk som är populärt för bildanalys, vad svarar du?",
    10: 'Förklara översiktligt hur ett "Convolutional Neural Network" fungerar.',
    11: "Vad gör nedanstående kod?",
    12: "Deep Learning modeller kan ta lång tid att träna, då kan GPU via t.ex. Google Colab skynda på "
    "träningen avsevärt. Skriv mycket kortfattat vad CPU och GPU är.",
}


@pytest.fixture(scope="module")
def seed_bank() -> Bank:
    if not SEED_EXAM.exists():
        pytest.skip(f"seed exam not present at {SEED_EXAM}")
    return import_seed_markdown(SEED_EXAM)


def test_seed_gives_exactly_questions_1_to_12_with_swedish_prompts(seed_bank: Bank) -> None:
    assert [question.number for question in seed_bank.questions] == list(range(1, 13))
    assert {question.number: question.prompt["sv"] for question in seed_bank.questions} == SEED_PROMPTS
    assert seed_bank.languages == ("sv", "en")
    assert all(set(question.reference_answer) == {"en"} for question in seed_bank.questions)


def test_seed_is_auto_detected_as_markdown() -> None:
    if not SEED_EXAM.exists():
        pytest.skip(f"seed exam not present at {SEED_EXAM}")
    assert detect_format(SEED_EXAM) == "markdown"
    assert [q.number for q in import_file(SEED_EXAM).questions] == list(range(1, 13))


def test_seed_answers_lose_chatbot_noise_but_keep_content(seed_bank: Bank) -> None:
    references = {question.number: question.reference_in("en") for question in seed_bank.questions}
    everything = "\n".join(references.values())
    for noise in (
        "<think>",
        "Alright, let's",
        "First, I'll",
        "The document mentions",
        "does not explicitly discuss",
    ):
        assert noise not in everything
    assert "Dropout is a regularization technique" in references[7]
    assert "model.add(Dropout(0.5))" in references[7]  # code blocks are kept
    assert "### 1. Determining the Number of Columns:" in references[5]  # sub-steps stay in the answer
    assert "validation set during training" in references[8]
    assert "saves" in references[11] or "save a Keras model" in references[11]


def test_seed_code_questions_get_their_code(seed_bank: Bank) -> None:
    code_5 = seed_bank.question(5).code
    code_11 = seed_bank.question(11).code
    assert code_5 is not None and code_11 is not None
    assert code_5.source.splitlines()[0] == "n_cols = x_train.shape[1]"
    assert "nn_model.add(Dropout(rate=0.2))" in code_5.source
    assert "callbacks=[early_stopping_monitor])" in code_5.source
    assert "max(0, input)" not in code_5.source
    assert code_11.source == 'model.save("model_file.keras")\nmy_model = load_model("model_file.keras")'


def test_seed_pdf_split_sentences_are_rejoined(seed_bank: Bank) -> None:
    reference = seed_bank.question(3).reference_in("en")
    assert "adjusted during the training process to minimize" in reference
    assert "trained on `x_train` and `y_train`, which are" in seed_bank.question(5).reference_in("en")


def test_seed_questions_get_two_to_six_key_points(seed_bank: Bank) -> None:
    for question in seed_bank.questions:
        assert 2 <= len(question.rubric) <= 6, question.number
        assert sum(point.weight for point in question.rubric) == pytest.approx(1.0)


ENGLISH_EXAM = """\
# Machine learning basics — exam 2024

Answer all questions.

1. What is overfitting? (2p)

Overfitting is when a model learns the noise of the training data. It performs well on training data
but badly on new data.

Steps to detect it:

1. Split the data into training and validation sets.
2. Explain the curves: compare training and validation loss.
3. Stop when validation loss rises.

2. Explain the difference between L1 and L2 regularisation.

L1 adds the absolute values of the weights to the loss and drives some weights to exactly zero.
L2 adds the squared weights and shrinks all weights smoothly.

3. Describe what a learning rate is.

The learning rate scales each gradient step. Too large a rate diverges; too small a rate is slow.
"""


def test_numbered_steps_inside_answers_never_become_questions(tmp_path: Path) -> None:
    path = tmp_path / "ml_exam.md"
    path.write_text(ENGLISH_EXAM, encoding="utf-8")
    bank = import_file(path)
    assert [(q.number, q.prompt["en"]) for q in bank.questions] == [
        (1, "What is overfitting?"),
        (2, "Explain the difference between L1 and L2 regularisation."),
        (3, "Describe what a learning rate is."),
    ]
    assert bank.title == "Machine learning basics — exam 2024"
    assert bank.languages == ("en",)
    assert bank.question(1).max_points == 2
    assert "Stop when validation loss rises." in bank.question(1).reference_in("en")


SWEDISH_HEADINGS_EXAM = """\
## Fråga 1

Vad är en aktiveringsfunktion?

En aktiveringsfunktion gör nätet icke-linjärt, till exempel ReLU eller sigmoid.

## Fråga 2

Beskriv hur backpropagation fungerar.

```python
loss.backward()
```

Gradienten av förlusten beräknas lager för lager bakåt med kedjeregeln.
"""


def test_question_headings_with_the_prompt_on_the_next_line(tmp_path: Path) -> None:
    path = tmp_path / "tenta.md"
    path.write_text(SWEDISH_HEADINGS_EXAM, encoding="utf-8")
    bank = import_file(path)
    assert [q.prompt["sv"] for q in bank.questions] == [
        "Vad är en aktiveringsfunktion?",
        "Beskriv hur backpropagation fungerar.",
    ]
    assert bank.languages == ("sv",)
    code = bank.question(2).code
    assert code is not None and code.source == "loss.backward()" and code.language == "python"


def test_closed_think_blocks_and_answer_labels_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "exam.txt"
    path.write_text(
        "1. Vad är en tensor?\n\n<think>\nThe user asks about tensors. Let me recall.\n</think>\n\n"
        "Svar: A tensor is a multi-dimensional array of numbers.\n",
        encoding="utf-8",
    )
    bank = import_file(path)
    assert bank.question(1).reference_in("en") == "A tensor is a multi-dimensional array of numbers."


def test_a_question_without_answer_fails_the_whole_import(tmp_path: Path) -> None:
    path = tmp_path / "exam.txt"
    path.write_text(
        "1. Vad är en tensor?\n\nEn flerdimensionell array.\n\n2. Vad är en gradient?\n", encoding="utf-8"
    )
    with pytest.raises(InputFileErrors) as caught:
        import_file(path)
    [error] = caught.value.errors
    assert (error.line, error.field) == (5, "question 2")
    assert "no reference answer" in error.reason


def test_text_without_numbered_questions_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\nJust some prose about dropout.\n", encoding="utf-8")
    with pytest.raises(InputFileErrors, match="no numbered questions found"):
        import_file(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Förklara vad nedanstående kod gör:", True),
        ("Deep Learning modeller kan ta lång tid. Skriv kortfattat vad CPU är.", True),
        ('"Dropout" är en regulariseringsteknik, vad är det för något?', True),
        ("Describe the architecture.", True),
        ("Adding the Output Layer:", False),
        ("Determining the Number of Columns:", False),
        ("**Training Dataset:**", False),
    ],
)
def test_question_likeness(text: str, expected: bool) -> None:
    assert is_question_like(text) is expected


def test_bold_numbered_questions_with_question_like_sub_items(tmp_path: Path) -> None:
    path = tmp_path / "quiz.md"
    path.write_text(
        "**1. What is a perceptron?**\nA perceptron is a linear classifier with a step activation.\n\n"
        "**2. Why do we need non-linear activations?**\nWithout them, stacked layers collapse into one map.\n"
        "1) What happens with two linear layers? They compose into one linear layer.\n"
        "2) Which activation is common? ReLU.\n\n"
        "**3) Name two optimisers.**\nSGD and Adam are two common optimisers.\n",
        encoding="utf-8",
    )
    bank = import_file(path)
    assert [q.prompt["en"] for q in bank.questions] == [
        "What is a perceptron?",
        "Why do we need non-linear activations?",
        "Name two optimisers.",
    ]
    assert "2) Which activation is common? ReLU." in bank.question(2).reference_in("en")
