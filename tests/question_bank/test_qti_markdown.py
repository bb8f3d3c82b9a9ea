"""QTI and Markdown: a Markdown question's texts are written as the XHTML they show (QTI items hold XHTML)
and read back as Markdown, so a bank keeps its bold, code, lists and code blocks through a QTI tool and
back; an item another tool wrote with <strong>, <pre><code>, <ul> is read as that Markdown. Before, the
Markdown source was written as text ('**vikt**' shown with its asterisks in Inspera) and came back plain."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeTree

from question_bank.formats.detect import import_file
from question_bank.formats.qti_export import QTI_NAMESPACE, item_file, write_qti_package
from question_bank.models import Bank, Question

QTI = f"{{{QTI_NAMESPACE}}}"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4fa0000000049454e44ae426082"
)


def _markdown_bank() -> Bank:
    """Questions of every type written in Markdown, in every text a student or grader reads."""
    questions: list[dict[str, Any]] = [
        {
            "id": "essay",
            "prompt": {
                "sv": "Förklara vad **Dropout** gör i koden nedan och varför:\n\n```python\n"
                "model.add(Dropout(0.5))\n```\n\n- nämn *träning*\n- nämn `model.predict()`\n\n"
                "[image: graph.png]"
            },
            "media": ["graph.png"],
            "max_points": 2,
            "reference_answer": {
                "sv": "Under träning stängs **slumpvisa** neuroner av; vid `predict()` inte."
            },
            "rubric": [
                {"id": "a", "text": "Slumpvisa neuroner stängs av under träning", "weight": 1},
                {"id": "b", "text": "Inte vid prediktion", "weight": 1},
            ],
            "general_feedback": "Se **kapitel 7** i boken.",
            "outcome_feedback": {"correct": "Bra, *båda* delarna.", "incorrect": "Läs `Dropout`-avsnittet."},
        },
        {
            "id": "choice",
            "type": "multiple_choice",
            "prompt": {"sv": "Vilket lager har **inga** vikter?"},
            "choices": [
                {"text": "`Dense`", "fraction": 0, "feedback": "Nej, det har en *viktmatris*."},
                {"text": "`MaxPooling2D`", "fraction": 1, "feedback": "Rätt: den väljer **största** värdet."},
                {"text": "`Conv2D`", "fraction": 0},
            ],
            "hints": ["Tänk på vad som *lärs in*."],
        },
        {
            "id": "short",
            "type": "short_exact",
            "prompt": {"sv": "Vilken aktivering ger `max(0, x)`?"},
            "choices": [
                {"text": "ReLU", "fraction": 1, "feedback": "Rätt, **ReLU**."},
                {"text": "sigmoid", "fraction": 0, "feedback": "Nej: *sigmoid* mättas."},
            ],
        },
        {
            "id": "number",
            "type": "numerical",
            "prompt": {"sv": "Hur många parametrar har `Dense(10)` efter 5 indata?"},
            "numerical": [{"value": 60, "feedback": "Rätt: **5·10 + 10**."}],
        },
    ]
    return Bank.model_validate({"id": "md", "title": "Markdown", "languages": ["sv"], "questions": questions})


def _round_trip(bank: Bank, tmp_path: Path) -> Bank:
    out = tmp_path / "md.zip"
    media = tmp_path / "graph.png"
    media.write_bytes(PNG)
    write_qti_package(bank, out, {"graph.png": media})
    return import_file(out)


def _texts(question: Question) -> dict[str, Any]:
    """What a student or grader reads of a question, and how it is shown."""
    return {
        "prompt": question.prompt,
        "reference": question.reference_answer,
        "choices": [(choice.text, choice.fraction, choice.feedback) for choice in question.choices],
        "numerical": [(answer.value, answer.feedback) for answer in question.numerical],
        "general": question.general_feedback,
        "outcome": question.outcome_feedback,
        "hints": question.hints,
        "format": question.text_format,
    }


def test_a_markdown_bank_keeps_its_text_choices_and_feedback_through_qti(tmp_path: Path) -> None:
    bank = _markdown_bank()
    again = _round_trip(bank, tmp_path)
    for before, after in zip(bank.questions, again.questions, strict=True):
        assert _texts(after) == _texts(before), before.id
    assert again.question("essay").media == ("graph.png",)


def _item(tmp_path: Path, bank: Bank, question_id: str) -> Element:
    out = tmp_path / "md.zip"
    media = tmp_path / "graph.png"
    media.write_bytes(PNG)
    write_qti_package(bank, out, {"graph.png": media})
    with zipfile.ZipFile(out) as archive:
        return SafeTree.fromstring(archive.read(item_file(bank.question(question_id))))


def _shown(element: Element) -> str:
    return "".join(element.itertext())


def test_the_item_shows_the_markdown_as_xhtml_not_as_asterisks(tmp_path: Path) -> None:
    bank = _markdown_bank()
    item = _item(tmp_path, bank, "essay")
    body = item.find(f"{QTI}itemBody")
    assert body is not None
    prompt = [child for child in body if child.tag != f"{QTI}rubricBlock"]
    assert [child.tag.removeprefix(QTI) for child in prompt] == [
        "p",
        "pre",
        "ul",
        "p",
        "extendedTextInteraction",
    ]
    assert [strong.text for child in prompt for strong in child.iter(f"{QTI}strong")] == ["Dropout"]
    rubric = body.find(f"{QTI}rubricBlock")
    assert rubric is not None and [strong.text for strong in rubric.iter(f"{QTI}strong")] == ["slumpvisa"]
    code = body.find(f"{QTI}pre/{QTI}code")
    assert code is not None and code.get("class") == "language-python"
    assert code.text == "model.add(Dropout(0.5))\n"
    assert [_shown(li) for child in prompt for li in child.iter(f"{QTI}li")] == [
        "nämn träning",
        "nämn model.predict()",
    ]
    picture = body.find(f"{QTI}p/{QTI}img")
    assert picture is not None and picture.get("src") == "media/graph.png"
    assert "**" not in _shown(item) and "`" not in _shown(item)
    choices = _item(tmp_path, bank, "choice").find(f"{QTI}itemBody/{QTI}choiceInteraction")
    assert choices is not None
    right = choices.find(f"{QTI}simpleChoice[@identifier='B']")
    assert right is not None and right.find(f"{QTI}code") is not None
    inline = right.find(f"{QTI}feedbackInline")
    assert inline is not None and [element.text for element in inline.iter(f"{QTI}strong")] == ["största"]


CANVAS_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="g7f3c2" title="Keras-loop"
    adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>b2</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <div>
      <p>Vad skriver koden ut? Tänk på <strong>indenteringen</strong>.</p>
      <pre><code class="language-python">for i in range(3):
    if i % 2 == 0:
        print(i * 2)
</code></pre>
      <p>Ledning:</p>
      <ul>
        <li>range(3) ger 0, 1, 2</li>
        <li><em>print</em> anropas bara för jämna i</li>
      </ul>
    </div>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <simpleChoice identifier="b1"><p>0 2 4</p></simpleChoice>
      <simpleChoice identifier="b2"><p><code>0</code> och <code>4</code></p></simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing
      template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>
"""


def test_an_item_written_with_strong_pre_code_and_ul_reads_as_markdown(tmp_path: Path) -> None:
    """A Canvas New Quizzes / Inspera choice item written by their rich text editors."""
    path = tmp_path / "keras_loop.xml"
    path.write_text(CANVAS_ITEM, encoding="utf-8")
    question = import_file(path).questions[0]
    assert question.text_format == "markdown"
    assert question.prompt_in("sv") == (
        "Vad skriver koden ut? Tänk på **indenteringen**.\n\n"
        "```python\nfor i in range(3):\n    if i % 2 == 0:\n        print(i * 2)\n```\n\n"
        "Ledning:\n\n- range(3) ger 0, 1, 2\n- *print* anropas bara för jämna i"
    )
    assert [(choice.text, choice.fraction) for choice in question.choices] == [
        ("0 2 4", 0.0),
        ("`0` och `4`", 1.0),
    ]


def test_plain_and_unformatted_questions_are_written_and_read_as_before(tmp_path: Path) -> None:
    """A plain question (Aiken's 'Beräkna 2*3*4') and a Markdown one without formatting stay text."""
    data = {
        "id": "plain",
        "title": "Plain",
        "languages": ["sv"],
        "questions": [
            {
                "id": "calc",
                "type": "multiple_choice",
                "text_format": "plain",
                "prompt": {"sv": "Beräkna 2*3*4"},
                "choices": [{"text": "24", "fraction": 1}, {"text": "2*3*4", "fraction": 0}],
            },
            {
                "id": "shape",
                "prompt": {"sv": "Vad är x_train.shape[1] i koden?"},
                "reference_answer": {"sv": "Antalet kolumner, n_cols."},
                "rubric": [{"id": "a", "text": "antalet kolumner", "weight": 1}],
            },
        ],
    }
    bank = Bank.model_validate(data)
    item = _item(tmp_path, bank, "calc")
    assert item.find(f".//{QTI}strong") is None and item.find(f".//{QTI}em") is None
    again = _round_trip(bank, tmp_path)
    assert again.question("calc").prompt_in("sv") == "Beräkna 2*3*4"
    assert again.question("calc").choices[1].text == "2*3*4"
    assert again.question("shape").prompt_in("sv") == "Vad är x_train.shape[1] i koden?"
    assert [question.text_format for question in again.questions] == ["plain", "plain"]


def test_a_markdown_question_without_formatting_shows_its_escaped_characters_as_markdown_does(
    tmp_path: Path,
) -> None:
    """'Beräkna 2\\*3\\*4' in a Markdown bank reads 'Beräkna 2*3*4' in tenta: the item shows that, not the
    backslashes, and comes back as plain text showing the same."""
    data = {
        "id": "escaped",
        "title": "Escaped",
        "languages": ["sv"],
        "questions": [
            {
                "id": "calc",
                "type": "multiple_choice",
                "prompt": {"sv": "Beräkna 2\\*3\\*4 och döp det till snake\\_case."},
                "choices": [{"text": "2\\*3\\*4 = 24", "fraction": 1}, {"text": "9", "fraction": 0}],
                "general_feedback": "Multiplikation: 2\\*3 = 6.",
            }
        ],
    }
    bank = Bank.model_validate(data)
    item = _item(tmp_path, bank, "calc")
    assert "\\" not in _shown(item)
    question = _round_trip(bank, tmp_path).question("calc")
    assert (question.text_format, question.prompt_in("sv")) == (
        "plain",
        "Beräkna 2*3*4 och döp det till snake_case.",
    )
    assert question.choices[0].text == "2*3*4 = 24"
    assert question.general_feedback == "Multiplikation: 2*3 = 6."


_XHTML_BLOCKS = {
    "p",
    "div",
    "pre",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "hr",
    "table",
}
_XHTML_INLINE = {"strong", "em", "code", "a", "img", "object", "br", "span"}
_BODY_PARTS = {"rubricBlock", "choiceInteraction", "extendedTextInteraction", "textEntryInteraction"}
_STRUCTURE = {"li", "simpleChoice", "feedbackInline", "endAttemptInteraction"}
_NOT_IN_PRE = {"img", "object", "big", "small", "sub", "sup"}
_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "code": {"class"}, "object": {"data", "type"}}


def test_rendered_markdown_stays_inside_qti_21s_xhtml(tmp_path: Path) -> None:
    """The body and feedback of every item hold only QTI 2.1's XHTML elements, with the attributes it
    allows, blocks where only blocks may go (itemBody, modalFeedback) and no picture inside <pre>."""
    bank = _markdown_bank()
    for question in bank.questions:
        item = _item(tmp_path, bank, question.id)
        holders = [item.find(f"{QTI}itemBody"), *item.iter(f"{QTI}modalFeedback")]
        for holder in holders:
            assert holder is not None
            allowed_children = _XHTML_BLOCKS | (_BODY_PARTS if holder.tag == f"{QTI}itemBody" else set())
            assert {child.tag.removeprefix(QTI) for child in holder} <= allowed_children, question.id
            for element in holder.iter():
                tag = element.tag.removeprefix(QTI)
                assert element.tag.startswith(QTI), (question.id, tag)
                if tag in _XHTML_INLINE | _XHTML_BLOCKS | _STRUCTURE and tag in _ATTRIBUTES:
                    assert set(element.attrib) <= _ATTRIBUTES[tag], (question.id, tag, element.attrib)
                if tag == "pre":
                    assert not {child.tag.removeprefix(QTI) for child in element.iter()} & _NOT_IN_PRE
