"""A small bank for the database tests (also imported by the subprocess writers)."""

from __future__ import annotations

from typing import Any

from question_bank.models import Bank


def sample_bank(*, version: str = "1", first_prompt: str = "Vad är en faltning?") -> Bank:
    questions: list[dict[str, Any]] = [
        {
            "id": "conv",
            "number": 1,
            "prompt": {"sv": first_prompt, "en": "What is a convolution?"},
            "reference_answer": {"en": "A convolution slides a kernel over the input and sums products."},
            "rubric": [
                {"id": "kernel", "text": "a kernel slides over the input", "weight": 2},
                {"id": "sum", "text": "element-wise products are summed", "weight": 1},
            ],
            "max_points": 2,
            "topics": ["CNN"],
        },
        {
            "id": "dropout",
            "number": 2,
            "prompt": {"sv": "Vad gör dropout?"},
            "reference_answer": {"en": "Dropout randomly zeroes activations during training to regularise."},
            "rubric": [{"id": "zero", "text": "randomly zeroes activations", "weight": 1}],
            "max_points": 1,
            "topics": ["regularisation"],
        },
        {
            "id": "relu",
            "number": 3,
            "type": "true_false",
            "prompt": {"sv": "ReLU är linjär för positiva värden."},
            "choices": [{"text": "true", "fraction": 1}, {"text": "false", "fraction": 0}],
            "max_points": 1,
            "topics": ["activations"],
        },
    ]
    return Bank.model_validate(
        {
            "id": "dl-test",
            "title": "DL test",
            "languages": ["sv", "en"],
            "version": version,
            "questions": questions,
        }
    )
