"""QTI pictures, sound and video: listed on the question under bank-wide names, read from the package
in place (or from beside a single item file), feedback media left out, missing and escaping references
left out with a note."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from question_bank.formats.detect import import_file
from question_bank.formats.media import read_media
from question_bank.formats.media_files import MAX_MEDIA_FILE_BYTES, bank_media_names
from question_bank.formats.qti import import_qti
from question_bank.loader import BankCatalog
from question_bank.models import Question

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3
OTHER_PNG = b"\x89PNG\r\n\x1a\n another picture"
MP3 = b"ID3\x03\x00" + b"\xff\xfb" * 200
SOLUTION_PNG = b"\x89PNG\r\n\x1a\n the solution"


def _text(question: Question) -> str:
    """The prompt in whichever language was detected."""
    return next(iter(question.prompt.values()))


QTI21 = 'xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"'


def _choice_item(identifier: str, body: str, choice_a: str = "Yes", feedback: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {QTI21} identifier="{identifier}" title="{identifier}" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    {body}
    <choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">
      <simpleChoice identifier="A">{choice_a}</simpleChoice>
      <simpleChoice identifier="B">No</simpleChoice>
    </choiceInteraction>
    <feedbackBlock outcomeIdentifier="FEEDBACK" identifier="A" showHide="show">
      <img src="solution.png" alt=""/></feedbackBlock>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
  {feedback}
</assessmentItem>"""


def _package(path: Path, items: dict[str, str], files: dict[str, bytes]) -> Path:
    resources = "\n".join(
        f'<resource identifier="r{index}" type="imsqti_item_xmlv2p1" href="{name}">'
        f'<file href="{name}"/></resource>'
        for index, name in enumerate(items)
    )
    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="m1">
  <organizations/><resources>{resources}</resources></manifest>"""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        for name, text in items.items():
            archive.writestr(name, text)
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def test_package_media_are_listed_renamed_on_clashes_and_read_in_place(tmp_path: Path) -> None:
    items = {
        "items/q1.xml": _choice_item(
            "q1",
            '<p>Which curve overfits? <img src="../images/kurva%201.png" alt=""/></p>'
            '<p><object type="audio/mpeg" data="sound/uttal.mp3">Listen to the word.</object></p>',
            feedback='<modalFeedback outcomeIdentifier="FEEDBACK" identifier="A" showHide="show">'
            '<img src="solution.png"/> Right.</modalFeedback>',
        ),
        "items/q2.xml": _choice_item(
            "q2", "<p>And this one?</p>", choice_a='Yes <img src="more/kurva 1.png" alt=""/>'
        ),
    }
    files = {
        "images/kurva 1.png": PNG,
        "items/sound/uttal.mp3": MP3,
        "items/more/kurva 1.png": OTHER_PNG,
        "items/solution.png": SOLUTION_PNG,
    }
    package = _package(tmp_path / "export.zip", items, files)
    notes: list[str] = []
    bank = import_qti(package, notes=notes)
    first, second = bank.questions
    assert first.media == ("kurva 1.png", "uttal.mp3")  # the feedback's solution picture is not shown
    assert (
        _text(first) == "Which curve overfits? [image: kurva 1.png]\n\n[sound: uttal.mp3] Listen to the word."
    )
    assert second.media == ("kurva 1-2.png",)  # another file with the same name
    assert second.choices[0].text == "Yes [image: kurva 1-2.png]"  # named as the bank stores it
    assert notes == []
    assert read_media(package, bank_media_names(bank)) == {
        "kurva 1.png": PNG,
        "uttal.mp3": MP3,
        "kurva 1-2.png": OTHER_PNG,
    }


def test_missing_and_escaping_references_are_left_out_with_a_note(tmp_path: Path) -> None:
    body = (
        '<p>Look: <img src="gone.png" alt=""/> <img src="../../../etc/secret.png" alt=""/> '
        '<img src="https://example.org/web.png" alt=""/> <img src="here.png" alt=""/></p>'
    )
    package = _package(
        tmp_path / "p.zip",
        {"q.xml": _choice_item("q", body)},
        {"here.png": PNG, "../etc/secret.png": OTHER_PNG},  # a hostile member name is never reached
    )
    notes: list[str] = []
    question = import_file(package, notes=notes).questions[0]
    assert question.media == ("here.png",)
    assert _text(question) == (
        "Look: [image: gone.png] [image: secret.png] [image: web.png] [image: here.png]"
    )
    assert notes == [
        f"{package}/q.xml: item 'q': picture 'gone.png' is not in the package; left out "
        "(the text still names it)",
        f"{package}/q.xml: item 'q': picture '../../../etc/secret.png' points outside the package; left out "
        "(the text still names it)",
    ]


def test_qti3_media_interaction_and_audio_sources_pick_the_file_the_package_has(tmp_path: Path) -> None:
    item = """<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="listen" title="Listen"
  adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>A</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-response-declaration identifier="PLAYED" cardinality="single" base-type="integer"/>
  <qti-item-body>
    <qti-media-interaction response-identifier="PLAYED" autostart="false" max-plays="2">
      <qti-prompt>Listen to the speaker.</qti-prompt>
      <audio controls="controls"><source src="media/ord.ogg" type="audio/ogg"/>
        <source src="media/ord.mp3" type="audio/mpeg"/>Your browser cannot play this.</audio>
    </qti-media-interaction>
    <qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
      <qti-prompt>Which word was said?</qti-prompt>
      <qti-simple-choice identifier="A">nätverk</qti-simple-choice>
      <qti-simple-choice identifier="B">vikt</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
  <qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>
</qti-assessment-item>"""
    package = _package(tmp_path / "qti3.zip", {"listen.xml": item}, {"media/ord.mp3": MP3})
    bank = import_qti(package)
    question = bank.questions[0]
    assert question.type.value == "multiple_choice"
    assert question.media == ("ord.mp3",)
    assert _text(question).startswith("Listen to the speaker.")
    assert "[sound: ord.mp3]" in _text(question)
    assert read_media(package, question.media) == {"ord.mp3": MP3}


def test_canvas_file_base_points_into_web_resources(tmp_path: Path) -> None:
    quiz = """<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">
  <assessment ident="quiz1" title="Bilder">
    <section ident="root_section">
      <item ident="i1" title="Kurva">
        <itemmetadata><qtimetadata>
          <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>true_false_question</fieldentry></qtimetadatafield>
          <qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>1.0</fieldentry></qtimetadatafield>
        </qtimetadata></itemmetadata>
        <presentation>
          <material><mattext texttype="text/html">&lt;p&gt;Is this curve convex?&lt;/p&gt;&lt;p&gt;&lt;img
            src="$IMS-CC-FILEBASE$/Quiz%20Files/kurva.png?canvas_download=1" alt="kurva.png"&gt;&lt;/p&gt;
          </mattext></material>
          <response_lid ident="response1" rcardinality="Single">
            <render_choice>
              <response_label ident="1"><material><mattext>True</mattext></material></response_label>
              <response_label ident="2"><material><mattext>False</mattext></material></response_label>
            </render_choice>
          </response_lid>
        </presentation>
        <resprocessing>
          <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
          <respcondition continue="No">
            <conditionvar><varequal respident="response1">1</varequal></conditionvar>
            <setvar action="Set" varname="SCORE">100</setvar></respcondition>
        </resprocessing>
      </item>
    </section>
  </assessment>
</questestinterop>"""
    path = tmp_path / "canvas.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "imsmanifest.xml",
            '<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" identifier="m"><resources>'
            '<resource identifier="quiz1" type="imsqti_xmlv1p2" href="quiz1/quiz1.xml">'
            '<file href="quiz1/quiz1.xml"/>'
            "</resource></resources></manifest>",
        )
        archive.writestr("quiz1/quiz1.xml", quiz)
        archive.writestr("web_resources/Quiz Files/kurva.png", PNG)
    question = import_qti(path).questions[0]
    assert question.media == ("kurva.png",)
    assert _text(question) == "Is this curve convex?\n\n[image: kurva.png]"
    assert read_media(path, question.media) == {"kurva.png": PNG}


def test_single_item_file_takes_the_pictures_beside_it(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "graf.png").write_bytes(PNG)
    (tmp_path / "outside.png").write_bytes(OTHER_PNG)
    item = folder / "item.xml"
    item.write_text(
        _choice_item(
            "graf",
            '<p>Is it linear? <img src="img/graf.png" alt=""/> <img src="../outside.png" alt=""/>'
            ' <img src="img/missing.png" alt=""/></p>',
        ),
        encoding="utf-8",
    )
    notes: list[str] = []
    bank = import_file(item, notes=notes)
    assert bank.questions[0].media == ("graf.png",)
    assert [note.split(": ", 2)[2] for note in notes] == [
        "picture '../outside.png' points outside the folder of item.xml; left out (the text still names it)",
        "picture 'img/missing.png' is not in the folder of item.xml; left out (the text still names it)",
    ]
    catalog = BankCatalog(tmp_path / "banks", bundled_dir=tmp_path / "none")
    catalog.install(bank, media=read_media(item, bank_media_names(bank)))
    assert (catalog.media_dir(bank.id) / "graf.png").read_bytes() == PNG


def test_an_oversized_media_member_is_refused(tmp_path: Path) -> None:
    package = _package(
        tmp_path / "big.zip",
        {"q.xml": _choice_item("q", '<p>Huge <img src="big.png"/></p>')},
        {"big.png": b"\0" * (MAX_MEDIA_FILE_BYTES + 1)},
    )
    with pytest.raises(Exception, match=r"picture 'big.png' is larger than 64 MB"):
        import_qti(package)
