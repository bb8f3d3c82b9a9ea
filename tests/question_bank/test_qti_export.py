"""QTI 2.1 export: round trips through tenta's own QTI importer, the package's manifest and namespaces, the
response processing scoring as tenta grades (checked by a small QTI scorer below), hostile text, the CLI."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from xml.etree.ElementTree import Element, tostring

import defusedxml.ElementTree as SafeTree
import pytest
from typer.testing import CliRunner

from grading.grader import Grader, grade_exactly
from question_bank.errors import TentaError
from question_bank.formats.detect import import_file
from question_bank.formats.export_losses import export_losses
from question_bank.formats.qti_export import QTI_NAMESPACE, assessment_item, item_file, write_qti_package
from question_bank.loader import BankCatalog
from question_bank.models import Bank, Question
from quiz.cli.main import app
from quiz.settings import Settings

QTI = f"{{{QTI_NAMESPACE}}}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4fa0000000049454e44ae426082"
)
HOSTILE = 'Is 1 < 2 && 3 > 2? Say "yes" ]]> <![CDATA[ not markup </p> &amp;'


def _every_type_data() -> dict[str, Any]:
    """A bank with every question type, partial and negative fractions, feedback, media and two languages."""
    return {
        "id": "every-type",
        "title": "Every type",
        "languages": ["en", "sv"],
        "questions": [
            {
                "id": "essay",
                "prompt": {"en": "Explain dropout.\n\nUse two sentences.", "sv": "Förklara dropout."},
                "max_points": 4,
                "topics": ["regularisation", "training"],
                "reference_answer": {
                    "en": "Dropout switches off random neurons during training.\n\nIt reduces overfitting."
                },
                "rubric": [
                    {"id": "a", "text": "Random neurons are switched off during training", "weight": 3},
                    {"id": "b", "text": "It reduces overfitting", "weight": 1},
                ],
                "general_feedback": "See chapter 7.",
            },
            {
                "id": "one-point",
                "prompt": {"en": "What does ReLU return for negative input?"},
                "reference_answer": {"en": "Zero."},
                "rubric": [{"id": "zero", "text": "It returns zero", "weight": 1}],
            },
            {
                "id": "single",
                "type": "multiple_choice",
                "max_points": 2,
                "prompt": {"en": "Pick the regulariser. [image: graph.png]"},
                "choices": [
                    {"text": "Dropout", "fraction": 1, "feedback": "Right"},
                    {"text": "Weight decay (mostly)", "fraction": 0.5},
                    {"text": "Softmax", "fraction": -0.5, "feedback": "No: an activation"},
                    {"text": "ReLU", "fraction": 0},
                ],
                "media": ["graph.png"],
                "general_feedback": "Regularisers fight overfitting.",
            },
            {
                "id": "multiple",
                "type": "multiple_choice",
                "max_points": 3,
                "prompt": {"en": "Which are optimisers? Listen: [sound: optimisers.mp3]"},
                "choices": [
                    {"text": "Adam", "fraction": 0.5},
                    {"text": "SGD", "fraction": 0.5},
                    {"text": "Dropout", "fraction": -1},
                    {"text": "Softmax", "fraction": 0},
                ],
                "media": ["optimisers.mp3"],
            },
            {
                "id": "all-or-nothing",
                "type": "multiple_choice",
                "all_or_nothing": True,
                "max_points": 2,
                "prompt": {"en": "Tick the convolutional layers."},
                "choices": [
                    {"text": "Conv2D", "fraction": 0.5},
                    {"text": "Conv1D", "fraction": 0.5},
                    {"text": "Dense", "fraction": 0},
                ],
            },
            {
                "id": "truth",
                "type": "true_false",
                "prompt": {"en": "ReLU is linear everywhere."},
                "choices": [{"text": "True", "fraction": 0}, {"text": "False", "fraction": 1}],
            },
            {
                "id": "short",
                "type": "short_exact",
                "max_points": 2,
                "prompt": {"en": "The most common hidden activation is ..."},
                "choices": [
                    {"text": "ReLU", "fraction": 1},
                    {"text": "Rectified linear unit", "fraction": 1},
                    {"text": "Leaky ReLU", "fraction": 0.5},
                ],
            },
            {
                "id": "12-parameters",
                "type": "numerical",
                "prompt": {"en": "How many parameters has Dense(64) on 128 inputs?"},
                "numerical": [{"value": 8256, "tolerance": 0.5}],
            },
            {
                "id": "pi",
                "type": "numerical",
                "max_points": 2,
                "prompt": {"en": "Give pi."},
                "numerical": [
                    {"value": 3.14159, "tolerance": 0.01, "fraction": 1},
                    {"value": 3.0, "tolerance": 0.2, "fraction": 0.5},
                ],
                "code": {"language": "python", "source": "import math\nprint(math.pi)\n"},
            },
        ],
    }


@pytest.fixture
def media_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "graph.png").write_bytes(PNG)
    (folder / "optimisers.mp3").write_bytes(b"ID3 not really a sound")
    return {path.name: path for path in folder.iterdir()}


def _round_trip(bank: Bank, tmp_path: Path, media: dict[str, Path] | None = None) -> Bank:
    out = tmp_path / f"{bank.id}.zip"
    write_qti_package(bank, out, media)
    return import_file(out)


def _same_questions(before: Bank, after: Bank) -> None:
    """What a QTI package must keep: ids, types, points, main-language prompt, code, topics, choices with
    their fractions and feedback, numbers with tolerances, reference answers and key points (weights to
    the 4 digits written), general feedback."""
    language = before.languages[0]
    assert len(after.questions) == len(before.questions)
    for old, new in zip(before.questions, after.questions, strict=True):
        assert (new.id, new.type, new.max_points, new.all_or_nothing) == (
            old.id,
            old.type,
            old.max_points,
            old.all_or_nothing,
        )
        assert new.prompt_in(language) == old.prompt_in(language)
        assert (new.code, new.topics, new.general_feedback) == (old.code, old.topics, old.general_feedback)
        assert new.reference_in(language) == old.reference_in(language)
        assert new.numerical == old.numerical
        if old.all_or_nothing:  # grading looks at which choices are correct only: equal shares come back
            assert [c.fraction > 0 for c in new.choices] == [c.fraction > 0 for c in old.choices]
        else:
            assert new.choices == old.choices
        if len(old.rubric) > 1:
            assert [_key_point(p.text) for p in new.rubric] == [_key_point(p.text) for p in old.rubric]
            assert [p.weight for p in new.rubric] == pytest.approx([p.weight for p in old.rubric], rel=1e-3)


def _key_point(text: str) -> str:
    """A key point as the importer reads a criterion: a capital first letter, no full stop."""
    return text[:1].upper() + text[1:].rstrip(".")


def test_bundled_course_round_trips_through_tentas_qti_importer(tmp_path: Path) -> None:
    bank = BankCatalog(None).load("dl-course")
    _same_questions(bank, _round_trip(bank, tmp_path))


def test_every_question_type_round_trips(tmp_path: Path, media_files: dict[str, Path]) -> None:
    bank = Bank.model_validate(_every_type_data())
    again = _round_trip(bank, tmp_path, media_files)
    _same_questions(bank, again)
    assert [q.type.value for q in again.questions] == [
        "free_text",
        "free_text",
        "multiple_choice",
        "multiple_choice",
        "multiple_choice",
        "true_false",
        "short_exact",
        "numerical",
        "numerical",
    ]
    assert again.question("single").media == ("graph.png",)
    assert again.question("multiple").media == ("optimisers.mp3",)


def test_a_single_key_point_is_shown_to_graders_and_the_reference_comes_back_whole(tmp_path: Path) -> None:
    bank = Bank.model_validate(_every_type_data())
    item = assessment_item(bank, bank.question("one-point"))
    rubric = item.find("itemBody/rubricBlock")
    assert rubric is not None and rubric.get("view") == "scorer"
    assert [element.text for element in rubric] == [
        "Model answer",
        "Zero.",
        "Key points",
        "It returns zero (1 p)",
    ]
    assert _round_trip(bank, tmp_path).question("one-point").reference_in("en") == "Zero."


def test_a_reference_the_marking_reader_would_cut_is_written_whole(tmp_path: Path) -> None:
    """A paragraph starting 'Max …' reads as a total line next to criteria: the key points become headings
    and the reference comes back as written."""
    data = _every_type_data()
    reference = "Pooling shrinks feature maps.\n\nMax pooling keeps the largest value of each window."
    data["questions"][0]["reference_answer"]["en"] = reference
    bank = Bank.model_validate(data)
    rubric = assessment_item(bank, bank.question("essay")).find("itemBody/rubricBlock")
    assert rubric is not None
    assert [element.tag for element in rubric] == ["h2", "p", "p", "h3", "h4", "h4"]
    assert _round_trip(bank, tmp_path).question("essay").reference_in("en") == reference


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_manifest_lists_every_item_and_media_file_and_the_test_keeps_bank_order(
    tmp_path: Path, media_files: dict[str, Path]
) -> None:
    bank = Bank.model_validate(_every_type_data())
    out = tmp_path / "bank.zip"
    assert write_qti_package(bank, out, media_files) == ["graph.png", "optimisers.mp3"]
    members = _members(out)
    manifest = SafeTree.fromstring(members["imsmanifest.xml"])
    assert manifest.tag == f"{CP}manifest"
    listed = [file.get("href") for file in manifest.iter(f"{CP}file")]
    expected = [
        "assessmentTest.xml",
        *(item_file(q) for q in bank.questions),
        "media/graph.png",
        "media/optimisers.mp3",
    ]
    assert listed == expected
    assert sorted(members) == sorted(["imsmanifest.xml", *expected])
    items = [r for r in manifest.iter(f"{CP}resource") if r.get("type") == "imsqti_item_xmlv2p1"]
    assert [r.get("href") for r in items] == [item_file(question) for question in bank.questions]
    assert members["media/graph.png"] == PNG
    test = SafeTree.fromstring(members["assessmentTest.xml"])
    assert test.tag == f"{QTI}assessmentTest"
    assert _missing_attributes(test) == []
    assert [ref.get("href") for ref in test.iter(f"{QTI}assessmentItemRef")] == [
        item_file(question) for question in bank.questions
    ]


_ITEM_ORDER = [
    "responseDeclaration",
    "outcomeDeclaration",
    "templateDeclaration",
    "stylesheet",
    "itemBody",
    "responseProcessing",
    "modalFeedback",
]


_REQUIRED = {
    "assessmentItem": {"identifier", "title", "adaptive", "timeDependent"},
    "responseDeclaration": {"identifier", "cardinality"},
    "outcomeDeclaration": {"identifier", "cardinality"},
    "mapEntry": {"mapKey", "mappedValue", "caseSensitive"},
    "choiceInteraction": {"responseIdentifier", "maxChoices"},
    "simpleChoice": {"identifier"},
    "textEntryInteraction": {"responseIdentifier"},
    "endAttemptInteraction": {"responseIdentifier", "title"},
    "extendedTextInteraction": {"responseIdentifier"},
    "rubricBlock": {"view"},
    "feedbackInline": {"outcomeIdentifier", "identifier", "showHide"},
    "modalFeedback": {"outcomeIdentifier", "identifier", "showHide"},
    "img": {"src", "alt"},
    "object": {"data", "type"},
    "setOutcomeValue": {"identifier"},
    "baseValue": {"baseType"},
    "assessmentTest": {"identifier", "title"},
    "testPart": {"identifier", "navigationMode", "submissionMode"},
    "assessmentSection": {"identifier", "title", "visible"},
    "assessmentItemRef": {"identifier", "href"},
}
"""Attributes the QTI 2.1 information model requires of the elements the exporter writes (no XSD for QTI
2.1 is available offline to validate against, so these are checked by name)."""


def _missing_attributes(root: Element) -> list[tuple[str, set[str]]]:
    found = []
    for element in root.iter():
        tag = element.tag.removeprefix(QTI)
        missing = _REQUIRED.get(tag, set()) - set(element.attrib)
        if missing:
            found.append((tag, missing))
    return found


def test_every_item_is_well_formed_qti_2_1_with_its_parts_in_schema_order(
    tmp_path: Path, media_files: dict[str, Path]
) -> None:
    bank = Bank.model_validate(_every_type_data())
    out = tmp_path / "bank.zip"
    write_qti_package(bank, out, media_files)
    for question in bank.questions:
        item = SafeTree.fromstring(_members(out)[item_file(question)])
        assert item.tag == f"{QTI}assessmentItem"
        assert all(element.tag.startswith(QTI) for element in item.iter())
        order = [_ITEM_ORDER.index(child.tag.removeprefix(QTI)) for child in item]
        assert order == sorted(order)
        assert item.get("identifier", "")[0].isalpha() or item.get("identifier", "").startswith("_")
        assert item.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
        maximum = item.find(f"{QTI}outcomeDeclaration[@identifier='MAXSCORE']/{QTI}defaultValue/{QTI}value")
        assert maximum is not None and float(maximum.text or "") == question.max_points
        assert _missing_attributes(item) == []
        for image in item.iter(f"{QTI}img"):
            assert image.get("alt") and image.get("src", "").startswith("media/")


def test_hostile_text_survives_as_text(tmp_path: Path) -> None:
    data = _every_type_data()
    data["questions"][0]["prompt"]["en"] = HOSTILE + "\x0b"
    data["questions"][0]["reference_answer"]["en"] = "Use ]]> and <br> & friends literally."
    data["questions"][2]["choices"][1]["text"] = "a < b & c"
    data["questions"][6]["choices"][2]["text"] = "x<y & ]]>"
    bank = Bank.model_validate(data)
    again = _round_trip(bank, tmp_path)
    assert again.question("essay").prompt_in("en") == HOSTILE
    assert again.question("essay").reference_in("en") == "Use ]]> and <br> & friends literally."
    assert again.question("single").choices[1].text == "a < b & c"
    assert again.question("short").choices[2].text == "x<y & ]]>"


def test_hostile_title_and_topics_and_the_time_limit_reach_the_test_and_manifest(tmp_path: Path) -> None:
    data = {**_every_type_data(), "title": "Exam ]]> <1> & co", "time_limit_minutes": 90}
    data["questions"][0]["topics"] = ["a < b", "c & d"]
    bank = Bank.model_validate(data)
    out = tmp_path / "bank.zip"
    write_qti_package(bank, out)
    test = SafeTree.fromstring(_members(out)["assessmentTest.xml"])
    assert test.get("title") == "Exam ]]> <1> & co"
    limits = test.find(f"{QTI}timeLimits")
    assert limits is not None and limits.get("maxTime") == "5400"
    again = import_file(out)
    assert again.title == "Exam ]]> <1> & co"
    assert again.question("essay").topics == ("a < b", "c & d")


def test_media_no_marker_places_follow_the_prompt_before_the_code(
    tmp_path: Path, media_files: dict[str, Path]
) -> None:
    data = _every_type_data()
    data["questions"][8]["media"] = ["graph.png"]
    bank = Bank.model_validate(data)
    body = assessment_item(bank, bank.question("pi"), packed=["graph.png"]).find("itemBody")
    assert body is not None
    assert [child.tag for child in body] == ["p", "p", "pre", "p"]  # prompt, picture, code, the blank
    image = body[1].find("img")
    assert image is not None and image.attrib == {"src": "media/graph.png", "alt": "graph.png"}
    again = _round_trip(bank, tmp_path, media_files).question("pi")
    assert again.prompt_in("en") == "Give pi.\n\n[image: graph.png]"
    assert (again.media, again.code) == (("graph.png",), bank.question("pi").code)


# ---- scoring: a small QTI 2.1 scorer for what the exporter writes ------------------------------------


def _qti(element: Element, tag: str) -> Element:
    found = element.find(f"{QTI}{tag}")
    assert found is not None, tag
    return found


def _mapped(declaration: Element, response: list[str]) -> float:
    mapping = _qti(declaration, "mapping")
    default = float(mapping.get("defaultValue", "0"))
    total = sum(
        next((_points(entry) for entry in mapping if _maps(entry, value)), default) for value in response
    )
    return min(float(mapping.get("upperBound", "inf")), max(float(mapping.get("lowerBound", "-inf")), total))


def _maps(entry: Element, value: str) -> bool:
    key = entry.get("mapKey", "")
    return key == value if entry.get("caseSensitive") == "true" else key.casefold() == value.casefold()


def _points(entry: Element) -> float:
    return float(entry.get("mappedValue", ""))


def _expression(expression: Element, declaration: Element, response: list[str]) -> Any:
    tag = expression.tag.removeprefix(QTI)
    if tag == "baseValue":
        return expression.text
    if tag == "mapResponse":
        return _mapped(declaration, response)
    if tag == "isNull":
        return not response
    if tag == "match":
        correct = [value.text or "" for value in _qti(declaration, "correctResponse")]
        return sorted(response) == sorted(correct)
    if tag == "equal":
        assert expression.get("toleranceMode") == "absolute"
        expected = float(_expression(expression[1], declaration, response) or "nan")
        return bool(response) and abs(float(response[0]) - expected) <= float(expression.get("tolerance", ""))
    raise AssertionError(f"unexpected expression {tag}")


def _sets_score(condition: Element) -> bool:
    return condition.find(f"{QTI}responseIf/{QTI}setOutcomeValue[@identifier='SCORE']") is not None


def _qti_score(item: Element, response: list[str]) -> float:
    """SCORE after the response processing the exporter writes (no templates: Inspera reads none)."""
    declaration = _qti(item, "responseDeclaration")
    processing = _qti(item, "responseProcessing")
    assert processing.get("template") is None
    score = 0.0
    for condition in filter(_sets_score, processing.iter(f"{QTI}responseCondition")):
        for branch in condition:
            passed = branch.tag == f"{QTI}responseElse" or _expression(branch[0], declaration, response)
            if passed:
                setter = branch.find(f"{QTI}setOutcomeValue[@identifier='SCORE']")
                assert setter is not None
                score = float(_expression(setter[0], declaration, response))
                break
    return score


_GRADER = cast(Grader, SimpleNamespace(version="qti-test", model_id="none"))


def _tenta_score(question: Question, response: list[str], identifiers: list[str]) -> float:
    if question.type.value in ("multiple_choice", "true_false"):
        answer = ", ".join(chr(ord("a") + identifiers.index(key)) for key in response)
    else:
        answer = response[0] if response else ""
    return grade_exactly(question, answer, _GRADER).score


@pytest.mark.parametrize(
    "question_id", ["single", "multiple", "all-or-nothing", "truth", "short", "12-parameters", "pi"]
)
def test_response_processing_scores_as_tenta_grades(question_id: str) -> None:
    bank = Bank.model_validate(_every_type_data())
    question = bank.question(question_id)
    item = SafeTree.fromstring(tostring(assessment_item(bank, question)))
    identifiers = [choice.get("identifier", "") for choice in item.iter(f"{QTI}simpleChoice")]
    if identifiers:
        responses = (
            [[key] for key in identifiers]
            + [[a, b] for a in identifiers for b in identifiers if a < b]
            + [identifiers, []]
        )
        if _qti(_qti(item, "itemBody"), "choiceInteraction").get("maxChoices") == "1":
            responses = [response for response in responses if len(response) <= 1]
    elif question.numerical:
        responses = [
            [repr(value)]
            for a in question.numerical
            for value in (a.value, a.value + a.tolerance * 0.9, a.value + a.tolerance + 0.02)
        ]
    else:
        responses = [[choice.text] for choice in question.choices] + [["relu"], ["sigmoid"]]
    for response in responses:
        expected = _tenta_score(question, response, identifiers)
        assert math.isclose(_qti_score(item, response), expected, abs_tol=0.01), (question_id, response)


def _states(item: Element) -> list[str]:
    setters = item.iter(f"{QTI}setOutcomeValue")
    return [
        value.text or "" for setter in setters if setter.get("identifier") == "FEEDBACK" for value in setter
    ]


def test_items_set_insperas_feedback_outcome_by_how_the_answer_went() -> None:
    """Inspera asks items scored by their own rules to set FEEDBACK: answered or not for an essay, else
    right, partly right or wrong."""
    bank = Bank.model_validate(_every_type_data())
    for question in bank.questions:
        item = assessment_item(bank, question)
        declared = item.find("outcomeDeclaration[@identifier='FEEDBACK']")
        assert declared is not None and declared.attrib["cardinality"] == "single"
        expected = (
            ["feedback_unanswered", "feedback_answered"]
            if question.type.value == "free_text"
            else ["feedback_unanswered", "feedback_correct", "feedback_partially_correct", "feedback_wrong"]
        )
        assert _states(SafeTree.fromstring(tostring(item))) == expected


# ---- what is said, the command -----------------------------------------------------------------------


def test_losses_name_the_second_language_and_what_text_entries_cannot_hold() -> None:
    data = _every_type_data()
    data["questions"][6]["choices"][0]["feedback"] = "Yes"  # kept: the package shows it for that answer
    data["questions"][6]["choices"].append({"text": "Re*", "fraction": 0, "feedback": "Close: which one?"})
    data["questions"][6]["choices"].append({"text": "Re*LU", "fraction": 1})
    data["questions"][8]["code"]["language"] = "r"
    losses = export_losses(Bank.model_validate(data), "qti", media_missing={"graph.png"})
    assert losses == [
        "texts in sv are left out: a QTI item carries one language, the bank's main language en",
        "question short: the feedback on 'Re*', worth no points, is left out (a QTI text entry has no "
        "wildcard)",
        "question short: QTI matches 'Re*LU' literally: '*' is no wildcard there",
        "question pi: its r code is shown as preformatted text; tenta reads a QTI code block back as python",
        "question single: media graph.png left behind (not in the bank's media folder)",
    ]


def test_bank_export_command_writes_the_package_and_warns_on_stderr(
    settings: Settings, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "dl.zip"
    result = runner.invoke(app, ["bank", "export", "dl-course", "--format", "qti", "--out", str(out)])
    assert result.exit_code == 0, result.output
    squeezed = "".join(result.stdout.split())  # rich wraps the line where the temporary path makes it long
    assert "".join(f"wrote {out} (12 questions)".split()) in squeezed
    assert "texts in en are left out" in result.stderr
    assert len(import_file(out).questions) == 12
    refused = runner.invoke(app, ["bank", "export", "dl-course", "--format", "qti"])
    assert isinstance(refused.exception, TentaError)
    assert "--out dl-course.zip" in str(refused.exception)
