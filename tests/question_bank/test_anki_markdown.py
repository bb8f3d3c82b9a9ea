"""Anki and Markdown: a Markdown question's fields are the HTML Anki shows (bold, code, lists, code blocks)
and a note whose fields use such formatting is read back as Markdown; before, the Markdown source was
written escaped ('**vikt**' with its asterisks on the card) and every note came back plain."""

from __future__ import annotations

from pathlib import Path

from question_bank.formats.anki import import_anki
from question_bank.formats.anki_export import anki_deck, write_anki_package
from question_bank.models import Bank
from tests.question_bank.test_anki import BASIC, Note, write_package

REAL_WEEK_1 = Path(__file__).parent / "data" / "anki_real" / "vecka1_basic.apkg"


def _markdown_bank() -> Bank:
    return Bank.model_validate(
        {
            "id": "md",
            "title": "Markdown",
            "languages": ["sv"],
            "questions": [
                {
                    "id": "dropout",
                    "prompt": {
                        "sv": "Förklara **Dropout** i koden:\n\n```python\nmodel.add(Dropout(0.5))\n```\n\n"
                        "- nämn *träning*\n- nämn `predict()`"
                    },
                    "reference_answer": {
                        "sv": "Under träning stängs **slumpvisa** neuroner av.\n\n- inte vid `predict()`"
                    },
                    "rubric": [{"id": "a", "text": "slumpvisa neuroner stängs av", "weight": 1}],
                    "general_feedback": "Se **kapitel 7**.",
                },
                {
                    "id": "plain",
                    "text_format": "plain",
                    "prompt": {"sv": "Beräkna 2*3*4"},
                    "reference_answer": {"sv": "24, eftersom 2*3 = 6"},
                    "rubric": [{"id": "a", "text": "24", "weight": 1}],
                },
            ],
        }
    )


def test_a_markdown_bank_keeps_its_text_through_an_anki_package(tmp_path: Path) -> None:
    bank = _markdown_bank()
    out = tmp_path / "md.apkg"
    write_anki_package(bank, out)
    again = import_anki(out)
    for before, after in zip(bank.questions, again.questions, strict=True):
        assert after.prompt == before.prompt, before.id
        assert after.reference_answer == before.reference_answer, before.id
        assert after.general_feedback == before.general_feedback, before.id
        assert after.text_format == before.text_format, before.id


def test_the_cards_show_the_markdown_as_html(tmp_path: Path) -> None:
    prompt, _, _, _, answer, _, _, extra, _ = anki_deck(_markdown_bank()).notes[0].fields
    assert prompt.startswith("<p>Förklara <strong>Dropout</strong> i koden:</p>")
    assert '<pre><code class="language-python">model.add(Dropout(0.5))\n</code></pre>' in prompt
    assert "<li>nämn <code>predict()</code></li>" in prompt
    assert "<strong>slumpvisa</strong>" in answer and "**" not in prompt + answer + extra
    assert extra == "<p>Se <strong>kapitel 7</strong>.</p>"
    plain_prompt = anki_deck(_markdown_bank()).notes[1].fields[0]
    assert plain_prompt == "Beräkna 2*3*4"


def test_a_note_written_in_ankis_editor_reads_as_markdown(tmp_path: Path) -> None:
    """Anki's editor writes bold as <b>, a line as a <div>, a line break as <br>."""
    notes = [
        Note(
            [
                "<b>Vad gör</b> en <i>pooling</i>-lager?<div>Svara med <b>två</b> meningar.</div>",
                "Det minskar bilden.<br>Det behåller det starkaste värdet: <code>max()</code>.",
            ],
            "p00l",
            BASIC,
        ),
        Note(["Beräkna 2*3*4<br>och 2*3", "24 och 6"], "calc", BASIC),
    ]
    bank = import_anki(write_package(tmp_path / "editor.apkg", notes))
    pooling, calc = bank.questions
    assert pooling.text_format == "markdown"
    assert pooling.prompt == {"sv": "**Vad gör** en *pooling*-lager?\n\nSvara med **två** meningar."}
    assert pooling.reference_answer == {
        "sv": "Det minskar bilden.\\\nDet behåller det starkaste värdet: `max()`."
    }
    assert pooling.rubric[0].text.startswith("Det minskar bilden")  # key points from the plain text
    assert (calc.text_format, calc.prompt) == ("plain", {"sv": "Beräkna 2*3*4\noch 2*3"})


def test_the_relu_note_anki_itself_wrote_keeps_its_bold_and_list() -> None:
    questions = {question.reference_in("sv"): question for question in import_anki(REAL_WEEK_1).questions}
    relu = questions["Den sätter dem till noll:\n\n- f(x) = max(0, x)\n- gradienten är 0 för x < 0"]
    assert relu.prompt == {"sv": "Vad gör **ReLU** med negativa värden?"}
    assert relu.text_format == "markdown"


def test_a_markdown_question_without_formatting_shows_its_escaped_characters_as_markdown_does(
    tmp_path: Path,
) -> None:
    """'Beräkna 2\\*3\\*4' in a Markdown bank reads 'Beräkna 2*3*4' in tenta, and so on the card."""
    bank = Bank.model_validate(
        {
            "id": "escaped",
            "title": "Escaped",
            "languages": ["sv"],
            "questions": [
                {
                    "id": "calc",
                    "prompt": {"sv": "Beräkna 2\\*3\\*4 och döp det till snake\\_case."},
                    "reference_answer": {"sv": "24, eftersom 2\\*3 = 6."},
                    "rubric": [{"id": "a", "text": "24", "weight": 1}],
                }
            ],
        }
    )
    prompt, _, _, _, answer, *_ = anki_deck(bank).notes[0].fields
    assert (prompt, answer) == ("Beräkna 2*3*4 och döp det till snake_case.", "24, eftersom 2*3 = 6.")
    out = tmp_path / "escaped.apkg"
    write_anki_package(bank, out)
    again = import_anki(out).questions[0]
    assert again.prompt_in("sv") == "Beräkna 2*3*4 och döp det till snake_case."
