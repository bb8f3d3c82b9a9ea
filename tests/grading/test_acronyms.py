"""Acronyms a question defines are spelt out in answers that use them bare, so "CNN" is graded as the
convolutional neural network the reference names, while an acronym the question never defines is not."""

from __future__ import annotations

import pytest

from grading.acronyms import defined_acronyms, spell_out
from grading.embedder import Embedder
from grading.grader import Grader
from question_bank.loader import BankCatalog

REFERENCE = (
    "Convolutional Neural Networks (CNNs), particularly ResNet50, are popular for images; Multilayer "
    "Perceptrons (MLPs) are also used. A GPU (Graphics Processing Unit) trains them fast."
)


def test_long_forms_before_and_after_the_acronym_are_found() -> None:
    assert defined_acronyms([REFERENCE]) == {
        "CNN": "Convolutional Neural Networks",
        "MLP": "Multilayer Perceptrons",
        "GPU": "Graphics Processing Unit",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Results (ResNet) improved.",  # the words before do not start with the acronym's letters
        "We used the model (see ABC).",
        "A network (NN)",  # one word cannot carry two initials
    ],
)
def test_parentheses_that_are_not_a_definition_define_nothing(text: str) -> None:
    assert defined_acronyms([text]) == {}


def test_bare_acronyms_are_spelt_out_once_and_others_left_alone() -> None:
    glossary = defined_acronyms([REFERENCE])
    spelt = "Jag skulle säga Convolutional Neural Networks (CNN)."
    assert spell_out("Jag skulle säga CNN.", glossary) == spelt
    assert spell_out("CNNs on a GPU", glossary) == (
        "Convolutional Neural Networks (CNNs) on a Graphics Processing Unit (GPU)"
    )
    assert spell_out("RNN", glossary) == "RNN"
    assert spell_out("a convolutional neural networks (CNN) model", glossary) == (
        "a convolutional neural networks (CNN) model"
    )
    assert spell_out("cnn in lower case is a word", glossary) == "cnn in lower case is a word"


@pytest.mark.e5
def test_a_bare_acronym_the_reference_defines_earns_what_its_long_form_earns(e5_embedder: Embedder) -> None:
    """The seed exam's question 9 ('which network is popular for image analysis?'): its teachers gave the
    answer 'CNN' 1 of 2. Before, it got 0.24, like the wrong 'RNN'."""
    bank = BankCatalog(None).load("dl-course")
    question = bank.question("9")
    grader = Grader.create(e5_embedder)
    bare = grader.grade(question, "CNN", bank=bank)
    spelt = grader.grade(question, "Convolutional neural networks.", bank=bank)
    wrong = grader.grade(question, "RNN", bank=bank)
    assert bare.score >= wrong.score + 0.4, (bare.score, wrong.score)
    assert abs(bare.score - spelt.score) <= 0.3, (bare.score, spelt.score)
