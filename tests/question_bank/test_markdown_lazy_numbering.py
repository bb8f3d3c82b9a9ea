"""A Markdown exam whose every question is written "1." (Markdown shows such a list as 1, 2, 3; Obsidian,
markdownlint's "one" style and many teachers write lists so). The numbered-exam reader linked only numbers
rising by one, so the first question took every other question and answer as its reference answer, and
the import said nothing."""

from __future__ import annotations

from pathlib import Path

from question_bank.formats.detect import import_file


def _exam(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tenta.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_questions_all_numbered_one_are_each_a_question(tmp_path: Path) -> None:
    path = _exam(
        tmp_path,
        "# Tenta DL\n\n1. Vad gör dropout?\n\nStänger av slumpvisa neuroner under träning.\n\n"
        "1. Vad är ReLU?\n\nmax(0, x)\n\n1. Vad är överanpassning?\n\nModellen lär sig bruset.\n",
    )

    bank = import_file(path)

    assert [(q.id, q.number, q.prompt_in("sv"), q.reference_in("sv")) for q in bank.questions] == [
        ("q1", 1, "Vad gör dropout?", "Stänger av slumpvisa neuroner under träning."),
        ("q2", 2, "Vad är ReLU?", "max(0, x)"),
        ("q3", 3, "Vad är överanpassning?", "Modellen lär sig bruset."),
    ]


def test_questions_numbered_one_answered_in_bullets(tmp_path: Path) -> None:
    path = _exam(
        tmp_path,
        "1. What is dropout?\n- switches off neurons\n- only in training\n\n"
        "1. What is a ReLU?\n- max(0, x)\n\n1. Why normalise inputs?\n- faster training\n",
    )

    bank = import_file(path)

    assert [(q.prompt_in("en"), q.reference_in("en")) for q in bank.questions] == [
        ("What is dropout?", "- switches off neurons\n- only in training"),
        ("What is a ReLU?", "- max(0, x)"),
        ("Why normalise inputs?", "- faster training"),
    ]


def test_an_answers_steps_all_numbered_one_stay_in_the_answer(tmp_path: Path) -> None:
    """Steps written "1." next to each other are a list inside an answer, not questions."""
    path = _exam(
        tmp_path,
        "1. Explain how a network is trained.\n\nThe steps:\n\n"
        "1. Compute the loss.\n1. Compute the gradient.\n1. Update the weights.\n\n"
        "2. What is a ReLU?\n\nmax(0, x)\n",
    )

    first, second = import_file(path).questions

    assert first.reference_in("en") == (
        "The steps:\n\n1. Compute the loss.\n1. Compute the gradient.\n1. Update the weights."
    )
    assert (second.number, second.prompt_in("en")) == (2, "What is a ReLU?")
