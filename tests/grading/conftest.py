"""Fixtures for the grading engine tests: a MiniLM grader and small bilingual questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from question_bank.models import Bank, Question, RubricPoint

if TYPE_CHECKING:
    from grading.embedder import Embedder
    from grading.grader import Grader


@pytest.fixture(scope="session")
def minilm_grader(minilm_embedder: Embedder) -> Grader:
    from grading.grader import Grader

    return Grader.create(minilm_embedder)


DROPOUT_CLASS = (
    "Dropout switches off random neurons while the network trains, so it cannot overfit to single units.",
    "During training dropout randomly removes neurons, which reduces overfitting.",
    "It randomly disables a share of the neurons in training to prevent overfitting.",
    "Neurons are dropped at random during training; the net generalises better.",
    "Dropout deactivates random neurons in each training step, a kind of regularisation.",
    "Random neurons are turned off while training so the model does not overfit.",
    "Dropout randomly sets some activations to zero during training to regularise the network.",
    "By dropping random units in every training batch, dropout keeps the network from overfitting.",
    "Dropout: at training time each neuron is kept only with some probability, against overfitting.",
    "A regularisation method where random neurons are ignored during training.",
    "Dropout turns off a random subset of neurons in each forward pass during training.",
)
"""A class's answers to the dropout question, right in other words (tests add wrong ones)."""


def _dropout() -> Question:
    return Question(
        id="dropout",
        prompt={"en": "What is dropout and why is it used?", "sv": "Vad är dropout och varför används det?"},
        reference_answer={
            "en": "Dropout randomly deactivates a fraction of the neurons during training. "
            "This reduces overfitting because the network cannot rely on single neurons.",
            "sv": "Dropout stänger slumpmässigt av en andel av neuronerna under träningen. "
            "Det minskar överanpassning eftersom nätverket inte kan förlita sig på enskilda neuroner.",
        },
        rubric=(
            RubricPoint(
                id="mechanism",
                text="Dropout randomly deactivates neurons during training",
                weight=1,
                paraphrases=("Dropout stänger slumpmässigt av neuroner under träning",),
            ),
            RubricPoint(
                id="purpose",
                text="It reduces overfitting",
                weight=1,
                paraphrases=("Det minskar överanpassning",),
            ),
        ),
        max_points=2,
    )


def _learning_rate() -> Question:
    return Question(
        id="learning-rate",
        prompt={"en": "What is the learning rate?", "sv": "Vad är inlärningstakten?"},
        reference_answer={
            "en": "The learning rate sets the step size gradient descent takes when updating the weights.",
            "sv": "Inlärningstakten bestämmer hur stora steg gradient descent tar när vikterna uppdateras.",
        },
        rubric=(
            RubricPoint(
                id="step",
                text="The step size of the weight updates in gradient descent",
                weight=1,
                paraphrases=("Stegstorleken när vikterna uppdateras",),
            ),
        ),
        max_points=1,
    )


@pytest.fixture
def dropout_question() -> Question:
    return _dropout()


@pytest.fixture
def small_bank() -> Bank:
    return Bank(
        id="mini",
        title="Mini deep learning bank",
        languages=("en", "sv"),
        questions=(_dropout(), _learning_rate()),
    )
