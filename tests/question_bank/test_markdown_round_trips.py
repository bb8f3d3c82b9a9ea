"""A Markdown bank exported to each format that can hold it and imported again keeps its formatted texts
and stays Markdown: tenta's YAML/JSON, GIFT's [markdown], Moodle XML's format="markdown", and (rendered as
HTML and read back) QTI and Anki. Aiken is plain text by definition and is left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.formats.detect import EXPORTERS, PACKAGE_EXPORTERS, import_file
from question_bank.models import Bank

SUFFIXES = {
    "yaml": ".yaml",
    "json": ".json",
    "gift": ".gift",
    "moodle-xml": ".xml",
    "anki": ".apkg",
    "qti": ".zip",
}


def _bank() -> Bank:
    return Bank.model_validate(
        {
            "id": "md",
            "title": "Markdown",
            "languages": ["sv"],
            "questions": [
                {
                    "id": "essay",
                    "prompt": {
                        "sv": "Förklara **Dropout** i koden:\n\n```python\nmodel.add(Dropout(0.5))\n```\n\n"
                        "- nämn *träning*\n- nämn `predict()`"
                    },
                    "reference_answer": {
                        "sv": "Under träning stängs **slumpvisa** neuroner av, 2\\*p av dem."
                    },
                    "rubric": [{"id": "a", "text": "slumpvisa neuroner stängs av", "weight": 1}],
                    "general_feedback": "Se **kapitel 7**.",
                },
                {
                    "id": "mc",
                    "type": "multiple_choice",
                    "prompt": {"sv": "Vilket lager har **inga** vikter?"},
                    "choices": [
                        {"text": "`Dense`", "fraction": 0, "feedback": "Nej, det har *vikter*."},
                        {"text": "`MaxPooling2D`", "fraction": 1, "feedback": "**Rätt**."},
                    ],
                },
            ],
        }
    )


def _exported(bank: Bank, format_name: str, tmp_path: Path) -> Bank:
    out = tmp_path / f"md{SUFFIXES[format_name]}"
    if format_name in EXPORTERS:
        out.write_text(EXPORTERS[format_name](bank), encoding="utf-8")
    else:
        PACKAGE_EXPORTERS[format_name](bank, out, {})
    return import_file(out)


@pytest.mark.parametrize("format_name", list(SUFFIXES))
def test_a_markdown_bank_comes_back_as_the_same_markdown(format_name: str, tmp_path: Path) -> None:
    bank = _bank()
    again = _exported(bank, format_name, tmp_path)
    for before in bank.questions:
        after = again.question(before.id)
        assert (after.prompt, after.text_format) == (before.prompt, "markdown"), format_name
        if before.reference_answer:
            assert after.reference_answer == before.reference_answer, format_name
        if format_name != "gift":  # GIFT's '####' is an essay's reference answer, not its feedback
            assert after.general_feedback == before.general_feedback, format_name
        if format_name != "anki":  # Anki notes are self-graded free text: the choices are shown, not kept
            assert after.choices == before.choices, format_name
