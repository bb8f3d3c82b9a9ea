"""IMS QTI: an Inspera-style QTI 2.1 package, a Canvas Classic quiz export, a Blackboard pool, QTI 3,
unsupported items, broken and hostile files, detection, and `tenta bank import` end to end."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grading.embedder import Embedder
from grading.grader import Grader
from question_bank.errors import InputFileError, InputFileErrors, TentaError
from question_bank.formats import qti
from question_bank.formats.detect import detect_format, import_file
from question_bank.formats.qti import import_qti, looks_like_qti
from question_bank.formats.yaml_json import dump_yaml, read_native
from question_bank.models import Bank, OutcomeFeedback, Question, QuestionType
from quiz.cli.main import app
from quiz.settings import Settings
from tests.question_bank.conftest import DATA_DIR

INSPERA = DATA_DIR / "qti_inspera"
CANVAS_QUIZ = DATA_DIR / "canvas_classic_quiz.xml"
CANVAS_IDENT = "g7c1e5a0b2d94f6e8a3b1c0d9e8f7a6b5"
runner = CliRunner()


def _zip(path: Path, members: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _inspera_zip(tmp_path: Path, replace: dict[str, str] | None = None) -> Path:
    """The Inspera export as Inspera hands it out: one folder in a zip, manifest listing the items."""
    members: dict[str, str | bytes] = {
        f"DT2024_omtenta/{file.name}": file.read_text(encoding="utf-8") for file in sorted(INSPERA.iterdir())
    }
    members["DT2024_omtenta/resources/dropout natverk.png"] = b"\x89PNG\r\n\x1a\n"
    for name, text in (replace or {}).items():
        members[f"DT2024_omtenta/{name}"] = text
    return _zip(tmp_path / "inspera_export.zip", members)


def _canvas_zip(tmp_path: Path, quiz_xml: str | None = None) -> Path:
    """Canvas Classic Quizzes' "QTI export": a folder per quiz (assessment + assessment_meta.xml)."""
    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="g0e1d2c3b4a5968778695a4b3c2d1e0f9" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
  xmlns:lom="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource" xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_v1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <metadata>
    <schema>IMS Content</schema>
    <schemaversion>1.1.3</schemaversion>
    <imsmd:lom>
      <imsmd:general>
        <imsmd:title>
          <imsmd:string>QTI Quiz Export for course "DT2024 Djupinlärning"</imsmd:string>
        </imsmd:title>
      </imsmd:general>
    </imsmd:lom>
  </metadata>
  <organizations/>
  <resources>
    <resource identifier="{CANVAS_IDENT}" type="imsqti_xmlv1p2">
      <file href="{CANVAS_IDENT}/{CANVAS_IDENT}.xml"/>
      <dependency identifierref="g3a4b5c6d7e8f9012a3b4c5d6e7f8091a"/>
    </resource>
    <resource identifier="g3a4b5c6d7e8f9012a3b4c5d6e7f8091a"
      type="associatedcontent/imscc_xmlv1p1/learning-application-resource"
      href="{CANVAS_IDENT}/assessment_meta.xml">
      <file href="{CANVAS_IDENT}/assessment_meta.xml"/>
    </resource>
  </resources>
</manifest>
"""
    meta = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz identifier="{CANVAS_IDENT}" xmlns="http://canvas.instructure.com/xsd/cccv1p0">
  <title>Quiz 3: Neurala nätverk</title>
  <description>&lt;p&gt;Övningsquiz inför tentan.&lt;/p&gt;</description>
  <shuffle_answers>true</shuffle_answers>
  <quiz_type>assignment</quiz_type>
  <points_possible>16.0</points_possible>
</quiz>
"""
    return _zip(
        tmp_path / "quiz-3-neurala-natverk-export.zip",
        {
            "imsmanifest.xml": manifest,
            f"{CANVAS_IDENT}/{CANVAS_IDENT}.xml": quiz_xml or CANVAS_QUIZ.read_text(encoding="utf-8"),
            f"{CANVAS_IDENT}/assessment_meta.xml": meta,
        },
    )


def _choices(bank: Bank, key: str) -> list[tuple[str, float, str]]:
    return [(choice.text, choice.fraction, choice.feedback) for choice in bank.question(key).choices]


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# ---- QTI 2.1: Inspera ------------------------------------------------------------------------------------


def test_inspera_package_keeps_the_test_order_sections_labels_and_points(tmp_path: Path) -> None:
    skipped: list[InputFileError] = []
    bank = import_qti(_inspera_zip(tmp_path), skipped=skipped)
    assert bank.title == "Djupinlärning DT2024 – omtenta"  # the assessmentTest's title
    assert [question.id for question in bank.questions] == [
        "ID_2101501",  # the instructions page (no interaction) is not a question
        "ID_2101502",
        "ID_2101503",
        "ID_2101504",
        "ID_2101505",
        "ID_2101506",
        "ID_2101507",
    ]  # test order, although the manifest lists ID_2101509 first
    assert [question.number for question in bank.questions] == [1, 2, 3, 4, 5, 6, 7]
    dropout = bank.question("ID_2101501")
    assert dropout.topics == ("Regularisering", "Del A: Grunder")  # Inspera label, then the section
    assert bank.question("ID_2101506").topics == ("Del B: Resonemang",)
    assert dropout.max_points == 2.0  # MAXSCORE
    assert bank.question("ID_2101502").max_points == 2.0  # SCORE's normalMaximum
    assert bank.question("ID_2101503").max_points == 1.0  # neither: the default
    assert bank.languages == ("sv", "en")


def test_inspera_choice_items(tmp_path: Path) -> None:
    bank = import_qti(_inspera_zip(tmp_path), skipped=[])
    dropout = bank.question("ID_2101501")
    assert dropout.type is QuestionType.MULTIPLE_CHOICE
    # <strong> and <em> are kept as Markdown (the item is read as Markdown, see test_qti_markdown.py)
    assert dropout.prompt == {"sv": "Vad gör **Dropout** under träningen?\n\n[image: dropout natverk.png]"}
    assert _choices(bank, "ID_2101501") == [
        ("Ökar inlärningstakten", 0.0, ""),
        ("Stänger slumpvis av neuroner", 1.0, "Rätt!"),  # feedbackInline is feedback, not choice text
        ("Tar bort lager *permanent*", 0.0, ""),
    ]
    # "feedback_correct"/"feedback_wrong" depend on the answer: outcome feedback, not general feedback
    assert dropout.general_feedback == ""
    assert dropout.outcome_feedback == OutcomeFeedback(correct="Bra jobbat!", incorrect="Läs kapitel 7 igen.")
    several = bank.question("ID_2101502")
    assert several.prompt == {"sv": "Vilka av följande är regulariseringstekniker? Välj alla som stämmer."}
    assert _choices(bank, "ID_2101502") == [
        ("L2-regularisering (weight decay)", 0.5, ""),  # mapping weights shared out
        ("Softmax", -0.5, ""),
        ("Early stopping", 0.5, ""),
    ]
    relu = bank.question("ID_2101503")
    assert relu.type is QuestionType.TRUE_FALSE
    assert _choices(bank, "ID_2101503") == [("Sant", 0.0, ""), ("Falskt", 1.0, "")]


def test_inspera_text_entry_items(tmp_path: Path) -> None:
    bank = import_qti(_inspera_zip(tmp_path), skipped=[])
    activation = bank.question("ID_2101504")
    assert activation.type is QuestionType.SHORT_EXACT
    assert activation.prompt == {
        "sv": "Den vanligaste aktiveringsfunktionen i dolda lager i moderna CNN:er är _____."
    }
    assert _choices(bank, "ID_2101504") == [
        ("ReLU", 1.0, ""),
        ("Rectified Linear Unit", 1.0, ""),
        ("Leaky ReLU", 0.5, ""),
    ]
    parameters = bank.question("ID_2101505")
    assert parameters.type is QuestionType.NUMERICAL
    assert parameters.prompt["sv"].endswith("(med bias)?")  # the lone blank after it is dropped
    assert [(a.value, a.tolerance, a.fraction) for a in parameters.numerical] == [(8256.0, 0.5, 1.0)]


def test_inspera_essays_take_the_scorer_rubric_or_the_answered_feedback(tmp_path: Path) -> None:
    bank = import_qti(_inspera_zip(tmp_path), skipped=[])
    code = bank.question("ID_2101506")
    assert code.type is QuestionType.FREE_TEXT and code.max_points == 4.0
    assert code.prompt == {"sv": "Förklara vad nedanstående kod gör:"}  # the scorer rubric is not shown
    assert code.code is not None and code.code.source.startswith("model = Sequential()\n")
    assert code.reference_answer["en"].startswith("The code builds a small convolutional network")
    assert 1 <= len(code.rubric) <= 8
    overfitting = bank.question("ID_2101507")
    assert overfitting.prompt == {"sv": "Vad är överanpassning (overfitting) och hur upptäcker man den?"}
    assert overfitting.reference_answer["en"].startswith("Overfitting means the model fits the training data")
    assert overfitting.general_feedback == ""  # used as the reference, not repeated as feedback


def test_unsupported_items_refuse_the_package_naming_member_and_line(tmp_path: Path) -> None:
    package = _inspera_zip(tmp_path)
    with pytest.raises(InputFileErrors) as raised:
        import_qti(package)
    messages = [error.message for error in raised.value.errors]
    assert messages == [
        f"{package}/DT2024_omtenta/ID_2101508-item.xml:2: item 'ID_2101508' (Ordna): ordering items "
        "(orderInteraction) are not supported by tenta; remove or convert this item",
        f"{package}/DT2024_omtenta/ID_2101509-item.xml:2: item 'ID_2101509' (Egen reflektion): essay has no "
        "model answer: give it a scorer rubric block, a correct response or general feedback (Canvas: "
        "grading notes or the general comments; Blackboard: the sample answer) and export again",
    ]
    assert all(error.unsupported for error in raised.value.errors)


def test_skipping_names_each_left_out_item(tmp_path: Path) -> None:
    skipped: list[InputFileError] = []
    bank = import_qti(_inspera_zip(tmp_path), skipped=skipped)
    assert len(bank.questions) == 7
    assert [(error.path.name, error.line) for error in skipped] == [
        ("ID_2101508-item.xml", 2),
        ("ID_2101509-item.xml", 2),
    ]


def test_assessment_test_file_reads_its_items_from_its_folder() -> None:
    test_file = INSPERA / "assessmentTest_2101500.xml"
    assert detect_format(test_file) == "qti"
    bank = import_file(test_file, skipped=[])
    assert bank.title == "Djupinlärning DT2024 – omtenta"
    assert [question.id for question in bank.questions][:2] == ["ID_2101501", "ID_2101502"]
    assert bank.question("ID_2101504").topics == ("Del A: Grunder",)  # no manifest, so no Inspera label


def test_single_item_file_is_recognised_and_imported() -> None:
    item = INSPERA / "ID_2101502-item.xml"
    assert detect_format(item) == "qti"
    bank = import_file(item)
    assert bank.title == "ID 2101502-item"
    assert [question.id for question in bank.questions] == ["ID_2101502"]


def test_assessment_test_cannot_reach_outside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.xml").write_text((INSPERA / "ID_2101503-item.xml").read_text(encoding="utf-8"))
    folder = tmp_path / "export"
    folder.mkdir()
    test_file = folder / "test.xml"
    test_file.write_text(
        '<?xml version="1.0"?>\n<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" '
        'identifier="T" title="T">\n<testPart identifier="p"><assessmentSection identifier="s" title="S">\n'
        '<assessmentItemRef identifier="x" href="../secret.xml"/>\n'
        "</assessmentSection></testPart></assessmentTest>\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match=r"test\.xml:4: item file '\.\./secret\.xml' is outside"):
        import_qti(test_file)


# ---- QTI 1.2: Canvas Classic Quizzes and Blackboard ------------------------------------------------------


def test_canvas_quiz_export_zip_maps_every_question_type(tmp_path: Path) -> None:
    package = _canvas_zip(tmp_path)
    assert detect_format(package) == "qti"
    bank = import_file(package, skipped=[])
    assert bank.title == "Quiz 3: Neurala nätverk"  # the quiz, not "QTI Quiz Export for course …"
    assert bank.id == "quiz-3-neurala-natverk"
    assert [question.type for question in bank.questions] == [
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.TRUE_FALSE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.SHORT_EXACT,
        QuestionType.NUMERICAL,
        QuestionType.FREE_TEXT,
        QuestionType.MULTIPLE_CHOICE,  # the matching question: one per item (was: skipped)
        QuestionType.MULTIPLE_CHOICE,
    ]  # the text-only question is not one; the bare essay is skipped
    sigmoid = bank.questions[0]
    assert sigmoid.id == "i0f5a4b3c2d1e0f9a8b7c6d5e4f3a2b10"
    assert sigmoid.prompt == {
        "sv": "Vilket värdeintervall har sigmoid-funktionen?\n\n[image: Graf över sigmoid]"
    }
    assert sigmoid.topics == ("Aktiveringsfunktioner",)  # the question group
    assert sigmoid.max_points == 1.0  # the group's points_per_item, as Canvas scores it (points_possible 2.0)
    assert sigmoid.general_feedback == "Sigmoid pressar ihop alla värden till intervallet (0, 1)."
    assert [(c.text, c.fraction, c.feedback) for c in sigmoid.choices] == [
        ("(0, 1)", 1.0, ""),
        ("(-1, 1)", 0.0, "Det är tanh du tänker på."),  # <ident>_fb
        ("[0, ∞)", 0.0, ""),  # HTML entities decoded
    ]
    true_false = bank.questions[1]
    assert [(c.text, c.fraction) for c in true_false.choices] == [("True", 1.0), ("False", 0.0)]


def test_canvas_multiple_answers_short_answer_numerical_and_essay(tmp_path: Path) -> None:
    bank = import_file(_canvas_zip(tmp_path), skipped=[])
    several, short, numerical, essay = bank.questions[2:6]
    assert several.topics == ()
    assert [(c.text, c.fraction) for c in several.choices] == [
        ("Dropout", 0.3333333),
        ("Fler epoker", -0.3333333),  # a wrong tick costs what a right one gains, as Canvas grades
        ("Dataaugmentering", 0.3333333),
        ("L2-regularisering", 0.3333333),
    ]
    assert [(c.text, c.fraction) for c in short.choices] == [
        ("Convolutional Neural Network", 1.0),
        ("Convolutional neural net", 1.0),
    ]
    assert numerical.prompt == {
        "sv": "Adam används ofta med inlärningstakten 10^-3. Skriv den som decimaltal."
    }
    assert [(a.value, a.tolerance, a.fraction) for a in numerical.numerical] == [
        (0.001, 0.0001, 1.0),  # exact answer with margin
        (0.00125, 0.00075, 0.5),  # a range worth half
    ]
    assert essay.max_points == 4.0
    assert essay.reference_answer["en"].startswith("In deep networks the gradient is a product")
    assert essay.general_feedback == ""


def test_canvas_unsupported_questions_are_named_with_their_line(tmp_path: Path) -> None:
    text = CANVAS_QUIZ.read_text(encoding="utf-8")
    with pytest.raises(InputFileErrors) as raised:
        import_qti(CANVAS_QUIZ)
    errors = raised.value.errors
    assert [error.line for error in errors] == [_line_of(text, 'ident="i6f708192a3b4c5d6e7f8091a2b3c4d56"')]
    assert errors[0].field == "item 'i6f708192a3b4c5d6e7f8091a2b3c4d56' (Reflektion)"
    assert "essay has no model answer" in errors[0].reason
    assert errors[0].unsupported  # skippable, unlike a broken question


def test_canvas_matching_is_a_choice_per_item_with_the_pair_comment_on_wrong_answers() -> None:
    """Canvas matching_question (was: refused as unsupported): each item a choice among every answer
    offered (the distractor too), an equal share of points_possible; the pair's comment, which Canvas
    shows when the item is matched wrongly, is the feedback of the wrong choices; the split is noted."""
    notes: list[str] = []
    bank = import_file(CANVAS_QUIZ, skipped=[], notes=notes)
    conv, lstm = [question for question in bank.questions if question.id.startswith("i708192a3")]
    assert (conv.id, lstm.id) == (
        "i708192a3b4c5d6e7f8091a2b3c4d5e67-1",
        "i708192a3b4c5d6e7f8091a2b3c4d5e67-2",
    )
    assert lstm.prompt_in("sv") == "Para ihop lager och uppgift.\n\nLSTM → _____"
    assert [(c.text, c.fraction, c.feedback) for c in conv.choices] == [
        ("Bilder", 1.0, ""),
        ("Sekvenser", 0.0, "Faltningar glider över bildens pixlar."),
        ("Tabeller", 0.0, "Faltningar glider över bildens pixlar."),
    ]
    assert [(c.text, c.fraction) for c in lstm.choices] == [
        ("Bilder", 0.0),
        ("Sekvenser", 1.0),
        ("Tabeller", 0.0),
    ]
    assert conv.max_points == lstm.max_points == 1.0  # points_possible 2.0 shared by the two items
    assert (
        f"{CANVAS_QUIZ}:{_line_of(CANVAS_QUIZ.read_text(encoding='utf-8'), 'Para ihop')}: item "
        in "".join(
            note for note in notes if "a matching question with 2 items: imported as 2 questions" in note
        )
    )


def test_canvas_matching_without_a_right_answer_is_an_error_naming_the_item(tmp_path: Path) -> None:
    """A matching item the scoring gives no answer cannot be graded: an error, not a silent guess."""
    text = CANVAS_QUIZ.read_text(encoding="utf-8").replace(
        '<varequal respident="response_4411">9002</varequal>',
        '<varequal respident="response_4411">1</varequal>',
    )
    path = tmp_path / "quiz.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileErrors) as raised:
        import_qti(path, skipped=[])
    [error] = raised.value.errors
    assert error.field == "item 'i708192a3b4c5d6e7f8091a2b3c4d5e67' (Para ihop)"
    assert error.reason == "matching item 'LSTM' (response_4411) has no right answer among its choices"
    assert not error.unsupported


def test_blackboard_pool_export(tmp_path: Path) -> None:
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="man00001" xmlns:bb="http://www.blackboard.com/content-packaging/">
  <organizations/>
  <resources>
    <resource bb:file="res00001.dat" bb:title="DL-pool: CNN" identifier="res00001"
      type="assessment/x-bb-qti-pool" xml:base="res00001"/>
    <resource bb:file="res00002.dat" bb:title="Assessment Creation Settings" identifier="res00002"
      type="course/x-bb-courseassessmentcreationsettings" xml:base="res00002"/>
  </resources>
</manifest>
"""
    settings_dat = '<?xml version="1.0" encoding="UTF-8"?>\n<ASSESSMENTCREATIONSETTINGS/>\n'
    package = _zip(
        tmp_path / "ExportFile_DL_pool.zip",
        {
            "imsmanifest.xml": manifest,
            "res00001.dat": (DATA_DIR / "blackboard_pool.dat").read_bytes(),
            "res00002.dat": settings_dat,
        },
    )
    skipped: list[InputFileError] = []
    bank = import_file(package, skipped=skipped)
    assert bank.title == "DL-pool: CNN"
    pooling, essay, channels = bank.questions
    assert pooling.type is QuestionType.MULTIPLE_CHOICE
    assert pooling.prompt == {"sv": "Vad gör ett pooling-lager?"}
    assert [(c.text, c.fraction, c.feedback) for c in pooling.choices] == [
        ("Minskar den rumsliga upplösningen", 1.0, ""),  # SCORE.max is full marks
        ("Lägger till fler filter", 0.0, "Det gör faltningslager."),
    ]
    assert essay.type is QuestionType.FREE_TEXT and essay.max_points == 5.0
    assert essay.reference_answer["en"].startswith("Weight sharing means one filter is applied")
    assert essay.id == "9001002_1"  # Blackboard items have no ident: their object id, made an id
    assert channels.type is QuestionType.SHORT_EXACT
    assert [c.text for c in channels.choices] == ["3", "tre"]
    assert [error.path.name for error in skipped] == ["res00001.dat"]
    assert "ordering questions (type 'Ordering') are not supported" in skipped[0].reason


def test_qti_12_without_type_metadata_is_read_from_its_response_elements(tmp_path: Path) -> None:
    path = tmp_path / "generic.xml"
    path.write_text(
        """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE questestinterop SYSTEM "ims_qtiasiv1p2p1.dtd">
<questestinterop>
  <item ident="q_truefalse" title="TF">
    <presentation>
      <material><mattext>Batch normalisation normalises activations (the naïve view).</mattext></material>
      <response_lid ident="tf" rcardinality="Single">
        <render_choice>
          <response_label ident="T"><material><mattext>True</mattext></material></response_label>
          <response_label ident="F"><material><mattext>False</mattext></material></response_label>
        </render_choice>
      </response_lid>
    </presentation>
    <resprocessing>
      <outcomes><decvar varname="SCORE" vartype="Integer" maxvalue="1"/></outcomes>
      <respcondition><conditionvar><varequal respident="tf">T</varequal></conditionvar>
        <setvar action="Set" varname="SCORE">1</setvar></respcondition>
    </resprocessing>
  </item>
  <item ident="q_number" title="Epochs">
    <presentation>
      <material><mattext texttype="text/plain">How many epochs
did the run in figure 2 train for?</mattext></material>
      <response_num ident="n" rcardinality="Single"><render_fib fibtype="Integer"/></response_num>
    </presentation>
    <resprocessing>
      <respcondition><conditionvar><varequal respident="n">20</varequal></conditionvar>
        <setvar action="Set">100</setvar></respcondition>
    </resprocessing>
  </item>
</questestinterop>
""",
        encoding="latin-1",
    )
    bank = import_file(path)
    truefalse, number = bank.questions
    assert truefalse.type is QuestionType.TRUE_FALSE
    assert truefalse.prompt == {"en": "Batch normalisation normalises activations (the naïve view)."}
    assert [(c.text, c.fraction) for c in truefalse.choices] == [("True", 1.0), ("False", 0.0)]
    assert number.type is QuestionType.NUMERICAL
    assert number.prompt == {
        "en": "How many epochs\ndid the run in figure 2 train for?"
    }  # plain text lines kept
    assert [(a.value, a.tolerance) for a in number.numerical] == [(20.0, 0.0)]


# ---- QTI 3.0 ---------------------------------------------------------------------------------------------


def test_qti_3_item_with_kebab_case_names(tmp_path: Path) -> None:
    path = tmp_path / "item.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="lr-schedule"
  title="Inlärningstakt" adaptive="false" time-dependent="false">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="float">
    <qti-correct-response><qti-value>0.01</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float" normal-maximum="3"/>
  <qti-item-body>
    <p>Vilken inlärningstakt gav lägst valideringsförlust i laboration 2?</p>
    <qti-text-entry-interaction response-identifier="RESPONSE"/>
  </qti-item-body>
  <qti-response-processing>
    <qti-response-condition><qti-response-if>
      <qti-equal tolerance-mode="relative" tolerance="10">
        <qti-variable identifier="RESPONSE"/><qti-correct identifier="RESPONSE"/>
      </qti-equal>
      <qti-set-outcome-value identifier="SCORE">
        <qti-base-value base-type="float">3</qti-base-value>
      </qti-set-outcome-value>
    </qti-response-if></qti-response-condition>
  </qti-response-processing>
</qti-assessment-item>
""",
        encoding="utf-8",
    )
    assert detect_format(path) == "qti"
    question = import_file(path).question("lr-schedule")
    assert question.type is QuestionType.NUMERICAL and question.max_points == 3.0
    assert question.prompt == {"sv": "Vilken inlärningstakt gav lägst valideringsförlust i laboration 2?"}
    assert [(a.value, a.tolerance) for a in question.numerical] == [(0.01, 0.001)]  # 10 % relative


def _numerical_item(conditions: str) -> str:
    return f"""<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="g" title="g">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float">
    <correctResponse><value>9.81</value></correctResponse>
    <mapping defaultValue="0"><mapEntry mapKey="9.81" mappedValue="2"/><mapEntry mapKey="10" mappedValue="1"/>
      <mapEntry mapKey="32" mappedValue="1"/></mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float" normalMaximum="2"/>
  <itemBody><p>g in m/s^2?</p><textEntryInteraction responseIdentifier="RESPONSE"/></itemBody>
  <responseProcessing><responseCondition>{conditions}</responseCondition></responseProcessing>
</assessmentItem>"""


def _equal(branch: str, mode: str, tolerance: str, compared: str, points: str) -> str:
    return f"""<{branch}><equal toleranceMode="{mode}" tolerance="{tolerance}">
      <variable identifier="RESPONSE"/>{compared}</equal>
      <setOutcomeValue identifier="SCORE"><baseValue baseType="float">{points}</baseValue></setOutcomeValue>
    </{branch}>"""


def test_each_numerical_value_takes_the_tolerance_of_its_own_condition(tmp_path: Path) -> None:
    """Was: every accepted value took the first <equal>'s tolerance (9.81's 0.05 for 10 and 32 too). A
    relative tolerance is that percentage of the value; a condition comparing with <correct> names the
    correct value's."""
    path = tmp_path / "g.xml"
    path.write_text(
        _numerical_item(
            _equal("responseIf", "absolute", "0.05", '<baseValue baseType="float">9.81</baseValue>', "2")
            + _equal("responseElseIf", "relative", "10", '<baseValue baseType="float">32</baseValue>', "1")
            + _equal("responseElseIf", "absolute", "0.5", '<baseValue baseType="float">10</baseValue>', "1")
        ),
        encoding="utf-8",
    )
    (question,) = import_file(path).questions
    assert [(a.value, a.tolerance, a.fraction) for a in question.numerical] == [
        (9.81, 0.05, 1.0),
        (10.0, 0.5, 0.5),
        (32.0, 3.2, 0.5),
    ]
    path.write_text(
        _numerical_item(
            _equal("responseIf", "absolute", "0.5", '<baseValue baseType="float">10</baseValue>', "1")
            + _equal("responseElseIf", "absolute", "0.02", '<correct identifier="RESPONSE"/>', "2")
        ),
        encoding="utf-8",
    )
    tolerances = {a.value: a.tolerance for a in import_file(path).questions[0].numerical}
    assert tolerances == {9.81: 0.02, 10.0: 0.5, 32.0: 0.02}


@pytest.mark.parametrize(
    ("mode", "figures", "tolerances"),
    [
        # 9.81 to 3 significant figures: what rounds to 9.81 is within 0.005; 32 and 10 keep theirs too.
        ("significantFigures", "3", {9.81: 0.005, 10.0: 0.05, 32.0: 0.05}),
        ("significantFigures", "1", {9.81: 0.5, 10.0: 5.0, 32.0: 5.0}),
        ("decimalPlaces", "1", {9.81: 0.05, 10.0: 0.05, 32.0: 0.05}),
    ],
)
def test_equal_rounded_accepts_what_rounds_to_the_value(
    tmp_path: Path, mode: str, figures: str, tolerances: dict[float, float]
) -> None:
    """Was: significant figures read as an exact comparison (tolerance 0), so '9.812' earned nothing for
    9.81 to three figures."""
    path = tmp_path / "rounded.xml"
    path.write_text(
        _numerical_item(
            f"""<responseIf><equalRounded roundingMode="{mode}" figures="{figures}">
      <variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></equalRounded>
      <setOutcomeValue identifier="SCORE"><baseValue baseType="float">2</baseValue></setOutcomeValue>
    </responseIf>"""
        ),
        encoding="utf-8",
    )
    (question,) = import_file(path).questions
    assert {a.value: a.tolerance for a in question.numerical} == tolerances


def test_qti_3_shared_stimulus_is_put_before_the_question(tmp_path: Path) -> None:
    item = """<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="read-1"
  title="Läsförståelse">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>B</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-assessment-stimulus-ref identifier="passage" href="../stimuli/passage.xml"/>
  <qti-item-body>
    <qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
      <qti-prompt>What does the passage say dropout does?</qti-prompt>
      <qti-simple-choice identifier="A">Adds neurons</qti-simple-choice>
      <qti-simple-choice identifier="B">Switches neurons off at random</qti-simple-choice>
    </qti-choice-interaction>
  </qti-item-body>
</qti-assessment-item>"""
    stimulus = """<qti-assessment-stimulus xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
  identifier="passage">
  <qti-stimulus-body><p>During training, dropout switches neurons off at random.</p></qti-stimulus-body>
</qti-assessment-stimulus>"""
    package = _zip(tmp_path / "qti3.zip", {"items/read-1.xml": item, "stimuli/passage.xml": stimulus})
    question = import_qti(package).question("read-1")
    assert question.prompt == {
        "en": "During training, dropout switches neurons off at random.\n\n"
        "What does the passage say dropout does?"
    }
    (tmp_path / "items").mkdir()
    (tmp_path / "items" / "read-1.xml").write_text(item, encoding="utf-8")
    with pytest.raises(InputFileError) as raised:  # the passage is part of the question: it must be there
        import_qti(tmp_path / "items" / "read-1.xml")
    assert (
        raised.value.line == 6
        and "shared stimulus '../stimuli/passage.xml' not found" in raised.value.message
    )
    (tmp_path / "stimuli").mkdir()
    (tmp_path / "stimuli" / "passage.xml").write_text(stimulus, encoding="utf-8")
    assert import_qti(tmp_path / "items" / "read-1.xml").question("read-1").prompt == question.prompt


def test_mathml_object_fallback_and_glued_blanks_become_readable_text(tmp_path: Path) -> None:
    path = tmp_path / "formula.xml"
    path.write_text(
        """<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" xmlns:m="http://www.w3.org/1998/Math/MathML"
  identifier="quadratic" title="Formula">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">
    <correctResponse><value>discriminant</value></correctResponse>
  </responseDeclaration>
  <itemBody>
    <object type="image/png" data="img/table.png"><p>Rows: a=1, b=5, c=6</p></object>
    <p>In <m:math><m:mi>x</m:mi><m:mo>=</m:mo><m:mfrac><m:mrow><m:mo>-</m:mo><m:mi>b</m:mi><m:mo>&#177;</m:mo>
      <m:msqrt><m:msup><m:mi>b</m:mi><m:mn>2</m:mn></m:msup><m:mo>-</m:mo><m:mn>4</m:mn><m:mi>a</m:mi><m:mi>c</m:mi>
      </m:msqrt></m:mrow><m:mrow><m:mn>2</m:mn><m:mi>a</m:mi></m:mrow></m:mfrac>
      <m:annotation encoding="LaTeX">x = \\frac{-b}{2a}</m:annotation></m:math> the part under the root is
      the<textEntryInteraction responseIdentifier="RESPONSE"/>of the equation.</p>
  </itemBody>
</assessmentItem>""",
        encoding="utf-8",
    )
    question = import_qti(path).question("quadratic")
    assert question.prompt == {
        "en": "[image: table.png]\n\nRows: a=1, b=5, c=6\n\n"
        "In x = (-b±√(b^2-4ac))/(2a) the part under the root is the _____ of the equation."
    }


def test_canvas_blank_answer_rows_are_dropped_and_answer_feedback_is_kept(tmp_path: Path) -> None:
    """Canvas exports the empty answer rows a teacher left, and links answer feedback by condition."""
    path = tmp_path / "quiz.xml"
    path.write_text(
        """<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">
<assessment ident="a1" title="Quiz"><section ident="root_section">
<item ident="multi" title="Multi">
  <itemmetadata><qtimetadata>
    <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>multiple_answers_question</fieldentry></qtimetadatafield>
  </qtimetadata></itemmetadata>
  <presentation>
    <material><mattext texttype="text/html">&lt;p&gt;Which are optimisers?&lt;/p&gt;</mattext></material>
    <response_lid ident="response1" rcardinality="Multiple"><render_choice>
      <response_label ident="1">
        <material><mattext texttype="text/plain"></mattext></material></response_label>
      <response_label ident="2">
        <material><mattext texttype="text/plain">Adam</mattext></material></response_label>
      <response_label ident="3">
        <material><mattext texttype="text/plain">SGD</mattext></material></response_label>
      <response_label ident="4">
        <material><mattext texttype="text/plain">ReLU</mattext></material></response_label>
    </render_choice></response_lid></presentation>
  <resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
    <respcondition continue="No"><conditionvar><and>
      <not><varequal respident="response1">1</varequal></not>
      <varequal respident="response1">2</varequal><varequal respident="response1">3</varequal>
      <not><varequal respident="response1">4</varequal></not>
    </and></conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>
  </resprocessing>
</item>
<item ident="short" title="Short">
  <itemmetadata><qtimetadata>
    <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>short_answer_question</fieldentry></qtimetadatafield>
  </qtimetadata></itemmetadata>
  <presentation><material><mattext>Name the activation max(0, x).</mattext></material>
    <response_str ident="response1" rcardinality="Single"><render_fib/></response_str></presentation>
  <resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
    <respcondition continue="Yes"><conditionvar><varequal respident="response1">ReLU</varequal></conditionvar>
      <displayfeedback feedbacktype="Response" linkrefid="4993_fb"/></respcondition>
    <respcondition continue="No"><conditionvar><varequal respident="response1">ReLU</varequal>
      <varequal respident="response1">relu</varequal></conditionvar>
      <setvar action="Set" varname="SCORE">100</setvar>
      <displayfeedback feedbacktype="Response" linkrefid="correct_fb"/></respcondition>
  </resprocessing>
  <itemfeedback ident="correct_fb">
    <flow_mat><material><mattext>Right.</mattext></material></flow_mat></itemfeedback>
  <itemfeedback ident="4993_fb">
    <flow_mat><material><mattext>Spelled as in the paper.</mattext></material></flow_mat></itemfeedback>
</item>
<item ident="number" title="Number">
  <itemmetadata><qtimetadata>
    <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>numerical_question</fieldentry></qtimetadatafield>
  </qtimetadata></itemmetadata>
  <presentation><material><mattext>How many layers?</mattext></material>
    <response_str ident="response1" rcardinality="Single"><render_fib fibtype="Decimal"/></response_str>
  </presentation>
  <resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
    <respcondition continue="No"><conditionvar><vargte respident="response1">7.5</vargte>
      <varlte respident="response1">8.5</varlte></conditionvar>
      <setvar action="Set" varname="SCORE">100</setvar>
      <displayfeedback feedbacktype="Response" linkrefid="8958_fb"/></respcondition>
  </resprocessing>
  <itemfeedback ident="8958_fb">
    <flow_mat><material><mattext>Eight, counting the output.</mattext></material></flow_mat></itemfeedback>
</item>
</section></assessment></questestinterop>""",
        encoding="utf-8",
    )
    bank = import_qti(path)
    assert _choices(bank, "multi") == [("Adam", 0.5, ""), ("SGD", 0.5, ""), ("ReLU", -0.5, "")]
    assert _choices(bank, "short") == [("ReLU", 1.0, "Spelled as in the paper."), ("relu", 1.0, "")]
    answer = bank.question("number").numerical[0]
    assert (answer.value, answer.tolerance, answer.feedback) == (8.0, 0.5, "Eight, counting the output.")
    blank_correct = path.read_text(encoding="utf-8").replace(
        '<not><varequal respident="response1">1</varequal></not>',
        '<varequal respident="response1">1</varequal>',
    )
    path.write_text(blank_correct, encoding="utf-8")
    with pytest.raises(InputFileErrors, match="answer '1' is empty but marked correct"):
        import_qti(path)


def test_package_test_naming_an_item_the_package_lacks_is_an_error(tmp_path: Path) -> None:
    test = """<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="t" title="T">
<testPart identifier="p"><assessmentSection identifier="s" title="S">
<assessmentItemRef identifier="i1" href="item1.xml"/>
<assessmentItemRef identifier="i2" href="item2.xml"/>
</assessmentSection></testPart></assessmentTest>"""
    item = (DATA_DIR / "qti_inspera" / "ID_2101503-item.xml").read_text(encoding="utf-8")
    package = _zip(tmp_path / "partial.zip", {"export/test.xml": test, "export/item1.xml": item})
    with pytest.raises(InputFileError) as raised:  # not 1 question of 2 without a word
        import_qti(package)
    assert raised.value.path == Path(f"{package}/export/test.xml") and raised.value.line == 4
    assert "item file 'item2.xml' is not in the package" in raised.value.message


def test_one_line_code_options_become_inline_code_and_only_a_last_code_block_leaves_the_prompt(
    tmp_path: Path,
) -> None:
    """Blackboard (zyBooks pools) writes options as <pre><code>; a prompt may hold code mid-text."""
    path = tmp_path / "pool.dat"
    options = "".join(
        f'<response_label ident="{ident}"><flow_mat><material><mat_extension><mat_formattedtext type="HTML">'
        f"&lt;div&gt;&lt;pre&gt;&lt;code&gt;{code}&lt;/code&gt;&lt;/pre&gt;&lt;/div&gt;</mat_formattedtext>"
        "</mat_extension></material></flow_mat></response_label>"
        for ident, code in (("a", "code = 'JFK'"), ("b", "code = JFK"))
    )
    prompt = (
        "&lt;p&gt;Given&lt;/p&gt;&lt;pre&gt;x = 1&lt;/pre&gt;"
        "&lt;p&gt;and&lt;/p&gt;&lt;pre&gt;y = 2&lt;/pre&gt;"
    )
    path.write_text(
        f"""<questestinterop><assessment title="Pool"><section><item title="Q1">
<itemmetadata><bbmd_asi_object_id>_1_1</bbmd_asi_object_id>
<bbmd_questiontype>Multiple Choice</bbmd_questiontype>
</itemmetadata><presentation><flow><material><mat_extension><mat_formattedtext type="HTML">{prompt}
</mat_formattedtext></mat_extension></material><response_lid ident="response"><render_choice>{options}
</render_choice></response_lid></flow></presentation>
<resprocessing><outcomes><decvar varname="SCORE" maxvalue="1.0"/></outcomes>
<respcondition title="correct"><conditionvar><varequal respident="response">a</varequal></conditionvar>
<setvar variablename="SCORE" action="Set">SCORE.max</setvar></respcondition>
<respcondition><conditionvar><varequal respident="a" case="No"/></conditionvar>
<setvar variablename="SCORE" action="Set">0</setvar></respcondition>
</resprocessing></item></section></assessment></questestinterop>""",
        encoding="utf-8",
    )
    question = import_qti(path).questions[0]
    assert [(choice.text, choice.fraction) for choice in question.choices] == [
        ("`code = 'JFK'`", 1.0),
        ("`code = JFK`", 0.0),
    ]
    assert question.prompt == {"en": "Given\n\n```\nx = 1\n```\n\nand"}
    assert question.code is not None and question.code.source == "y = 2"


def test_onyx_prefixed_item_with_unlimited_choices_and_an_image_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "onyx.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<imsqti:assessmentItem xmlns:imsqti="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="id4f"
  title="New question">
  <imsqti:responseDeclaration identifier="RESPONSE_1" cardinality="multiple" baseType="identifier">
    <imsqti:correctResponse><imsqti:value>c1</imsqti:value></imsqti:correctResponse>
  </imsqti:responseDeclaration>
  <imsqti:itemBody>
    <p>Look at the picture</p>
    <p> </p>
    <p>
      <imsqti:img src="media/luggage(1).png" alt="" width="32" height="32" />
    </p>
    <imsqti:choiceInteraction responseIdentifier="RESPONSE_1" shuffle="false" maxChoices="0">
      <imsqti:simpleChoice identifier="c1"><p>Stay with your luggage.</p></imsqti:simpleChoice>
      <imsqti:simpleChoice identifier="c2"><p>Leave it.</p></imsqti:simpleChoice>
    </imsqti:choiceInteraction>
  </imsqti:itemBody>
</imsqti:assessmentItem>""",
        encoding="utf-8",
    )
    question = import_qti(path).question("id4f")
    assert question.prompt == {"en": "Look at the picture\n\n[image: luggage(1).png]"}  # no stray space
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("Stay with your luggage.", 1.0),
        ("Leave it.", -1.0),
    ]


# ---- scoring: all-or-nothing, mapped partial credit, points ------------------------------------------

_QTI21 = 'xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"'
_ACTIVATIONS = """
    <choiceInteraction responseIdentifier="RESPONSE" maxChoices="0">
      <prompt>Which are activation functions?</prompt>
      <simpleChoice identifier="A">ReLU</simpleChoice>
      <simpleChoice identifier="B">Adam</simpleChoice>
      <simpleChoice identifier="C">tanh</simpleChoice>
      <simpleChoice identifier="D">Dropout</simpleChoice>
    </choiceInteraction>"""


def _multiple_response(processing: str, mapping: str = "", outcomes: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {_QTI21} identifier="activations" title="Activations" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">
    <correctResponse><value>A</value><value>C</value></correctResponse>{mapping}
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>{outcomes}
  <itemBody>{_ACTIVATIONS}
  </itemBody>
  {processing}
</assessmentItem>"""


def _item(tmp_path: Path, xml: str, name: str = "item.xml") -> Question:
    path = tmp_path / name
    path.write_text(xml, encoding="utf-8")
    return import_qti(path).questions[0]


_TAO_MAPPING = """
    <mapping defaultValue="0">
      <mapEntry mapKey="A" mappedValue="1"/><mapEntry mapKey="B" mappedValue="0"/>
      <mapEntry mapKey="C" mappedValue="1"/><mapEntry mapKey="D" mappedValue="0"/>
    </mapping>"""
_INLINE_MATCH = """<responseProcessing>
    <responseCondition>
      <responseIf>
        <match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>
        <setOutcomeValue identifier="SCORE"><variable identifier="MAXSCORE"/></setOutcomeValue>
      </responseIf>
      <responseElse>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue>
      </responseElse>
    </responseCondition>
  </responseProcessing>"""
_MAXSCORE_2 = """
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">
    <defaultValue><value>2</value></defaultValue>
  </outcomeDeclaration>"""


@pytest.mark.parametrize(
    ("processing", "mapping", "outcomes"),
    [
        pytest.param(
            '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>',
            _TAO_MAPPING,  # TAO keeps the choice scores map_response would use; match_correct ignores them
            "",
            id="qti21-template",
        ),
        pytest.param(
            '<responseProcessing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>',
            "",
            "",
            id="qti3-template-url",
        ),
        pytest.param(_INLINE_MATCH, "", _MAXSCORE_2, id="inline-match-setting-maxscore"),
    ],
)
def test_match_correct_multiple_response_is_all_or_nothing(
    tmp_path: Path, minilm_embedder: Embedder, processing: str, mapping: str, outcomes: str
) -> None:
    """match_correct is all or nothing (ONYX, Canvas New Quizzes and TAO write multiple-response items
    this way): the exact set scores full points, a response with any wrong choice or only some of the
    correct ones scores 0."""
    question = _item(tmp_path, _multiple_response(processing, mapping, outcomes))
    assert question.all_or_nothing
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("ReLU", 0.5),
        ("Adam", 0.0),
        ("tanh", 0.5),
        ("Dropout", 0.0),
    ]
    grader = Grader.create(minilm_embedder)
    full = question.max_points
    assert grader.grade(question, "a, c").score == full
    assert grader.grade(question, "a, b, c").score == 0  # partial credit per tick would give half
    assert grader.grade(question, "a").score == 0  # a strict subset of the correct set earns nothing too
    assert grader.grade(question, "ReLU\ntanh\nDropout").score == 0


def test_map_response_multiple_response_keeps_its_mapped_partial_credit(tmp_path: Path) -> None:
    """map_response scores each ticked choice by its mapped value (unlisted choices by defaultValue),
    capped by upperBound, which is then the item's maximum."""
    mapping = """
    <mapping lowerBound="0" upperBound="2" defaultValue="-0.5">
      <mapEntry mapKey="A" mappedValue="1"/><mapEntry mapKey="C" mappedValue="1"/>
      <mapEntry mapKey="D" mappedValue="1"/>
    </mapping>"""
    template = (
        '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p2/rptemplates/map_response"/>'
    )
    question = _item(tmp_path, _multiple_response(template, mapping))
    assert not question.all_or_nothing
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("ReLU", 0.5),
        ("Adam", -0.25),  # defaultValue -0.5 of the 2 points the mapping can give
        ("tanh", 0.5),
        ("Dropout", 0.5),
    ]
    assert question.max_points == 2.0  # upperBound, below the mapped sum of 3
    inline = _multiple_response(
        """<responseProcessing><setOutcomeValue identifier="SCORE">
      <mapResponse identifier="RESPONSE"/></setOutcomeValue></responseProcessing>""",
        _TAO_MAPPING,
    )
    assert [c.fraction for c in _item(tmp_path, inline).choices] == [0.5, 0.0, 0.5, 0.0]


def test_match_correct_text_entry_accepts_only_the_correct_response(tmp_path: Path) -> None:
    item = f"""<assessmentItem {_QTI21} identifier="optimiser" title="Optimiser">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">
    <correctResponse><value>Adam</value></correctResponse>
    <mapping defaultValue="0">
      <mapEntry mapKey="Adam" mappedValue="1"/><mapEntry mapKey="SGD" mappedValue="0.5"/>
    </mapping>
  </responseDeclaration>
  <itemBody>
    <p>Which optimiser did lab 2 use? <textEntryInteraction responseIdentifier="RESPONSE"/></p>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>"""
    question = _item(tmp_path, item)
    assert [(c.text, c.fraction) for c in question.choices] == [("Adam", 1.0)]
    mapped = _item(tmp_path, item.replace("match_correct", "map_response"), "mapped.xml")
    assert [(c.text, c.fraction) for c in mapped.choices] == [("Adam", 1.0), ("SGD", 0.5)]


def _blackboard_multiple_answer(partial_credit: str) -> str:
    labels = "".join(
        f"""<flow_label class="Block"><response_label ident="{ident}"><flow_mat class="FORMATTED_TEXT_BLOCK">
          <material><mat_extension><mat_formattedtext type="SMART_TEXT">{text}</mat_formattedtext>
          </mat_extension></material></flow_mat></response_label></flow_label>"""
        for ident, text in (("a1", "ReLU"), ("a2", "Adam"), ("a3", "tanh"))
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<questestinterop><assessment title="DL-pool"><section><item title="Aktiveringar" maxattempts="0">
  <itemmetadata>
    <bbmd_asi_object_id>_77_1</bbmd_asi_object_id>
    <bbmd_questiontype>Multiple Answer</bbmd_questiontype>
    <bbmd_partialcredit>{partial_credit}</bbmd_partialcredit>
    <qmd_absolutescore_max>2.0</qmd_absolutescore_max>
  </itemmetadata>
  <presentation><flow class="Block">
    <flow class="QUESTION_BLOCK"><flow class="FORMATTED_TEXT_BLOCK"><material><mat_extension>
      <mat_formattedtext type="SMART_TEXT">Vilka är aktiveringsfunktioner?</mat_formattedtext>
    </mat_extension></material></flow></flow>
    <flow class="RESPONSE_BLOCK"><response_lid ident="response" rcardinality="Multiple">
      <render_choice shuffle="No" minnumber="0" maxnumber="0">{labels}</render_choice>
    </response_lid></flow>
  </flow></presentation>
  <resprocessing scoremodel="SumOfScores">
    <outcomes><decvar varname="SCORE" vartype="Decimal" minvalue="0" maxvalue="2.0"/></outcomes>
    <respcondition title="correct">
      <conditionvar><and>
        <varequal respident="response" case="No">a1</varequal>
        <not><varequal respident="response" case="No">a2</varequal></not>
        <varequal respident="response" case="No">a3</varequal>
      </and></conditionvar>
      <setvar variablename="SCORE" action="Set">SCORE.max</setvar>
    </respcondition>
    <respcondition title="incorrect"><conditionvar><other/></conditionvar>
      <setvar variablename="SCORE" action="Set">0.0</setvar></respcondition>
  </resprocessing>
</item></section></assessment></questestinterop>"""


@pytest.mark.parametrize(
    ("partial_credit", "all_or_nothing", "wrong", "for_a_subset", "for_one_wrong_more"),
    [("", True, 0.0, 0.0, 0.0), ("false", True, 0.0, 0.0, 0.0), ("true", False, -0.5, 1.0, 1.0)],
)
def test_blackboard_multiple_answer_is_all_or_nothing_unless_partial_credit_is_on(
    tmp_path: Path,
    minilm_embedder: Embedder,
    partial_credit: str,
    all_or_nothing: bool,
    wrong: float,
    for_a_subset: float,
    for_one_wrong_more: float,
) -> None:
    """Blackboard grades a Multiple Answer question by one condition that requires exactly the correct
    set: without partial credit a wrong tick, or a missing correct one, loses everything."""
    question = _item(tmp_path, _blackboard_multiple_answer(partial_credit), "pool.dat")
    assert question.all_or_nothing is all_or_nothing
    assert [(c.text, c.fraction) for c in question.choices] == [("ReLU", 0.5), ("Adam", wrong), ("tanh", 0.5)]
    assert question.max_points == 2.0
    grader = Grader.create(minilm_embedder)
    assert grader.grade(question, "a, c").score == 2.0
    assert grader.grade(question, "a").score == for_a_subset
    assert grader.grade(question, "a, b, c").score == for_one_wrong_more


def _essay(outcomes: str, rubric: str, processing: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem {_QTI21} identifier="dropout-essay" title="Dropout" adaptive="false" timeDependent="false"
  toolName="TAO" toolVersion="2023.12">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string"/>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"{outcomes}
  <itemBody>
    <div class="grid-row"><div class="col-12">
      <extendedTextInteraction responseIdentifier="RESPONSE">
        <prompt>Explain what dropout does and why it helps.</prompt>
      </extendedTextInteraction>
    </div></div>
    <rubricBlock view="scorer">{rubric}</rubricBlock>
  </itemBody>{processing}
</assessmentItem>"""


_ANSWER = "<p>Dropout switches off random neurons during training, which reduces overfitting.</p>"


@pytest.mark.parametrize(
    ("outcomes", "rubric", "points"),
    [
        pytest.param(
            '/>\n  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">'
            "<defaultValue><value>4</value></defaultValue></outcomeDeclaration>",
            _ANSWER + "<p>Max score: 3</p>",
            4.0,
            id="maxscore-declared-before-the-rubric",
        ),
        pytest.param(' normalMaximum="5"/>', _ANSWER, 5.0, id="normal-maximum"),
        pytest.param(
            '/>\n  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">'
            "<defaultValue><value>0</value></defaultValue></outcomeDeclaration>",
            _ANSWER + "<p>Max Score: 3</p>",
            3.0,
            id="zero-maxscore-then-rubric",
        ),
        pytest.param("/>", _ANSWER + "<p>Poäng: 2,5</p>", 2.5, id="rubric-points-line"),
        pytest.param(
            "/>",
            "<p>[1] Says that random neurons are switched off</p><p>[2] Explains the reduced overfitting</p>",
            3.0,
            id="bracketed-criteria-sum",
        ),
    ],
)
def test_essay_points_come_from_the_declaration_then_the_scorer_rubric(
    tmp_path: Path, outcomes: str, rubric: str, points: float
) -> None:
    question = _item(tmp_path, _essay(outcomes, rubric))
    assert question.max_points == points
    assert "score" not in question.reference_in("en").lower()  # the maximum is no part of the answer
    assert "Poäng" not in question.reference_in("en")


def test_bracketed_scorer_criteria_become_weighted_key_points(tmp_path: Path) -> None:
    rubric = "<p>[1] Says that random neurons are switched off</p><p>[2] Explains the reduced overfitting</p>"
    question = _item(tmp_path, _essay("/>", rubric))
    assert [(point.text, round(point.weight, 3)) for point in question.rubric] == [
        ("Random neurons are switched off", 0.333),  # the criterion as a key point
        ("Explains the reduced overfitting", 0.667),
    ]


def test_choice_points_come_from_the_mapping_or_the_score_inline_rules_set(tmp_path: Path) -> None:
    mapped = _multiple_response(
        '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"/>',
        """<mapping defaultValue="0"><mapEntry mapKey="A" mappedValue="1.5"/>
      <mapEntry mapKey="C" mappedValue="1.5"/><mapEntry mapKey="B" mappedValue="-1"/></mapping>""",
    )
    assert _item(tmp_path, mapped).max_points == 3.0
    inline = _multiple_response(
        _INLINE_MATCH.replace(
            '<variable identifier="MAXSCORE"/>', '<baseValue baseType="float">2</baseValue>'
        )
    )
    assert _item(tmp_path, inline, "inline.xml").max_points == 2.0
    template = _multiple_response(
        '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>',
        _TAO_MAPPING,
    )
    assert _item(tmp_path, template, "template.xml").max_points == 1.0  # match_correct's SCORE is 1


def test_bank_and_question_ids_from_titles_have_single_dashes(tmp_path: Path) -> None:
    test = f"""<assessmentTest {_QTI21} identifier="t" title="Week 1 - Intro">
  <testPart identifier="p" navigationMode="linear" submissionMode="individual">
    <assessmentSection identifier="s" title="Del A" visible="true">
      <assessmentItemRef identifier="i" href="item.xml"/>
    </assessmentSection>
  </testPart>
</assessmentTest>"""
    (tmp_path / "item.xml").write_text(
        _multiple_response("").replace('identifier="activations"', 'identifier="Lab 2 -- activations"'),
        encoding="utf-8",
    )
    (tmp_path / "test.xml").write_text(test, encoding="utf-8")
    bank = import_qti(tmp_path / "test.xml")
    assert bank.id == "week-1-intro"
    assert [question.id for question in bank.questions] == ["lab-2-activations"]


# ---- broken and hostile files ----------------------------------------------------------------------------


def test_malformed_item_in_a_package_names_member_and_line(tmp_path: Path) -> None:
    broken = (INSPERA / "ID_2101503-item.xml").read_text(encoding="utf-8").replace("</p>", "</div>", 1)
    package = _inspera_zip(tmp_path, {"ID_2101503-item.xml": broken})
    with pytest.raises(InputFileError) as raised:
        import_qti(package, skipped=[])
    assert raised.value.path == Path(f"{package}/DT2024_omtenta/ID_2101503-item.xml")
    assert raised.value.line == _line_of(broken, "</div>")
    assert "not well-formed XML (mismatched tag)" in raised.value.message


def test_malformed_standalone_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xml"
    text = CANVAS_QUIZ.read_text(encoding="utf-8").replace("<presentation>", "<presentation", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError, match=r"quiz\.xml:\d+: not well-formed XML"):
        import_file(path)


def test_a_bad_item_fails_the_whole_file_and_names_the_item(tmp_path: Path) -> None:
    bad = (
        (INSPERA / "ID_2101501-item.xml")
        .read_text(encoding="utf-8")
        .replace("<value>choice_2</value>", "<value>choice_9</value>")
    )
    package = _inspera_zip(tmp_path, {"ID_2101501-item.xml": bad})
    with pytest.raises(InputFileErrors) as raised:
        import_qti(package, skipped=[])  # skipping never hides real errors
    assert raised.value.message == (
        f"{package}/DT2024_omtenta/ID_2101501-item.xml:2: item 'ID_2101501' (Dropout): the scoring names "
        "choice 'choice_9', which the item does not have"
    )


def test_choice_without_any_correct_answer_is_an_error(tmp_path: Path) -> None:
    text = CANVAS_QUIZ.read_text(encoding="utf-8").replace(
        '<setvar action="Set" varname="SCORE">100</setvar>',
        '<setvar action="Set" varname="SCORE">0</setvar>',
        1,
    )
    path = tmp_path / "quiz.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileErrors) as raised:
        import_qti(path, skipped=[])
    assert "item 'i0f5a4b3c2d1e0f9a8b7c6d5e4f3a2b10' (Sigmoid): no correct answer" in raised.value.message


def test_entity_bomb_and_external_entities_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE questestinterop [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<questestinterop>&b;</questestinterop>\n',
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="entity declarations and external references are not allowed"):
        import_file(bomb)
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    external = tmp_path / "external.xml"
    external.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE assessmentItem [<!ENTITY s SYSTEM "file://{secret}">]>\n'
        '<assessmentItem identifier="x"><itemBody><p>&s;</p></itemBody></assessmentItem>\n',
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="not allowed"):
        import_file(external)


def test_oversized_member_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = _inspera_zip(tmp_path)
    monkeypatch.setattr(qti, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(
        InputFileError, match=r"imsmanifest\.xml: is larger than 1000 bytes; refusing to read it"
    ):
        import_qti(package)


def test_zip_that_is_not_a_package(tmp_path: Path) -> None:
    not_zip = tmp_path / "export.zip"
    not_zip.write_text("PK? no", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a readable zip archive"):
        import_file(not_zip)
    empty = _zip(tmp_path / "photos.zip", {"imsmanifest.xml": "<manifest><resources/></manifest>"})
    with pytest.raises(InputFileError, match="no QTI questions found"):
        import_file(empty)


def test_zip_without_manifest_reads_its_qti_files(tmp_path: Path) -> None:
    package = _zip(
        tmp_path / "items.zip", {"q/ID_2101503.xml": (INSPERA / "ID_2101503-item.xml").read_bytes()}
    )
    assert [question.id for question in import_file(package).questions] == ["ID_2101503"]


# ---- detection and round trip ----------------------------------------------------------------------------


def test_detection_tells_qti_from_moodle_xml(tmp_path: Path) -> None:
    assert detect_format(CANVAS_QUIZ) == "qti"
    assert detect_format(DATA_DIR / "moodle_export_dl.xml") == "moodle-xml"
    saved_as_text = tmp_path / "item.txt"
    saved_as_text.write_bytes((INSPERA / "ID_2101504-item.xml").read_bytes())
    assert detect_format(saved_as_text) == "qti"
    assert looks_like_qti("\ufeff<?xml version='1.0'?>\n<!-- Canvas -->\n<questestinterop/>")
    assert looks_like_qti('<qti:assessmentItem xmlns:qti="http://www.imsglobal.org/xsd/imsqti_v2p2"/>')
    assert not looks_like_qti("<quiz><question/></quiz>")


def test_round_trip_through_native_yaml(tmp_path: Path) -> None:
    bank = import_file(_canvas_zip(tmp_path), skipped=[])
    path = tmp_path / "bank.yaml"
    path.write_text(dump_yaml(bank), encoding="utf-8")
    assert read_native(path) == bank


# ---- through the CLI -------------------------------------------------------------------------------------


def test_cli_imports_a_canvas_zip_and_a_bad_package_changes_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    package = _canvas_zip(tmp_path)
    refused = runner.invoke(app, ["bank", "import", str(package)])
    assert isinstance(refused.exception, TentaError)
    assert "essay has no model answer" in str(refused.exception)  # the one problem left
    assert "--skip-unsupported" in str(refused.exception)
    assert not settings.banks_dir.exists() or list(settings.banks_dir.iterdir()) == []

    dry = runner.invoke(
        app, ["bank", "import", str(package), "--dry-run", "--skip-unsupported"], env={"COLUMNS": "200"}
    )
    assert dry.exit_code == 0, dry.output
    assert "Would import 'quiz-3-neurala-natverk': 8 questions" in dry.stdout
    assert "skipped" in dry.stderr and "essay has no model answer" in dry.stderr
    assert not settings.banks_dir.exists() or list(settings.banks_dir.iterdir()) == []

    imported = runner.invoke(app, ["bank", "import", str(package), "--skip-unsupported", "--format", "qti"])
    assert imported.exit_code == 0, imported.output
    assert "imported 'quiz-3-neurala-natverk' (8 questions)" in imported.stdout
    shown = runner.invoke(app, ["bank", "show", "quiz-3-neurala-natverk", "-q", "1"], env={"COLUMNS": "200"})
    assert "[+100%] (0, 1)" in shown.stdout and "topics: Aktiveringsfunktioner" in shown.stdout


def test_brightspace_library_mathml_in_html_and_unlinked_general_feedback(tmp_path: Path) -> None:
    """Brightspace question libraries (<objectbank>) put MathML inside escaped HTML and their general
    feedback in an <itemfeedback> no condition shows; fractions must stay fractions (x/2, not x2)."""
    math = '&lt;math xmlns="http://www.w3.org/1998/Math/MathML"&gt;'
    half = f"{math}&lt;mfrac&gt;&lt;mi&gt;x&lt;/mi&gt;&lt;mn&gt;2&lt;/mn&gt;&lt;/mfrac&gt;&lt;/math&gt;"
    square = f"{math}&lt;msup&gt;&lt;mi&gt;x&lt;/mi&gt;&lt;mn&gt;2&lt;/mn&gt;&lt;/msup&gt;&lt;/math&gt;"
    double = f"{math}&lt;mn&gt;2&lt;/mn&gt;&lt;mi&gt;x&lt;/mi&gt;&lt;/math&gt;"
    path = tmp_path / "questiondb.xml"
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<questestinterop><objectbank ident="QLIB_1" xmlns:d2l_2p0="http://desire2learn.com/xsd/d2lcp_v2p0">
<section ident="SECT_1" title="Week 2">
<item d2l_2p0:id="3" ident="OBJ_7" label="W2_Q1" title="W2_Q1">
  <presentation><flow>
    <material><mattext texttype="text/html">What is the derivative of {square}?</mattext></material>
    <response_lid ident="W2_Q1_LID" rcardinality="Single"><render_choice shuffle="no">
      <flow_label class="Block"><response_label ident="ANS_1"><flow_mat><material>
        <mattext texttype="text/html">{half}</mattext></material></flow_mat></response_label></flow_label>
      <flow_label class="Block"><response_label ident="ANS_2"><flow_mat><material>
        <mattext texttype="text/html">{double}</mattext></material></flow_mat></response_label></flow_label>
    </render_choice></response_lid>
  </flow></presentation>
  <resprocessing>
    <respcondition><conditionvar><varequal respident="W2_Q1_LID">ANS_1</varequal></conditionvar>
      <setvar action="Set">0</setvar>
      <displayfeedback feedbacktype="Response" linkrefid="QUES_ANSWER_1"/></respcondition>
    <respcondition><conditionvar><varequal respident="W2_Q1_LID">ANS_2</varequal></conditionvar>
      <setvar action="Set">100</setvar>
      <displayfeedback feedbacktype="Response" linkrefid="QUES_ANSWER_2"/></respcondition>
  </resprocessing>
  <itemfeedback ident="W2_Q1"><material><mattext texttype="text/html">Use the power rule: {math}&lt;mrow&gt;
    &lt;mn&gt;2&lt;/mn&gt;&lt;mi&gt;x&lt;/mi&gt;&lt;/mrow&gt;&lt;/math&gt;.</mattext></material></itemfeedback>
</item>
</section></objectbank></questestinterop>
""",
        encoding="utf-8",
    )
    question = import_qti(path).questions[0]
    assert [(choice.text, choice.fraction) for choice in question.choices] == [("x/2", 0.0), ("2x", 1.0)]
    assert question.prompt == {"en": "What is the derivative of x^2?"}
    assert question.general_feedback == "Use the power rule: 2x."
    assert question.topics == ("Week 2",)


def _brightspace_item(ident: str, label: str, prompt: str) -> str:
    return f"""<item ident="{ident}" label="{label}" title="{prompt}">
  <presentation><flow><material><mattext texttype="text/plain">{prompt}</mattext></material>
    <response_lid ident="{label}_LID" rcardinality="Single"><render_choice shuffle="no">
      <flow_label class="Block"><response_label ident="ANS_1"><flow_mat><material>
        <mattext texttype="text/plain">yes</mattext></material></flow_mat></response_label></flow_label>
      <flow_label class="Block"><response_label ident="ANS_2"><flow_mat><material>
        <mattext texttype="text/plain">no</mattext></material></flow_mat></response_label></flow_label>
    </render_choice></response_lid></flow></presentation>
  <resprocessing><respcondition><conditionvar><varequal respident="{label}_LID">ANS_1</varequal>
    </conditionvar><setvar action="Set">100</setvar></respcondition></resprocessing>
</item>"""


def test_brightspace_items_sharing_an_ident_are_named_by_their_labels(tmp_path: Path) -> None:
    """Brightspace libraries give copied items one ident but each its own label: the labels become the
    ids (was: OBJ_115255, OBJ_115255-2); a repeated or invalid label, or a unique ident, keeps today's id."""
    items = [
        _brightspace_item("OBJ_115255", "Week02_Q1", "Is a ReLU linear for x > 0?"),
        _brightspace_item("OBJ_115255", "Week02_Q2", "Is dropout used at test time?"),
        _brightspace_item("OBJ_9", "OBJ_9_copy", "Does Adam adapt the step size?"),
        _brightspace_item("OBJ_3", "Dup", "Is softmax a probability distribution?"),
        _brightspace_item("OBJ_3", "Dup", "Is a CNN translation equivariant?"),
        _brightspace_item("OBJ_4", "not valid!", "Is batch norm applied per batch?"),
        _brightspace_item("OBJ_4", "OBJ_9", "Is an epoch one pass over the data?"),
    ]
    path = tmp_path / "questiondb.xml"
    path.write_text(
        f"<questestinterop><objectbank ident='QLIB_1'>{''.join(items)}</objectbank></questestinterop>",
        encoding="utf-8",
    )
    ids = [question.id for question in import_qti(path).questions]
    assert ids == ["Week02_Q1", "Week02_Q2", "OBJ_9", "OBJ_3", "OBJ_3-5", "OBJ_4", "OBJ_4-7"]
