"""Round 11 of exchange files written by other tools, as a teacher moving a course into tenta brings them.
Each test writes the file in its producer's layout and encoding with words of its own (no copied
fixture), and reads it through the same reader `tenta bank import` or `tenta grade` uses."""

from __future__ import annotations

import csv
import time
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from xml.etree.ElementTree import Element, tostring

import defusedxml.ElementTree as SafeTree
import pytest

from question_bank.formats.detect import import_file
from question_bank.formats.qti_export import assessment_item, qti_losses, write_qti_package
from question_bank.formats.text_decoding import NotUtf8, decode_text
from question_bank.models import Bank, Question
from quiz.teacher.submissions import parse_timestamp, read_submissions

EUROPEAN_LINES = {
    "serbian-name": "Dušan Petrovic;1;Dropout stänger av neuroner",
    "only-s-caron": "Dušan Petrovic;1;Dropout turns off neurons",
    "czech-name": "Žofie Dvorak;2;Gradient descent",
    "oe-ligature": "Œuvre complète;3;Ett verk",
    "curly-quotes-and-dash": "Ann Berg;4;smart “quotes” – dash",
    "euro": "Per Lind;5;5 €",
    "english-apostrophes": "Dušan Petrovic;6;it’s “dropout” — I think",
    "swedish": "Åsa Öberg;7;Modellen lär sig bruset – inte mönstret",
    "nordic-and-german": "Søren Müller;8;Straße, Ærø och Zoë",
    "french-spanish": "François Niño;9;¿Qué? Ça va… déjà",
    "slovak": "Mikuláš Novák;10;Žiadna odpoveď",
}
"""Class list and answer lines a Swedish course gets: names from all over Europe, Excel's curly quotes,
dashes and euro signs. Each is written in an encoding only where that encoding has every letter of it
('ď' is in neither Windows-1252 nor Mac Roman, so the Slovak line is UTF-8 only)."""


def _lines_in(encoding: str) -> list[str]:
    """The lines of EUROPEAN_LINES that `encoding` can hold."""
    found = []
    for text in EUROPEAN_LINES.values():
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            continue
        found.append(text)
    return found


ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "mac_roman": "Mac Roman"}


@pytest.mark.parametrize(
    ("encoding", "line"),
    [
        pytest.param(encoding, line, id=f"{key}-{encoding}")
        for key, line in EUROPEAN_LINES.items()
        for encoding in ENCODINGS
        if line in _lines_in(encoding)
    ],
)
def test_each_line_alone_reads_back_in_the_encoding_it_was_written_in(encoding: str, line: str) -> None:
    """A file of an ASCII header and one line, the smallest and hardest case: 'Dušan' in Windows-1252 is
    b'Du\\x9aan', which Mac Roman reads 'Duöan'; the old rule counted 0x9A after a letter for Mac Roman and
    nothing against it, so a Windows file whose only letters beyond ASCII were 'š' and curly quotes became
    Mac Roman. Mac Roman's own curly quotes, dashes and euro signs were read as Windows-1252 ('Òquotes').
    """
    text = f"Namn;Fraga;Svar\r\n{line}\r\n"

    decoded = decode_text(Path("svar.csv"), text.encode(encoding), policy=NotUtf8.REPLACE)

    assert (decoded.text, decoded.encoding) == (text, ENCODINGS[encoding])


@pytest.mark.parametrize("encoding", ["cp1252", "mac_roman"])
def test_a_whole_class_list_reads_back_under_both_policies(encoding: str) -> None:
    """Every line its encoding can hold in one file, with the line ends its producer writes (CR for Excel
    for Mac): the bank readers' WINDOWS policy and the submissions reader's REPLACE policy decide alike."""
    newline = "\r" if encoding == "mac_roman" else "\r\n"
    text = newline.join(["Namn;Fråga;Svar", *_lines_in(encoding)]) + newline
    raw = text.encode(encoding)

    windows = decode_text(Path("klass.csv"), raw, policy=NotUtf8.WINDOWS)
    replaced = decode_text(Path("klass.csv"), raw, policy=NotUtf8.REPLACE)

    assert windows == replaced
    assert (replaced.text, replaced.encoding, replaced.not_utf8_line) == (text, ENCODINGS[encoding], 1)


def test_a_submissions_file_from_swedish_windows_excel_with_a_serbian_name(tmp_path: Path) -> None:
    """Excel on Windows saves 'CSV (semikolonavgränsad)' in Windows-1252, writing 'ć' (not in it) as 'c'.
    A class whose only name beyond ASCII letters was 'Dušan' was read as Mac Roman: 'Duöan Petrovic'
    was stored as a new student and the warning said 'read as Mac Roman'."""
    path = tmp_path / "svar.csv"
    path.write_bytes(
        "Namn;Fråga;Svar\r\nDušan Petrovic;1;Dropout turns off random neurons\r\n"
        "Anna Berg;1;It’s a “regulariser” – it reduces overfitting\r\n".replace("Fråga", "Question").encode(
            "cp1252"
        )
    )

    parsed = read_submissions(path)

    assert [(row.student_name, row.answer) for row in parsed.rows] == [
        ("Dušan Petrovic", "Dropout turns off random neurons"),
        ("Anna Berg", "It’s a “regulariser” – it reduces overfitting"),
    ]
    assert [warning.reason for warning in parsed.warnings] == [
        "not valid UTF-8; read as Windows-1252 (save as UTF-8 to be sure of å, ä, ö)"
    ]


def test_a_question_bank_csv_from_windows_with_a_serbian_name_and_euro_signs(tmp_path: Path) -> None:
    """The bank readers share the decision: a question file whose only bytes beyond ASCII were 'š', '€'
    and curly quotes was read as Mac Roman ('Duöan', '5 Ä')."""
    path = tmp_path / "questions.csv"
    rows = ["question;answer", "Which club did “Dušan Tadic” captain?;Ajax", "What does a GPU hour cost?;5 €"]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))

    captain, price = import_file(path).questions

    assert captain.prompt_in("en") == "Which club did “Dušan Tadic” captain?"
    assert price.reference_in("en") == "5 €"


@pytest.fixture
def stockholm_winter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The teacher's computer in Sweden in November (UTC+1), as a POSIX zone string, so no tz database
    is needed."""
    monkeypatch.setenv("TZ", "CET-1")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2026-11-27 10:15:03 fm CET", datetime(2026, 11, 27, 10, 15, 3, tzinfo=CET)),
        ("2026-11-27 2:05:41 em CET", datetime(2026, 11, 27, 14, 5, 41, tzinfo=CET)),
        ("2026-11-27 12:40:00 em CET", datetime(2026, 11, 27, 12, 40, tzinfo=CET)),
        ("2026-11-27 12:10:00 fm CET", datetime(2026, 11, 27, 0, 10, tzinfo=CET)),
        ("2026-06-12 9:30:00 f.m. CEST", datetime(2026, 6, 12, 9, 30, tzinfo=CEST)),
        ("2026-06-12 9:30:00 e.m. CEST", datetime(2026, 6, 12, 21, 30, tzinfo=CEST)),
        ("2026/11/27 10:15:03 em GMT+1", datetime(2026, 11, 27, 22, 15, 3, tzinfo=CET)),
        ("2026-11-27 10:15:03 FM CET", datetime(2026, 11, 27, 10, 15, 3, tzinfo=CET)),
        ("11/27/2026 10:15:03 PM GMT+1", datetime(2026, 11, 27, 22, 15, 3, tzinfo=CET)),
        ("11/27/2026 10:15:03 p.m. CET", datetime(2026, 11, 27, 22, 15, 3, tzinfo=CET)),
        ("11/27/2026 10:15:03 AM UTC", datetime(2026, 11, 27, 10, 15, 3, tzinfo=UTC)),
        ("2026-11-27 10:15:03 EET", datetime(2026, 11, 27, 8, 15, 3, tzinfo=UTC)),
        ("2026-11-27 9:05:00 CET", datetime(2026, 11, 27, 9, 5, tzinfo=CET)),
    ],
)
def test_google_forms_timestamps_in_swedish_and_english(
    stockholm_winter: None, written: str, meant: datetime
) -> None:
    """A Google Forms responses download from a Swedish account writes 'fm'/'em' (förmiddag,
    eftermiddag; 'f.m.'/'e.m.' in some exports) and the zone's abbreviation: each such time was
    'unreadable', and the answers were stored with the time of grading, not the time they were sent.
    The zone written wins over the computer's own (UTC+1 here)."""
    assert parse_timestamp(written) == meant.astimezone(UTC)


@pytest.mark.parametrize(
    "written",
    ["11/27/2026 10:15:03", "11/27/2026 10:15:03 AM", "2026-11-27 10:15:03 fm", "2026-11-27 10:15:03 f.m."],
)
def test_a_google_forms_time_without_a_zone_is_the_computers_local_time(
    stockholm_winter: None, written: str
) -> None:
    """English exports (and a Swedish one with the zone cut off) give no zone: the time is what the
    export showed the teacher, so it is read in the computer's local time like every other zone-less
    time."""
    assert parse_timestamp(written) == datetime(2026, 11, 27, 9, 15, 3, tzinfo=UTC)


@pytest.mark.parametrize("written", ["2026-11-27 14:15:03 fm CET", "2026-11-27 10:15:03 fm XYZ"])
def test_a_contradictory_or_unknown_google_forms_time_is_not_guessed(written: str) -> None:
    """'14:15 fm' is no time of day, and a zone tenta does not know would be read as local time: both
    are unreadable rather than a wrong order of answers."""
    assert parse_timestamp(written) is None


def test_a_swedish_google_forms_download_keeps_each_responses_time(tmp_path: Path) -> None:
    """'Ladda ned svar (.csv)' from a Swedish Google account: every cell quoted, 'Tidstämpel' first,
    times with 'fm'/'em' and the zone. A time that cannot be read is named by file, line and column and
    the answers on that line are still stored (without a time), as for any other unreadable time."""
    path = tmp_path / "Tenta i maskininlärning (svar) - Formulärsvar 1.csv"
    rows = [
        ["Tidstämpel", "E-postadress", "Poäng", "Vad gör dropout under träning?", "Vad är early stopping?"],
        [
            "2026-11-27 10:15:03 fm CET",
            "asa.oberg@uu.se",
            "3 / 4",
            "Stänger av neuroner",
            "Sluta i tid",
        ],
        ["2026-11-27 1:02:47 em CET", "dusan.petrovic@uu.se", "2 / 4", "Slumpar bort vikter", ""],
        ["igår efter lunch", "per.lind@uu.se", "1 / 4", "Vet ej", "Sluta tidigt"],
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)

    parsed = read_submissions(path)

    assert [(row.line, row.student_name, row.submitted_at) for row in parsed.rows] == [
        (2, "asa.oberg@uu.se", datetime(2026, 11, 27, 9, 15, 3, tzinfo=UTC)),
        (2, "asa.oberg@uu.se", datetime(2026, 11, 27, 9, 15, 3, tzinfo=UTC)),
        (3, "dusan.petrovic@uu.se", datetime(2026, 11, 27, 12, 2, 47, tzinfo=UTC)),
        (4, "per.lind@uu.se", None),
        (4, "per.lind@uu.se", None),
    ]
    assert parsed.errors == []
    assert [str(warning) for warning in parsed.warnings] == [
        f"{path}:4: Tidstämpel: unreadable time 'igår efter lunch' ignored "
        "(use ISO 8601, e.g. 2024-03-04T10:15)"
    ]


_QTI12_SHORT = """<?xml version="1.0" encoding="UTF-8"?>
<questestinterop>
  <item ident="aktivering" title="Aktivering">
    <presentation>
      <material><mattext texttype="text/plain">Vilken aktiveringsfunktion är max(0, x)?</mattext></material>
      <response_str ident="RESP" rcardinality="Single">
        <render_fib fibtype="String" columns="20"/></response_str>
    </presentation>
    <resprocessing>
      <outcomes><decvar varname="SCORE" vartype="Decimal" minvalue="0" maxvalue="100"/></outcomes>
      <respcondition continue="No">
        <conditionvar><varequal respident="RESP" case="No">ReLU</varequal></conditionvar>
        <setvar action="Set" varname="SCORE">100</setvar>
        <displayfeedback feedbacktype="Response" linkrefid="fb_relu"/></respcondition>
      <respcondition continue="No">
        <conditionvar><varequal respident="RESP" case="No">Leaky ReLU</varequal></conditionvar>
        <setvar action="Set" varname="SCORE">50</setvar>
        <displayfeedback feedbacktype="Response" linkrefid="fb_leaky"/></respcondition>
      <respcondition><conditionvar><other/></conditionvar>
        <displayfeedback feedbacktype="Response" linkrefid="Wrong"/>
        <displayfeedback feedbacktype="Hint" linkrefid="Hint1"/>
        <displayfeedback feedbacktype="Solution" linkrefid="Sol"/></respcondition>
    </resprocessing>
    <itemfeedback ident="fb_relu"><flow_mat><material>
      <mattext>Rätt: ReLU(x) = max(0, x).</mattext></material></flow_mat></itemfeedback>
    <itemfeedback ident="fb_leaky"><flow_mat><material>
      <mattext>Nästan: Leaky ReLU läcker lite under noll.</mattext></material></flow_mat></itemfeedback>
    <itemfeedback ident="Wrong"><flow_mat><material>
      <mattext>Tyvärr fel.</mattext></material></flow_mat></itemfeedback>
    <itemfeedback ident="Hint1"><hint feedbackstyle="Incremental">
      <hintmaterial><flow_mat><material>
        <mattext>Den är noll för negativa tal.</mattext></material></flow_mat></hintmaterial>
      <hintmaterial><flow_mat><material>
        <mattext>Förkortningen har fyra bokstäver.</mattext></material></flow_mat></hintmaterial>
    </hint></itemfeedback>
    <itemfeedback ident="Sol"><solution feedbackstyle="Complete"><solutionmaterial><flow_mat><material>
      <mattext>Rectified Linear Unit: ReLU(x) = max(0, x).</mattext></material></flow_mat></solutionmaterial>
    </solution></itemfeedback>
  </item>
</questestinterop>
"""
"""A QTI 1.2 fill in the blank as Canvas and Blackboard write one: each accepted answer's condition shows
its own feedback, any other answer the wrong-answer feedback, a hint with two hintmaterials and a
solution."""


def _kept(question: Question) -> tuple[object, ...]:
    """What the round trip must keep: the answers with their shares and feedback, the hints in order,
    the general feedback (the QTI 1.2 solution) and the right/wrong feedback."""
    return (
        question.type,
        question.choices,
        question.numerical,
        question.case_sensitive,
        question.hints,
        question.general_feedback,
        question.outcome_feedback,
    )


_QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"


def _answer_feedback_shown(package: Path, item_name: str, typed: str) -> str:
    """The answer feedback a QTI 2.1 player shows for `typed`: the modalFeedback whose identifier the
    response processing's ANSWER_FEEDBACK condition sets (stringMatch, or equal within a tolerance)."""
    with zipfile.ZipFile(package) as archive:
        item = SafeTree.fromstring(archive.read(item_name))
    shown = ""
    for condition in item.iter(f"{_QTI}responseCondition"):
        if condition.find(f".//{_QTI}setOutcomeValue[@identifier='ANSWER_FEEDBACK']") is None:
            continue
        for branch in condition:
            if branch.tag == f"{_QTI}responseElse" or _holds(branch[0], typed):
                setter = branch.find(f"{_QTI}setOutcomeValue[@identifier='ANSWER_FEEDBACK']")
                shown = setter[0].text or "" if setter is not None else ""
                break
    modal = item.find(f"{_QTI}modalFeedback[@outcomeIdentifier='ANSWER_FEEDBACK'][@identifier='{shown}']")
    return "".join(modal.itertext()).strip() if modal is not None else ""


def _holds(test: Element, typed: str) -> bool:
    expected = test[1].text or ""
    if test.tag == f"{_QTI}stringMatch":
        same_case = test.get("caseSensitive") == "true"
        return typed == expected if same_case else typed.casefold() == expected.casefold()
    assert test.tag == f"{_QTI}equal" and test.get("toleranceMode") == "absolute"
    return abs(float(typed) - float(expected)) <= float(test.get("tolerance", ""))


def test_a_qti_1_2_short_answer_keeps_its_feedback_hints_and_solution_through_a_qti_export(
    tmp_path: Path,
) -> None:
    """Import (QTI 1.2) -> tenta bank export --format qti (QTI 2.1) -> import: the hints, the solution
    and the right/wrong feedback came back, but each accepted answer's own feedback was left out ('a QTI
    text entry has none'); the package now shows it through a modalFeedback the response processing
    switches on for that answer, and the importer gives it back to the answer."""
    source = tmp_path / "aktivering.xml"
    source.write_text(_QTI12_SHORT, encoding="utf-8")
    imported = import_file(source)
    (question,) = imported.questions
    assert [choice.feedback for choice in question.choices] == [
        "Rätt: ReLU(x) = max(0, x).",
        "Nästan: Leaky ReLU läcker lite under noll.",
    ]
    assert question.hints and question.general_feedback and question.outcome_feedback
    package = tmp_path / "aktivering.zip"

    write_qti_package(imported, package)
    (again,) = import_file(package).questions

    assert _kept(again) == _kept(question)
    assert not [loss for loss in qti_losses(imported) if "feedback" in loss]
    shown = {typed: _answer_feedback_shown(package, "aktivering-item.xml", typed) for typed in TYPED_SHORT}
    assert shown == TYPED_SHORT


TYPED_SHORT = {
    "relu": "Rätt: ReLU(x) = max(0, x).",
    "Leaky ReLU": "Nästan: Leaky ReLU läcker lite under noll.",
    "sigmoid": "",
}
"""What a student types in the exported item, and the answer feedback a player shows for it (the
question accepts any case)."""


_MOODLE_SHORT = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="shortanswer">
    <name><text>Aktivering</text></name>
    <questiontext format="html"><text><![CDATA[<p>Vilken aktiveringsfunktion är max(0, x)?</p>]]></text>
      </questiontext>
    <generalfeedback format="html"><text>ReLU står för Rectified Linear Unit.</text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <usecase>0</usecase>
    <answer fraction="100" format="moodle_auto_format"><text>ReLU</text>
      <feedback format="html"><text>Rätt!</text></feedback></answer>
    <answer fraction="50" format="moodle_auto_format"><text>Leaky ReLU</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>sigmoid</text>
      <feedback format="html"><text>Nej: sigmoid mättas för stora x.</text></feedback></answer>
    <answer fraction="0" format="moodle_auto_format"><text>*</text>
      <feedback format="html"><text>Läs kapitel 3.</text></feedback></answer>
    <hint format="html"><text>Den är noll för negativa tal.</text></hint>
  </question>
</quiz>
"""
"""A Moodle short answer as teachers write them: feedback on the right answer, on a common wrong one
(worth 0 %), and on any other answer through a catch-all '*'."""


def test_a_moodle_short_answers_feedback_on_wrong_answers_survives_a_qti_export(tmp_path: Path) -> None:
    """The feedback on 'sigmoid' (worth nothing) and on any other answer ('*') was left out of the QTI
    package and named as lost; the package now compares the response with each answer before the
    catch-all and shows the catch-all's feedback for anything else, and the importer reads both back.
    (An answer worth nothing comes back after those worth points; order counts only for the catch-all,
    which stays last.)"""
    source = tmp_path / "aktivering.xml"
    source.write_text(_MOODLE_SHORT, encoding="utf-8")
    imported = import_file(source)
    package = tmp_path / "aktivering.zip"

    write_qti_package(imported, package)
    (again,) = import_file(package).questions

    assert _kept(again) == _kept(imported.questions[0])
    assert not [loss for loss in qti_losses(imported) if "feedback" in loss]
    typed = {
        "relu": "Rätt!",
        "sigmoid": "Nej: sigmoid mättas för stora x.",
        "Leaky ReLU": "",  # no feedback of its own, and not any other answer
        "tanh": "Läs kapitel 3.",
    }
    assert {text: _answer_feedback_shown(package, "Aktivering-item.xml", text) for text in typed} == typed


def test_numerical_answers_keep_their_own_feedback_through_a_qti_export(tmp_path: Path) -> None:
    """Each accepted value's feedback (Moodle's per-answer feedback on a numerical question) comes back
    with its value, next to the hints and the general and right/wrong feedback."""
    bank = Bank.model_validate(
        {
            "id": "fysik",
            "title": "Fysik",
            "languages": ["sv"],
            "questions": [
                {
                    "id": "g",
                    "type": "numerical",
                    "max_points": 2,
                    "prompt": {"sv": "Vad är g i m/s²?"},
                    "numerical": [
                        {"value": 9.81, "tolerance": 0.01, "fraction": 1, "feedback": "Exakt."},
                        {
                            "value": 10,
                            "tolerance": 0.5,
                            "fraction": 0.5,
                            "feedback": "Avrundat: halva poängen.",
                        },
                        {"value": 9.8, "tolerance": 0, "fraction": 0.75},
                    ],
                    "hints": ["Tänk på fritt fall.", "Runt tio."],
                    "general_feedback": "g ≈ 9,81 m/s² vid jordytan.",
                    "outcome_feedback": {"correct": "Bra!", "incorrect": "Läs kapitel 2."},
                }
            ],
        }
    )
    package = tmp_path / "fysik.zip"

    write_qti_package(bank, package)
    (again,) = import_file(package).questions

    assert _kept(again) == _kept(bank.questions[0])
    assert not [loss for loss in qti_losses(bank) if "feedback" in loss]
    shown = {typed: _answer_feedback_shown(package, "g-item.xml", typed) for typed in TYPED_NUMBERS}
    assert shown == TYPED_NUMBERS


TYPED_NUMBERS = {
    "9.81": "Exakt.",
    "9.8": "Exakt.",  # within 9.81's tolerance, which tenta tries first
    "10.4": "Avrundat: halva poängen.",
    "9.6": "Avrundat: halva poängen.",  # within 10's tolerance of 0.5
    "9.2": "",
    "12": "",
}
"""What a student types in the exported item, and the answer feedback a player shows for it."""


def test_right_answer_feedback_switched_on_in_each_accepted_answers_branch_stays_right_answer_feedback(
    tmp_path: Path,
) -> None:
    """A tool that compares the response with each accepted answer and sets FEEDBACK to CORRECT in every
    such branch shows that feedback for any right answer: it is the question's right-answer feedback, not
    the first answer's own."""
    path = tmp_path / "kort.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="kort" title="Kort"
  adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">
    <correctResponse><value>ReLU</value></correctResponse>
    <mapping defaultValue="0">
      <mapEntry mapKey="ReLU" mappedValue="1"/><mapEntry mapKey="relu" mappedValue="1"/></mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>
  <itemBody><p>Vilken funktion är max(0, x)?
    <textEntryInteraction responseIdentifier="RESPONSE"/></p></itemBody>
  <responseProcessing>
    <responseCondition>
      <responseIf><stringMatch caseSensitive="true"><variable identifier="RESPONSE"/>
        <baseValue baseType="string">ReLU</baseValue></stringMatch>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
        <setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">CORRECT</baseValue>
          </setOutcomeValue></responseIf>
      <responseElseIf><stringMatch caseSensitive="true"><variable identifier="RESPONSE"/>
        <baseValue baseType="string">relu</baseValue></stringMatch>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
        <setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">CORRECT</baseValue>
          </setOutcomeValue></responseElseIf>
    </responseCondition>
  </responseProcessing>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="CORRECT" showHide="show">Bra!</modalFeedback>
</assessmentItem>
""",
        encoding="utf-8",
    )

    (question,) = import_file(path).questions

    assert [choice.feedback for choice in question.choices] == ["", ""]
    assert question.outcome_feedback is not None
    assert question.outcome_feedback.correct == "Bra!"


def _google_forms_csv(path: Path, times: list[str]) -> Path:
    """An English Google Forms responses download: every cell quoted, 'Timestamp' first."""
    rows = [["Timestamp", "Email Address", "What does dropout do?"]]
    rows += [
        [time, f"student{index}@uu.se", "Turns off neurons"] for index, time in enumerate(times, start=1)
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)
    return path


def test_a_us_google_forms_download_reads_every_date_month_first(
    stockholm_winter: None, tmp_path: Path
) -> None:
    """A Google account set to English (US) writes '11/05/2026 10:15:03' for 5 November. Each time was
    read on its own, day first where it could be: the answers of 5 November were stored as 11 May and
    only the one of 13 November right. A date in the column whose second number is above 12 says the
    file writes month first; one whose first number is, day first (a British account)."""
    us = _google_forms_csv(
        tmp_path / "us.csv", ["11/05/2026 10:15:03", "11/05/2026 14:02:47", "11/13/2026 9:00:00"]
    )
    uk = _google_forms_csv(tmp_path / "uk.csv", ["05/11/2026 10:15:03", "13/11/2026 09:00:00"])

    us_times = [row.submitted_at for row in read_submissions(us).rows]
    uk_times = [row.submitted_at for row in read_submissions(uk).rows]

    assert us_times == [
        datetime(2026, 11, 5, 9, 15, 3, tzinfo=UTC),
        datetime(2026, 11, 5, 13, 2, 47, tzinfo=UTC),
        datetime(2026, 11, 13, 8, 0, tzinfo=UTC),
    ]
    assert uk_times == [datetime(2026, 11, 5, 9, 15, 3, tzinfo=UTC), datetime(2026, 11, 13, 8, 0, tzinfo=UTC)]


def test_a_catch_all_before_every_other_answer_is_named_not_written_as_a_lone_else() -> None:
    """A '*' worth nothing listed first (every answer matches it, so tenta never reaches the others) has
    no answers to be the else of: a responseCondition of a lone responseElse is no valid QTI, so its
    feedback is named as left out instead."""
    bank = Bank.model_validate(
        {
            "id": "kort",
            "title": "Kort",
            "languages": ["en"],
            "questions": [
                {
                    "id": "q",
                    "type": "short_exact",
                    "prompt": {"en": "Which activation is max(0, x)?"},
                    "choices": [
                        {"text": "*", "fraction": 0, "feedback": "Read chapter 3."},
                        {"text": "ReLU", "fraction": 1},
                    ],
                }
            ],
        }
    )
    item = SafeTree.fromstring(tostring(assessment_item(bank, bank.questions[0])))

    assert all(condition[0].tag == f"{_QTI}responseIf" for condition in item.iter(f"{_QTI}responseCondition"))
    assert qti_losses(bank) == [
        "question q: the feedback on '*', worth no points, is left out (a QTI text entry has no wildcard)"
    ]


def test_one_byte_windows_1252_leaves_undefined_does_not_cost_the_files_other_marks(tmp_path: Path) -> None:
    """A Windows-1252 question file with one byte Windows leaves undefined (0x81, a stray byte from a
    paste) was read wholly as Latin-1: every '€', '–', 'š' and curly quote of the file became an
    invisible control character. Only that byte is read as Latin-1 now."""
    path = tmp_path / "questions.csv"
    rows = ["question;answer", "What does a GPU hour cost?;5 € – roughly", "Who is “Dušan”?;A student"]
    raw = "\r\n".join(rows).encode("cp1252") + b"\x81\r\n"
    path.write_bytes(raw)

    price, name = import_file(path).questions

    assert price.reference_in("en") == "5 € – roughly"
    assert (name.prompt_in("en"), name.reference_in("en")) == ("Who is “Dušan”?", "A student\x81")
    assert decode_text(path, raw, policy=NotUtf8.WINDOWS).encoding == "Windows-1252"
