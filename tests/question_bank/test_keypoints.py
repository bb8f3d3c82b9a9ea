"""Proposed rubrics: informative statements, no code, weights that sum to one; weight prefixes parse."""

from __future__ import annotations

import pytest

from question_bank.keypoints import parse_weighted_point, propose_key_points, split_sentences

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
