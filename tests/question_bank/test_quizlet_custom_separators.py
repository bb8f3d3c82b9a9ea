"""Quizlet exports with the separators its export dialog lets people choose: ' - ' or ' = ' (custom) or a
comma between term and definition, a semicolon or a blank line (custom) between cards. Each was read as a
Markdown exam ('no numbered questions found') or cut at the wrong places; a file that can be cut more than
one way is refused, naming the file and the ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError
from question_bank.formats.detect import detect_format, import_file

CARDS = [
    ("dropout", "turns off random neurons while training"),
    ("ReLU", "max(0, x), the usual activation"),
    ("epoch", "one pass over the training data"),
]


def _cards(path: Path) -> list[tuple[str, str]]:
    bank = import_file(path)
    return [(question.prompt["en"], question.reference_answer["en"]) for question in bank.questions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("".join(f"{term} - {definition}\n" for term, definition in CARDS), CARDS, id="dash"),
        pytest.param("".join(f"{term} = {definition}\n" for term, definition in CARDS), CARDS, id="equals"),
        pytest.param(
            "".join(f"{term}\t{definition};" for term, definition in CARDS), CARDS, id="tab-semicolon"
        ),
        pytest.param(
            "dropout,turns off random neurons;ReLU,the usual activation;epoch,one pass over the data",
            [
                ("dropout", "turns off random neurons"),
                ("ReLU", "the usual activation"),
                ("epoch", "one pass over the data"),
            ],
            id="comma-semicolon",
        ),
        pytest.param(
            "dropout - turns off random neurons\nwhile training\n\nReLU - max(0, x)\n\nepoch - one pass\n",
            [
                ("dropout", "turns off random neurons\nwhile training"),
                ("ReLU", "max(0, x)"),
                ("epoch", "one pass"),
            ],
            id="dash-blank-line",
        ),
    ],
)
def test_a_quizlet_export_with_custom_separators_is_read_card_by_card(
    tmp_path: Path, text: str, expected: list[tuple[str, str]]
) -> None:
    path = tmp_path / "quizlet.txt"
    path.write_text(text, encoding="utf-8")

    assert detect_format(path) == "csv"
    assert _cards(path) == expected


def test_a_quizlet_export_cut_two_ways_is_refused_naming_the_file_and_the_ways(tmp_path: Path) -> None:
    path = tmp_path / "aktiveringar.txt"
    path.write_text(
        "ReLU - max(0, x) = x for x > 0\nsigmoid - 1/(1+exp(-x)) = the logistic function\n", encoding="utf-8"
    )

    with pytest.raises(InputFileError) as raised:
        import_file(path)

    assert raised.value.path == path
    assert raised.value.reason == (
        "reads as Quizlet cards in 2 ways (' - ' between term and definition, New line between cards; "
        "' = ' between term and definition, New line between cards): export the set again with Tab between "
        "term and definition and New line between cards"
    )


def test_a_card_line_without_its_separator_keeps_the_file_what_it_was(tmp_path: Path) -> None:
    """Not every line has ' - ': no Quizlet layout, so the file is read as before (here a Markdown exam)."""
    path = tmp_path / "prov.txt"
    path.write_text("1. Vad gör dropout?\n\nSvar: Stänger av neuroner - slumpvis.\n", encoding="utf-8")

    assert detect_format(path) == "markdown"
    assert import_file(path).questions[0].reference_answer == {"sv": "Stänger av neuroner - slumpvis."}


def test_a_tab_separated_export_whose_definitions_hold_separators_is_still_a_table(tmp_path: Path) -> None:
    path = tmp_path / "quizlet.txt"
    path.write_text(
        "dropout\tturns off - randomly; while training\nReLU\tmax = 0 below zero\n", encoding="utf-8"
    )

    assert _cards(path) == [
        ("dropout", "turns off - randomly; while training"),
        ("ReLU", "max = 0 below zero"),
    ]
