"""Sentence splitting, language guess and content words: the units every grading feature is built on."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from grading.text import (
    MAX_ANSWER_CHARS,
    clean,
    content_words,
    guess_language,
    is_code_only,
    split_sentences,
    truncate,
)


def test_sentences_respect_abbreviations_and_decimals() -> None:
    text = "Dropout is a regulariser, e.g. it drops 0.5 of the units. It prevents overfitting!"
    assert split_sentences(text) == [
        "Dropout is a regulariser, e.g. it drops 0.5 of the units.",
        "It prevents overfitting!",
    ]


def test_bullets_are_units_and_wrapped_lines_join() -> None:
    text = "Two kinds:\n- parameters are learned\n- hyperparameters are chosen\n  before training"
    assert split_sentences(text) == [
        "Two kinds:",
        "parameters are learned",
        "hyperparameters are chosen before training",
    ]


def test_code_block_stays_whole() -> None:
    text = "The model:\n```\nmodel = Sequential()\nmodel.add(Dense(10))\n```\nIt has one layer."
    assert split_sentences(text) == [
        "The model:",
        "model = Sequential()\nmodel.add(Dense(10))",
        "It has one layer.",
    ]


def test_swedish_abbreviations_do_not_split() -> None:
    text = "Dropout stänger av neuroner, t.ex. hälften av dem. Det minskar överanpassning."
    assert split_sentences(text) == [
        "Dropout stänger av neuroner, t.ex. hälften av dem.",
        "Det minskar överanpassning.",
    ]


def test_long_run_on_sentence_is_windowed() -> None:
    sentence = " ".join(f"word{i}" for i in range(200))
    windows = split_sentences(sentence, max_words=60)
    assert len(windows) > 3
    assert all(len(window.split()) <= 60 for window in windows)
    assert windows[0].startswith("word0 ") and "word199" in windows[-1]


def test_language_guess() -> None:
    assert guess_language("Dropout stänger av neuroner slumpmässigt så att nätet inte överanpassar") == "sv"
    assert guess_language("Dropout switches off random neurons so that the network does not overfit") == "en"
    assert guess_language("") is None
    assert guess_language("12345") is None


def test_content_words_drop_stopwords_and_stem() -> None:
    assert content_words("The layers are learning the weights") == ["lay", "learn", "weight"]
    assert content_words("Lagren lär sig vikterna", "sv") == ["lagr", "lär", "vikt"]


def test_code_only_detection() -> None:
    assert is_code_only("model = Sequential()\nmodel.add(Dense(3))")
    assert is_code_only("```python\nx = f(y)\n```")
    assert not is_code_only("Dropout is used to reduce overfitting in neural networks")
    assert not is_code_only("")


def test_terms_defined_with_equals_signs_are_prose_not_code() -> None:
    """'CPU = central processing unit' was flagged code_only (halving the grade's confidence)."""
    assert not is_code_only("CPU = central processing unit, GPU = graphics processing unit.")
    assert not is_code_only("CPU = centralprocessor; GPU = grafikprocessor med många kärnor")
    assert not is_code_only("AI = artificiell intelligens\nML = maskininlärning")
    assert is_code_only("n_cols = x_train.shape[1]\nlr = 0.01")
    assert is_code_only("activation = relu\nmodel = Sequential()")
    assert is_code_only("x = a + b")


def test_notes_that_name_a_call_are_prose_not_code() -> None:
    """Notes with a call or an assignment among ordinary words were flagged code_only (halving the grade's
    confidence and sending a right answer to review): the held-out examiner set's early-stopping and
    model.save answers, and Mohler's 'class definitions are placed here'."""
    assert not is_code_only(
        "monitor val_loss each epoch; if val_loss has not gone below min(val_loss) for 5 epochs "
        "(patience=5) -> stop training + restore best weights. prevents overfitting."
    )
    assert not is_code_only(
        "- save(): model -> disk (architecture + weights + optimizer state)\n- load_model(): disk -> my_model"
    )
    assert not is_code_only("class definitions are placed here")
    assert not is_code_only('At the "main()" function')
    assert not is_code_only("the experimental approach measures actual running time in t. t= seconds.")


def test_statements_with_word_like_names_stay_code() -> None:
    assert is_code_only("if (right > left) { mid = (right + left) / 2; m_sort(numbers, temp, left, mid); }")
    assert is_code_only("if x is not None:\n    return x")
    assert is_code_only("import numpy as np\nfrom keras.models import Sequential")
    assert is_code_only("model.fit(X, y, epochs=10, batch_size=32, validation_split=0.2)")
    assert is_code_only("StackPush() StackPop() StackIsEmpty()")
    assert is_code_only('model.save("model_file.keras")\nmy_model = load_model("model_file.keras")  # laddar')


def test_truncate_cuts_at_word_boundary() -> None:
    text = "word " * 5000
    cut, truncated = truncate(text)
    assert truncated and len(cut) <= MAX_ANSWER_CHARS and cut.endswith("word")
    assert truncate("short") == ("short", False)


def test_clean_removes_control_characters() -> None:
    assert clean("a\x00b\x1b[31m  c\r\nd") == "a b [31m c\nd"


LIST_MARKER = re.compile(r"^\s*(?:[-*•●◦▪+–]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)])\s+")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_splitting_never_fails_and_loses_no_words(text: str) -> None:
    sentences = split_sentences(text)
    assert all(sentence.strip() for sentence in sentences)
    joined = " ".join(sentences)
    # A list marker ("1.", "b)", "-") at the start of a line is layout, not a word of the answer.
    unmarked = "\n".join(LIST_MARKER.sub("", line) for line in clean(text).split("\n"))
    for word in unmarked.split()[:50]:
        if any(char.isalnum() for char in word) and "`" not in word:
            assert word.strip("*#-•") in joined or word in joined


QUESTION_CODE = """model = Sequential()
model.add(Dense(100, activation='relu', input_shape=(n_cols,)))
model.add(Dropout(rate=0.2))
model.compile(optimizer='adam',
              loss='binary_crossentropy')
"""


def test_pasting_the_questions_code_back_counts_as_a_copy_even_rewrapped() -> None:
    from grading.text import copies_code

    pasted = (
        "```python\nmodel = Sequential()\nmodel.add(Dense(100, activation='relu', input_shape=(n_cols,)))\n"
    )
    pasted += "model.add(Dropout(rate=0.2))\nmodel.compile(optimizer='adam', loss='binary_crossentropy')\n```"
    assert copies_code(pasted, QUESTION_CODE)
    explained = (
        "The network has a hidden layer of 100 ReLU units.\n"
        "model.add(Dropout(rate=0.2)) switches off a fifth of them while training.\n"
        "It is compiled with Adam and binary cross-entropy, so it is a binary classifier."
    )
    assert not copies_code(explained, QUESTION_CODE)
    assert not copies_code("model = Sequential()", QUESTION_CODE)  # one line is a quote, not a copy
    assert not copies_code("", QUESTION_CODE)
