"""Moodle multi-language texts (`<span lang class="multilang">` and `{mlang xx}` blocks) become one
prompt (and model answer) per language instead of all languages run together."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.formats import multilang
from question_bank.formats.detect import import_file

SPANS = (
    '<p><span lang="en" class="multilang">What is dropout?</span>'
    '<span class="multilang" lang="sv_se">Vad är dropout?</span></p> (2 p)'
)
MLANG2 = "{mlang en}Wood{mlang}{mlang de,fr}Holz{mlang}{mlang other}Bois{mlang}"


@pytest.mark.parametrize(
    ("text", "language", "shown"),
    [
        (SPANS, "en", "<p>What is dropout?</p> (2 p)"),
        (SPANS, "sv", "<p>Vad är dropout?</p> (2 p)"),  # 'sv_se' is Swedish; shared text stays
        (MLANG2, "fr", "Holz"),  # one block for several languages
        (MLANG2, "es", "Bois"),  # 'other' for the languages no block names
        (MLANG2, "en", "Wood"),
        ("<span lang='en'>not multilang</span>", "en", "<span lang='en'>not multilang</span>"),
    ],
)
def test_a_text_as_a_reader_in_one_language_sees_it(text: str, language: str, shown: str) -> None:
    assert multilang.in_language(text, language) == shown


def test_languages_in_order_of_appearance_without_other() -> None:
    assert multilang.languages(SPANS) == ["en", "sv"]
    assert multilang.languages(MLANG2) == ["en", "de", "fr"]
    assert multilang.languages("plain text {with braces}") == []


MOODLE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text><![CDATA[$course$/top/<span lang="en" class="multilang">Regularisation</span>\
<span lang="sv" class="multilang">Regularisering</span>]]></text></category>
  </question>
  <question type="essay">
    <name><text><![CDATA[<span lang="en" class="multilang">Dropout</span>\
<span lang="sv" class="multilang">Dropout (sv)</span>]]></text></name>
    <questiontext format="html"><text><![CDATA[<p><span lang="en" class="multilang">Explain why dropout \
reduces overfitting.</span><span lang="sv" class="multilang">Förklara varför dropout minskar \
överanpassning.</span></p>]]></text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <idnumber>dl-dropout</idnumber>
    <graderinfo format="html"><text><![CDATA[{mlang en}Dropout randomly disables neurons during training, \
so units cannot co-adapt.{mlang}{mlang sv}Dropout stänger slumpvis av neuroner under träningen, så enheter \
inte kan samanpassas.{mlang}]]></text></graderinfo>
  </question>
  <question type="multichoice">
    <name><text>Pooling</text></name>
    <questiontext format="html"><text><![CDATA[<span lang="en" class="multilang">What does max pooling do?\
</span><span lang="sv" class="multilang">Vad gör max pooling?</span>]]></text></questiontext>
    <single>true</single>
    <answer fraction="100" format="html"><text><![CDATA[<span lang="en" class="multilang">Downsamples</span>\
<span lang="sv" class="multilang">Nedsamplar</span>]]></text>
      <feedback format="html"><text><![CDATA[<span lang="en" class="multilang">Right.</span>\
<span lang="sv" class="multilang">Rätt.</span>]]></text></feedback></answer>
    <answer fraction="0" format="html"><text>ReLU</text>
      <feedback format="html"><text></text></feedback></answer>
  </question>
</quiz>
"""


def test_moodle_multilang_questions_get_a_prompt_per_language(tmp_path: Path) -> None:
    path = tmp_path / "dl.xml"
    path.write_text(MOODLE, encoding="utf-8")
    bank = import_file(path)
    assert bank.languages == ("en", "sv")  # from the markup, first language first: no guessing
    essay, pooling = bank.questions
    assert essay.prompt == {
        "en": "Explain why dropout reduces overfitting.",
        "sv": "Förklara varför dropout minskar överanpassning.",
    }
    assert essay.reference_answer["sv"].startswith("Dropout stänger slumpvis av neuroner")
    assert essay.reference_answer["en"].startswith("Dropout randomly disables neurons")
    assert essay.topics == pooling.topics == ("Regularisation",)
    assert pooling.prompt == {"en": "What does max pooling do?", "sv": "Vad gör max pooling?"}
    # choices have one text: the main language's
    assert [(c.text, c.fraction, c.feedback) for c in pooling.choices] == [
        ("Downsamples", 1.0, "Right."),
        ("ReLU", 0.0, ""),
    ]
