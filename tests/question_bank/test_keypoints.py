"""Proposed rubrics: informative statements, no code, weights that sum to one; weight prefixes parse."""

from __future__ import annotations

import pytest

from question_bank.keypoints import (
    parse_weighted_point,
    propose_key_points,
    read_marking_scheme,
    split_sentences,
)

ANSWER = """\
Regularisation reduces overfitting by constraining the model.

- **L2 (weight decay):** These are penalties on the squared weights that shrink all weights smoothly.
- **Dropout:** It randomly disables neurons during training so no neuron can be relied upon alone.

```python
model.add(Dropout(0.5))
```

In summary, regularisation trades a little bias for a large reduction in variance.
"""


def test_points_come_from_sentences_and_list_items_not_code() -> None:
    points = propose_key_points(ANSWER)
    texts = [point.text for point in points]
    assert 2 <= len(points) <= 6
    assert texts[0] == "Regularisation reduces overfitting by constraining the model."
    assert "L2 (weight decay) are penalties on the squared weights that shrink all weights smoothly." in texts
    assert not any("model.add" in text for text in texts)
    assert {point.weight for point in points} <= {1.0, 2.0, 3.0}  # relative; Question normalises them
    assert [point.id for point in points] == [f"p{i}" for i in range(1, len(points) + 1)]


def test_short_and_swedish_answers() -> None:
    points = propose_key_points(
        "Dropout stänger slumpmässigt av neuroner under träningen. Det minskar överanpassning."
    )
    assert [p.text for p in points] == [
        "Dropout stänger slumpmässigt av neuroner under träningen.",
        "Det minskar överanpassning.",
    ]
    assert len(propose_key_points("ReLU")) == 1


def test_sentence_splitting_keeps_abbreviations() -> None:
    assert split_sentences("Use e.g. Adam or SGD. GPU:er, t.ex. i Colab, hjälper. Done!") == [
        "Use e.g. Adam or SGD.",
        "GPU:er, t.ex. i Colab, hjälper.",
        "Done!",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2: mentions overfitting", (2.0, "mentions overfitting")),
        ("1,5: halvt poäng", (1.5, "halvt poäng")),
        ("mentions overfitting", (1.0, "mentions overfitting")),
        ("Note: a colon in text", (1.0, "Note: a colon in text")),
    ],
)
def test_weight_prefixes(text: str, expected: tuple[float, str]) -> None:
    assert parse_weighted_point(text) == expected


@pytest.mark.parametrize("text", ["0: nothing", "-1: negative", "1.2.3: dotted", "2:  "])
def test_bad_weights_are_errors(text: str) -> None:
    with pytest.raises(ValueError, match="weight"):
        parse_weighted_point(text)


# --- marking schemes in grader information --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reference", "points", "total"),
    [
        (
            "Model answer: Dropout randomly switches off neurons during training. This reduces overfitting. "
            "Marking: (1 p) mentions that neurons are switched off at random; (1 p) explains that it "
            "reduces overfitting",
            "Dropout randomly switches off neurons during training. This reduces overfitting.",
            [("Neurons are switched off at random", 1.0), ("It reduces overfitting", 1.0)],
            2.0,
        ),
        (
            "Modellsvar: Dropout stänger av neuroner slumpmässigt under träning.\n\n**Bedömning:**\n"
            "- Nämner att neuroner stängs av slumpmässigt (1 p)\n- Förklarar att det minskar "
            "överanpassning (1 poäng)\n- Att det bara sker under träning (0,5 p)\nTotalt: 2,5 p",
            "Dropout stänger av neuroner slumpmässigt under träning.",
            [
                ("Neuroner stängs av slumpmässigt", 1.0),
                ("Det minskar överanpassning", 1.0),
                ("Att det bara sker under träning", 0.5),
            ],
            2.5,
        ),
        (
            "- Defines the learning rate as the step size [1 mark]\n"
            "- Explains that too large a rate diverges [2 marks]\n"
            "- Explains that too small a rate is slow [1 mark]",
            "Defines the learning rate as the step size. Too large a rate diverges. "
            "Too small a rate is slow.",
            [
                ("Defines the learning rate as the step size", 1.0),
                ("Too large a rate diverges", 2.0),
                ("Too small a rate is slow", 1.0),
            ],
            4.0,
        ),
        (
            "1. 1p: Convolution filters detect local patterns\n2. 2p: Weights are shared across the image"
            "\n3. 1p - Pooling reduces the size",
            "Convolution filters detect local patterns. Weights are shared across the image. "
            "Pooling reduces the size.",
            [
                ("Convolution filters detect local patterns", 1.0),
                ("Weights are shared across the image", 2.0),
                ("Pooling reduces the size", 1.0),
            ],
            4.0,
        ),
        (
            "Marking scheme:\n1. Names training, validation and test sets\n2. Says what validation is for"
            "\n\nModel answer: Training fits the weights, validation tunes choices, test is used once.",
            "Training fits the weights, validation tunes choices, test is used once.",
            [("Training, validation and test sets", 1.0), ("Says what validation is for", 1.0)],
            None,
        ),
    ],
)
def test_marking_schemes_become_weighted_criteria(
    text: str, reference: str, points: list[tuple[str, float]], total: float | None
) -> None:
    scheme = read_marking_scheme(text)

    assert scheme.from_criteria
    assert scheme.reference == reference
    assert [(point.text, point.weight) for point in scheme.points] == points
    assert [point.id for point in scheme.points] == [f"p{index}" for index in range(1, len(points) + 1)]
    assert scheme.total == total


@pytest.mark.parametrize(
    "text",
    [
        "Dropout randomly disables neurons during training. It reduces overfitting.",
        # A model answer written as a list (no points, no marking label) stays a model answer.
        "A CNN has three kinds of layers:\n- convolution layers that learn filters\n"
        "- pooling layers that downsample\n- dense layers that classify the features",
        # One criterion is no list of criteria.
        "Backpropagation applies the chain rule layer by layer. (2 p)",
        # More criteria than a rubric may have.
        "\n".join(f"- criterion number {index} about something (1 p)" for index in range(1, 11)),
    ],
)
def test_text_without_a_criteria_list_keeps_todays_proposal(text: str) -> None:
    scheme = read_marking_scheme(text)

    assert not scheme.from_criteria
    assert scheme.reference == text.strip()
    assert scheme.points == propose_key_points(text)
    assert scheme.total is None


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        (
            "Grading notes\n\nMarking:\n- (2 p) explains that weights are shared\n- (2 p) mentions pooling",
            "Weights are shared. Pooling.",
        ),
        ("## Question 3\nMarking scheme:\n- (1 p) names ReLU\n- (1 p) the gradient is 1 for x > 0", None),
        ("**Uppgift 2**\nBedömning:\n- (1 p) nämner att neuroner stängs av\n- (1 p) slumpvis", None),
        (
            "**Uppgift 2**\nModellsvar: Dropout stänger av neuroner slumpvis.\nBedömning:\n"
            "- (1 p) nämner att neuroner stängs av\n- (1 p) slumpvis",
            "Dropout stänger av neuroner slumpvis.",
        ),
    ],
)
def test_a_heading_over_a_marking_scheme_is_no_model_answer(text: str, reference: str | None) -> None:
    """A title above the criteria ('Grading notes', '## Question 3', '**Uppgift 2**') was taken as the
    whole model answer; without a model answer the criteria, written as sentences, are the reference."""
    scheme = read_marking_scheme(text)

    assert scheme.from_criteria
    expected = reference or " ".join(f"{point.text}." for point in scheme.points)
    assert scheme.reference == expected
    assert not any(word in scheme.reference for word in ("Grading notes", "Question 3", "Uppgift 2"))
