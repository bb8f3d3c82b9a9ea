"""Round 10 of exchange files written by other tools, as a teacher moving a course into tenta brings them.
Each test writes the file in its producer's layout with words of its own (no copied fixture), and reads it
through the same reader `tenta bank import` or `tenta grade` uses."""

from __future__ import annotations

import zipfile
from html import escape
from pathlib import Path

import pytest
from openpyxl import Workbook

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.formats.export_losses import export_losses
from question_bank.formats.gift import dump_gift
from question_bank.formats.media import read_media
from question_bank.formats.spreadsheet import cell_text
from question_bank.formats.text_decoding import NotUtf8, decode_text
from question_bank.models import Bank
from quiz.teacher.submissions import read_submissions


def test_a_submissions_csv_saved_by_excel_for_mac_keeps_its_swedish_letters(tmp_path: Path) -> None:
    """A class's answers saved from Excel for Mac ('Comma Separated Values') are Mac Roman with CR line
    ends. The submissions reader took every file that is not UTF-8 for Windows-1252 before the Mac Roman
    check the bank readers make: 'Åsa Öberg' (0x81 0x85 in Mac Roman) was stored as '\ufffdsa …berg' and
    every 'ä' (0x8a) as 'Š'."""
    rows = [
        "Namn;Fråga;Svar",
        "Åsa Öberg;1;Modellen lär sig bruset i träningsdatan – inte mönstret",
        "Per Ängström;1;Överanpassning: för många parametrar för lite data",
    ]
    path = tmp_path / "svar från mac.csv"
    path.write_bytes(("\r".join(rows) + "\r").encode("mac_roman"))

    parsed = read_submissions(path)

    assert [(row.student_name, row.question_key, row.answer) for row in parsed.rows] == [
        ("Åsa Öberg", "1", "Modellen lär sig bruset i träningsdatan – inte mönstret"),
        ("Per Ängström", "1", "Överanpassning: för många parametrar för lite data"),
    ]
    assert not parsed.errors
    assert [warning.line for warning in parsed.warnings] == [1]


def test_each_policy_names_the_encoding_it_read_a_mac_roman_file_as() -> None:
    """The reader that warns about a file that is not UTF-8 can say how it was read: Mac Roman for the
    bank readers and the submissions reader alike."""
    raw = "Fråga;Svar\nVad är en räksmörgås?;En smörgås med räkor\n".encode("mac_roman")

    windows = decode_text(Path("q.csv"), raw, policy=NotUtf8.WINDOWS)
    replaced = decode_text(Path("q.csv"), raw, policy=NotUtf8.REPLACE)

    assert windows == replaced
    assert (replaced.text.splitlines()[1], replaced.encoding, replaced.not_utf8_line) == (
        "Vad är en räksmörgås?;En smörgås med räkor",
        "Mac Roman",
        1,
    )


def _bank_workbook(path: Path, rows: list[list[object]], formats: dict[str, str]) -> Path:
    """A question sheet as Excel saves it: numbers stored as doubles, each cell's number format in the
    workbook's styles (what Format Cells → Number sets)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Frågor"
    for row in rows:
        sheet.append(row)
    for cell, number_format in formats.items():
        sheet[cell].number_format = number_format
    workbook.save(path)
    return path


def test_spreadsheet_numbers_read_as_their_number_format_shows_them(tmp_path: Path) -> None:
    """A points column formatted with one decimal shows 0.5 where a sum stored 0.49999999999; a probability
    typed '0 1/4' is stored 0.25 in a '# ?/?' cell and shows as 1/4; a '0.00' cell shows 1.50. Read-only
    openpyxl gives the stored doubles, so the bank got 0.49999999999 points, 'a third' of a point as
    0.333333333333333 and an accepted answer '0.25' the teacher never wrote."""
    path = _bank_workbook(
        tmp_path / "frågebank.xlsx",
        [
            ["Question Type", "Question Text", "Option 1", "Option 2", "Points", "Correct Answer"],
            ["Fill-in-the-Blank", "Sannolikheten för krona två gånger?", 0.25, "25%", 0.49999999999],
            ["Fill-in-the-Blank", "Hur stor andel av datan är testdata?", 1 / 3, "", 1 / 3],
            ["Open-Ended", "Förklara överanpassning.", "", "", 1.5, "Modellen lär sig bruset."],
        ],
        {"C2": "# ?/?", "E2": "0.0", "C3": "# ??/??", "E3": "# ?/?", "E4": "0.00"},
    )

    chance, share, essay = import_file(path).questions

    assert [choice.text for choice in chance.choices] == ["1/4", "25%"]
    assert chance.max_points == 0.5
    assert [choice.text for choice in share.choices] == ["1/3"]
    assert share.max_points == 1 / 3
    assert essay.max_points == 1.5


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (0.49999999999, "0.0", "0.5"),
        (2, "0.00", "2.00"),
        (2.675, "0.00", "2.68"),
        (2.5, "0", "3"),
        (1234.5, "#,##0.00", "1234.50"),
        (-3, "#,##0.00_);[Red](#,##0.00)", "-3.00"),
        (0.1, "0.0#", "0.1"),
        (0.125, "0.0#", "0.13"),
        (1 / 3, "# ?/?", "1/3"),
        (1.5, "# ?/?", "1 1/2"),
        (1.5, "?/?", "3/2"),
        (0.37, "# ?/8", "3/8"),
        (-1 / 3, "# ?/?", "-1/3"),
        (2, "# ?/?", "2"),
        (12345.678, "0.00E+00", "1.23E+04"),
        (0.5, '0.0"%"', "0.5"),
        (0.5, "0%", "50%"),
        (0.30000000000000004, "General", "0.3"),
        (7, '0 "p"', "7"),
        (1200, "#,##0,", "1200"),
        (101, "0000", "0101"),
        (-3, "000", "-003"),
    ],
)
def test_a_number_cell_reads_as_excel_shows_it(value: float, number_format: str, shown: str) -> None:
    """Fixed decimals round half away from zero, '#' places only where not zero, '0' places before the
    point pad the number (a binary answer '0101' in a '0000' cell was read '101'), fractions are the closest
    with that many denominator digits; thousands separators and quoted text are left out so the value still
    reads as a number, and a thousands-scaling format ('#,##0,') is read as General."""
    assert cell_text(value, number_format) == shown


_ESCAPES_BANK = {
    "id": "tecken",
    "title": "Tecken",
    "languages": ["sv"],
    "questions": [
        {
            "id": "rabatt",
            "type": "multiple_choice",
            "prompt": {"sv": "Vad skriver man för a \\* b {x} ~ = # : i Python? C:\\temp"},
            "choices": [
                {"text": "%50% rabatt", "fraction": 1.0, "feedback": "Rätt: {bra} ~ = #"},
                {"text": "%25% rabatt", "fraction": 0.0, "feedback": "Fel \\* ~"},
                {"text": "a \\* b", "fraction": 0.0},
            ],
        },
        {
            "id": "stjarna",
            "type": "short_exact",
            "prompt": {"sv": "Skriv stjärnan: \\*"},
            "choices": [{"text": "\\*", "fraction": 1.0}, {"text": "%", "fraction": 0.5}],
        },
    ],
}


def test_gift_export_and_import_keep_choices_that_start_with_a_percentage(tmp_path: Path) -> None:
    """A choice whose text starts like a GIFT weight ('%25% rabatt') was written '~%25% rabatt' and read
    back worth 25 % with the text 'rabatt'; a right one ('=%50% rabatt') was read worth 50 %, where Moodle
    reads a '=' answer as full marks and the rest as its text. GIFT's escapes and a backslash before '*'
    come back as they were."""
    bank = Bank.model_validate(_ESCAPES_BANK)
    path = tmp_path / "tecken.gift"
    path.write_text(dump_gift(bank), encoding="utf-8")

    again = import_file(path)

    for before, after in zip(bank.questions, again.questions, strict=True):
        assert after.prompt == before.prompt
        assert after.choices == before.choices


def test_a_hand_written_gift_right_answer_with_a_percentage_reads_as_moodle_reads_it(tmp_path: Path) -> None:
    """Moodle's qformat_gift gives a '=' answer full marks without looking for a weight after it."""
    path = tmp_path / "rabatt.gift"
    path.write_text("::Rea::Hur stor är rabatten? {=%50% av priset ~%0%%25%}\n", encoding="utf-8")

    (question,) = import_file(path).questions

    assert [(choice.text, choice.fraction) for choice in question.choices] == [
        ("%50% av priset", 1.0),
        ("%25%", 0.0),
    ]


def test_a_gift_category_reads_its_escaped_colon(tmp_path: Path) -> None:
    """'$CATEGORY: $course$/top/Kapitel 1\\: Grunder' titled the bank and topic 'Kapitel 1\\: Grunder'."""
    path = tmp_path / "kapitel.gift"
    path.write_text(
        "$CATEGORY: $course$/top/Kapitel 1\\: Grunder\n\n::F1::Är 1 \\= 1? {T}\n", encoding="utf-8"
    )

    bank = import_file(path)

    assert bank.title == "Kapitel 1: Grunder"
    assert bank.questions[0].topics == ("Kapitel 1: Grunder",)
    assert bank.questions[0].prompt == {"sv": "Är 1 = 1?"}


def test_gift_export_names_what_its_syntax_cannot_hold() -> None:
    """An essay's general feedback has no place beside its '####' reference answer, and a short answer
    with '->' makes the block a matching question that neither Moodle nor tenta reads back: both were
    left out or written without a word."""
    bank = Bank.model_validate(
        {
            "id": "pilar",
            "title": "Pilar",
            "languages": ["sv"],
            "questions": [
                {
                    "id": "typ",
                    "type": "short_exact",
                    "prompt": {"sv": "Typen för en funktion från A till B?"},
                    "choices": [{"text": "A -> B", "fraction": 1.0}],
                },
                {
                    "id": "essa",
                    "prompt": {"sv": "Förklara överanpassning."},
                    "reference_answer": {"sv": "Modellen lär sig bruset."},
                    "rubric": [{"id": "p1", "text": "lär sig bruset", "weight": 1}],
                    "general_feedback": "Se kapitel 2.",
                },
            ],
        }
    )

    losses = export_losses(bank, "gift")

    assert losses == [
        "question typ: its answer 'A -> B' has '->', which GIFT reads as a matching pair: Moodle and tenta "
        "cannot import the file; export as Moodle XML to keep the question",
        "question essa: its general feedback is left out (GIFT's '####' holds an essay's reference answer)",
    ]
    assert export_losses(bank, "moodle-xml") == []


_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND"
    b"\xaeB`\x82"
)
_BB_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="man00001" xmlns:bb="http://www.blackboard.com/content-packaging/">
  <organizations/>
  <resources>
    <resource bb:file="res00001.dat" bb:title="Kapitel 4" identifier="res00001" type="{kind}"
      xml:base="res00001"/>
  </resources>
</manifest>
"""


def _bb_qti_item(ident: str, html_text: str) -> str:
    """A Blackboard Learn QTI pool item (Multiple Choice) whose question text is `html_text`."""
    choices = "".join(
        f'<flow_label class="Block"><response_label ident="{ident}{letter}">'
        '<flow_mat class="FORMATTED_TEXT_BLOCK">'
        f'<material><mat_extension><mat_formattedtext type="HTML">{text}</mat_formattedtext></mat_extension>'
        "</material></flow_mat></response_label></flow_label>"
        for letter, text in (("a", "Norrland"), ("b", "Skåne"))
    )
    return f"""
      <item title="Karta {ident}">
        <itemmetadata><bbmd_asi_object_id>{ident}</bbmd_asi_object_id>
          <bbmd_questiontype>Multiple Choice</bbmd_questiontype>
          <qmd_absolutescore_max>1.0</qmd_absolutescore_max></itemmetadata>
        <presentation><flow class="Block"><flow class="QUESTION_BLOCK"><flow class="FORMATTED_TEXT_BLOCK">
          <material><mat_extension><mat_formattedtext type="HTML">{escape(html_text)}</mat_formattedtext>
          </mat_extension></material></flow></flow>
          <flow class="RESPONSE_BLOCK"><response_lid ident="response" rcardinality="Single">
            <render_choice>{choices}</render_choice></response_lid></flow></flow></presentation>
        <resprocessing><outcomes><decvar varname="SCORE" vartype="Decimal" maxvalue="1.0"/></outcomes>
          <respcondition title="correct"><conditionvar><varequal respident="response" case="No">{ident}a
          </varequal></conditionvar><setvar variablename="SCORE" action="Set">SCORE.max</setvar>
          </respcondition></resprocessing>
      </item>"""


def _bb_zip(path: Path, kind: str, dat: str, files: dict[str, bytes]) -> Path:
    """A Blackboard Learn export zip: manifest, res00001.dat and the files it carries."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", _BB_MANIFEST.format(kind=kind))
        archive.writestr("res00001.dat", dat)
        for name, content in files.items():
            archive.writestr(name, content)
    return path


def test_blackboard_qti_pool_pictures_come_from_the_exports_csfiles(tmp_path: Path) -> None:
    """Blackboard Learn writes a picture of the content collection as
    '@X@EmbeddedFile.requestUrlStub@X@bbcswebdav/xid-1217_1' in the item's HTML and packs the file as
    csfiles/home_dir/<name>__xid-1217_1.<ext>; an older attached file as '@X@EmbeddedFile.location@X@<name>'
    kept in the folder named after the .dat. Both were left out without a word ('[image: xid-1217_1]' in
    the text, no media); a picture the export lacks is now named in the notes."""
    stub = "@X@EmbeddedFile.requestUrlStub@X@bbcswebdav/"
    items = [
        _bb_qti_item("_1_1", f'<p>Var ligger orten?</p><p><img src="{stub}xid-1217_1" alt=""></p>'),
        _bb_qti_item("_2_1", '<p>Och här?</p><img src="@X@EmbeddedFile.location@X@fjäll%20karta.gif">'),
        _bb_qti_item("_3_1", f'<p>Den saknade?</p><img src="{stub}xid-999_1">'),
    ]
    dat = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop><assessment title="Kapitel 4">'
        f"<section>{''.join(items)}</section></assessment></questestinterop>"
    )
    path = _bb_zip(
        tmp_path / "ExportFile_GEO101.zip",
        "assessment/x-bb-qti-pool",
        dat,
        {
            "csfiles/home_dir/karta norden__xid-1217_1.png": _PNG,
            "csfiles/home_dir/karta norden__xid-1217_1.png.xml": b"<lom/>",
            "res00001/fjäll karta.gif": b"GIF89a",
        },
    )
    notes: list[str] = []

    north, fell, missing = import_file(path, notes=notes).questions

    assert north.media == ("karta norden.png",)
    assert north.prompt_in("sv").endswith("[image: karta norden.png]")
    assert fell.media == ("fjäll karta.gif",)
    assert "[image: fjäll karta.gif]" in fell.prompt_in("sv")
    assert read_media(path, [*north.media, *fell.media]) == {
        "karta norden.png": _PNG,
        "fjäll karta.gif": b"GIF89a",
    }
    assert missing.media == ()
    assert notes == [
        f"{path}/res00001.dat: item '_3_1' (Karta _3_1): picture '{stub}xid-999_1' is not in the package; "
        "left out (the text still names it)"
    ]


_POOL = """<?xml version="1.0" encoding="UTF-8"?>
<POOL><TITLE value="Kapitel 5"/>
  <QUESTIONLIST><QUESTION id="q1" class="QUESTION_MULTIPLECHOICE" points="2"/></QUESTIONLIST>
  <QUESTION_MULTIPLECHOICE id="q1">
    <BODY><TEXT>&lt;p&gt;Vilken graf visar överanpassning?&lt;/p&gt;
&lt;img src="@X@EmbeddedFile.location@X@graf.png"&gt;</TEXT>
      <FLAGS><ISHTML value="true"/></FLAGS></BODY>
    <ANSWER id="q1_a1"><TEXT>Den vänstra</TEXT></ANSWER>
    <ANSWER id="q1_a2"><TEXT>Den högra</TEXT></ANSWER>
    <GRADABLE><CORRECTANSWER answer_id="q1_a2"/></GRADABLE>
  </QUESTION_MULTIPLECHOICE>
</POOL>
"""


def test_a_blackboard_6_pool_in_its_zip_keeps_its_pictures(tmp_path: Path) -> None:
    """A Blackboard 6 <POOL> keeps an attached picture in res00001/embedded/; it was dropped (the text
    said '[image]')."""
    path = _bb_zip(tmp_path / "pool.zip", "assessment/x-bb-pool", _POOL, {"res00001/embedded/graf.png": _PNG})

    (question,) = import_file(path).questions

    assert question.prompt_in("sv") == "Vilken graf visar överanpassning?\n\n[image: graf.png]"
    assert question.media == ("graf.png",)
    assert read_media(path, question.media) == {"graf.png": _PNG}


def test_a_lone_blackboard_6_pool_file_names_the_pictures_it_cannot_carry(tmp_path: Path) -> None:
    """The .dat alone holds no files: the picture is named in the notes, not dropped without a word."""
    path = tmp_path / "res00001.dat"
    path.write_text(_POOL, encoding="utf-8")
    notes: list[str] = []

    (question,) = import_file(path, notes=notes).questions

    assert "[image: graf.png]" in question.prompt_in("sv")
    assert notes == [
        f"{path}:4: q1: picture 'graf.png' is not read from a lone pool file: import the export .zip it came "
        "in (or its unpacked folder) to keep it; left out (the text still names it)"
    ]


_QTI12_HINTED = """<?xml version="1.0" encoding="UTF-8"?>
<questestinterop>
  <item ident="hint1" title="Ledtråd">
    <presentation>
      <material>
        <mattext texttype="text/plain">Vilken aktiveringsfunktion är noll för negativa tal?</mattext>
        </material>
      <response_lid ident="RESP" rcardinality="Single"><render_choice>
        <response_label ident="A"><material><mattext>ReLU</mattext></material></response_label>
        <response_label ident="B"><material><mattext>Sigmoid</mattext></material></response_label>
      </render_choice></response_lid>
    </presentation>
    <resprocessing>
      <outcomes><decvar varname="SCORE" vartype="Integer" minvalue="0" maxvalue="1"/></outcomes>
      <respcondition><conditionvar><varequal respident="RESP">A</varequal></conditionvar>
        <setvar action="Set">1</setvar><displayfeedback feedbacktype="Response" linkrefid="Correct"/>
          </respcondition>
      <respcondition><conditionvar><other/></conditionvar>
        <displayfeedback feedbacktype="Response" linkrefid="Wrong"/>
        <displayfeedback feedbacktype="Hint" linkrefid="Hint1"/>
        <displayfeedback feedbacktype="Solution" linkrefid="Sol"/></respcondition>
    </resprocessing>
    <itemfeedback ident="Correct" view="Candidate"><flow_mat><material><mattext>Rätt!</mattext>
      </material></flow_mat></itemfeedback>
    <itemfeedback ident="Wrong" view="Candidate"><flow_mat><material><mattext>Tyvärr fel.</mattext>
      </material></flow_mat></itemfeedback>
    <itemfeedback ident="Hint1" view="Candidate"><hint feedbackstyle="Incremental">
      <hintmaterial><flow_mat><material><mattext>Tänk på max(0, x).</mattext></material></flow_mat>
        </hintmaterial>
      <hintmaterial><flow_mat><material><mattext>Den heter Rectified Linear Unit.</mattext></material>
        </flow_mat></hintmaterial>
    </hint></itemfeedback>
    <itemfeedback ident="Sol" view="Candidate"><solution feedbackstyle="Complete">
      <solutionmaterial><flow_mat><material><mattext>ReLU(x) = max(0, x).</mattext></material>
        </flow_mat></solutionmaterial>
    </solution></itemfeedback>
  </item>
</questestinterop>
"""

_QTI21_FEEDBACK = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="fb1" title="Feedback"
  adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>
  <itemBody>
    <p>Vilken aktiveringsfunktion är noll för negativa tal?</p>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">
      <simpleChoice identifier="A">ReLU</simpleChoice>
      <simpleChoice identifier="B">Sigmoid</simpleChoice>
    </choiceInteraction>
    <feedbackBlock outcomeIdentifier="FEEDBACK" identifier="CORRECT" showHide="show">
      <p>Bra, ReLU är noll där.</p></feedbackBlock>
    <feedbackBlock outcomeIdentifier="FEEDBACK" identifier="CORRECT" showHide="hide">
      <p>Titta på grafen igen.</p></feedbackBlock>
  </itemBody>
  <responseProcessing>
    <responseCondition>
      <responseIf><match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>
        <setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">CORRECT</baseValue>
          </setOutcomeValue>
      </responseIf>
    </responseCondition>
  </responseProcessing>
  <modalFeedback outcomeIdentifier="FEEDBACK" identifier="CORRECT" showHide="hide">Fel: ReLU är max(0,
    x).</modalFeedback>
</assessmentItem>
"""


def test_qti_1_2_hints_solution_and_wrong_answer_feedback_are_kept(tmp_path: Path) -> None:
    """IMS QTI 1.2 writes hints as an itemfeedback's <hint> with one <hintmaterial> per hint, a worked
    solution as its <solution>, and the feedback for any other answer from an `<other/>` condition. The
    hints and the solution were dropped, the wrong-answer feedback too."""
    path = tmp_path / "ledtrad.xml"
    path.write_text(_QTI12_HINTED, encoding="utf-8")

    (question,) = import_file(path).questions

    assert question.hints == ("Tänk på max(0, x).", "Den heter Rectified Linear Unit.")
    assert question.general_feedback == "ReLU(x) = max(0, x)."
    assert question.outcome_feedback is not None
    assert (question.outcome_feedback.correct, question.outcome_feedback.incorrect) == (
        "Rätt!",
        "Tyvärr fel.",
    )


def test_qti_2_feedback_blocks_and_hidden_feedback_become_outcome_feedback(tmp_path: Path) -> None:
    """A feedbackBlock in the item body shown for the CORRECT outcome is feedback for a right answer, the
    same block with showHide="hide" (and a modalFeedback so) is shown to every wrong answer: all were
    dropped."""
    path = tmp_path / "feedback.xml"
    path.write_text(_QTI21_FEEDBACK, encoding="utf-8")

    (question,) = import_file(path).questions

    assert question.outcome_feedback is not None
    assert question.outcome_feedback.correct == "Bra, ReLU är noll där."
    assert question.outcome_feedback.incorrect == "Fel: ReLU är max(0, x).\n\nTitta på grafen igen."


def test_qti_2_feedback_hidden_for_one_choice_is_the_other_choices_feedback(tmp_path: Path) -> None:
    """Where one choice is the answer, feedback hidden for choice B (showHide="hide") is shown for every
    other choice: it is their feedback. It was dropped."""
    path = tmp_path / "dold.xml"
    path.write_text(
        _QTI21_FEEDBACK.replace(
            '<modalFeedback outcomeIdentifier="FEEDBACK" identifier="CORRECT" showHide="hide">',
            '<modalFeedback outcomeIdentifier="FEEDBACK" identifier="B" showHide="hide">',
        ),
        encoding="utf-8",
    )

    (question,) = import_file(path).questions

    assert [choice.feedback for choice in question.choices] == ["Fel: ReLU är max(0, x).", ""]


def test_qti_2_feedback_tenta_has_no_place_for_is_named(tmp_path: Path) -> None:
    """Feedback hidden for a score band (an outcome that is no right or wrong answer) is shown for every
    other band: no field holds that, so the import notes name it instead of dropping it without a word."""
    path = tmp_path / "band.xml"
    path.write_text(
        _QTI21_FEEDBACK.replace(
            '<modalFeedback outcomeIdentifier="FEEDBACK" identifier="CORRECT" showHide="hide">',
            '<modalFeedback outcomeIdentifier="BAND" identifier="BAND_2" showHide="hide">',
        ),
        encoding="utf-8",
    )
    notes: list[str] = []

    import_file(path, notes=notes)

    assert notes == [
        f"{path}:2: item 'fb1' (Feedback): feedback shown for every answer but one that is not right or "
        "wrong (showHide=\"hide\") has no place in tenta; left out: 'Fel: ReLU är max(0, x).'"
    ]


def test_a_bad_value_in_a_question_sheet_names_its_cell_and_value(tmp_path: Path) -> None:
    """A points cell the model refuses (0 or less) was named 'sheet 'Frågor', row 2 max_points: Input
    should be greater than 0': the question's number, which is not the Excel row, and not the value. It now
    names the column as a cell that is no number does, and the value typed."""
    path = _bank_workbook(
        tmp_path / "poäng.xlsx",
        [
            ["Fråga", "Svar", "Poäng"],
            ["Vad är AI?", "Artificiell intelligens", 1],
            ["Vad är ML?", "Maskininlärning", -1],
        ],
        {},
    )

    with pytest.raises(InputFileErrors) as caught:
        import_file(path)

    assert [error.message for error in caught.value.errors] == [
        f"{path}:3: sheet 'Frågor', column C (max_points): -1 is not allowed: it must be greater than 0"
    ]


def test_an_anki_notes_export_names_the_pictures_and_sound_it_cannot_carry(tmp_path: Path) -> None:
    """Anki's 'Notes in Plain Text' keeps <img src> and [sound:…] but never the files: the question said
    '[image: faltning.png]' and the file was lost without a word, where an .apkg keeps it."""
    path = tmp_path / "DL.txt"
    path.write_text(
        "#separator:tab\n#html:true\n#notetype column:1\n#deck column:2\n#tags column:5\n"
        'Basic\tDL::CNN\tVad visar bilden? <img src="faltning.png">\tEn faltning\tcnn\n'
        "Basic\tDL::CNN\tHur uttalas ordet? [sound:uttal.mp3]\tFalt-ning\tcnn\n",
        encoding="utf-8",
    )
    notes: list[str] = []

    picture, sound = import_file(path, notes=notes).questions

    assert picture.prompt_in("sv") == "Vad visar bilden? [image: faltning.png]"
    assert sound.prompt_in("sv") == "Hur uttalas ordet? [sound: uttal.mp3]"
    left = "is not in the file: a text export holds no media (export the deck as an .apkg package to keep it)"
    assert notes == [
        f"{path}:6: picture 'faltning.png' {left}; left out (the text still names it)",
        f"{path}:7: sound 'uttal.mp3' {left}; left out (the text still names it)",
    ]


def test_a_question_sheet_with_excel_error_values_is_refused_naming_the_cells(tmp_path: Path) -> None:
    """A reference answer looked up with VLOOKUP that failed shows #N/A: it was imported as the answer
    '#N/A' to grade against. Cells holding Excel's error values are named, and nothing is imported; the
    text '#N/A' typed into a cell is text and reads as it is."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Frågor"
    sheet.append(["Fråga", "Svar", "Poäng"])
    sheet.append(["Vad är AI?", "#N/A", 1])
    sheet.append(["Vad visar Excel när VLOOKUP inte hittar värdet?", "#N/A", 1])
    sheet["B3"].data_type = "s"  # typed as text ('#N/A): no error value
    workbook.save(tmp_path / "uppslag.xlsx")

    with pytest.raises(InputFileError) as caught:
        import_file(tmp_path / "uppslag.xlsx")

    assert caught.value.line == 2
    assert caught.value.field == "sheet 'Frågor', cell B2 (#N/A)"
    assert "error value of a formula that failed" in caught.value.reason


def test_a_blackboard_course_file_picture_the_export_lacks_is_named(tmp_path: Path) -> None:
    """A picture from the course's files ('@X@EmbeddedFile.requestUrlStub@X@@@<hash>/courses/…/x.GIF')
    is on the Blackboard server, not in a pool export: it was dropped without a word; it is read from the
    .dat's folder when the export has it there, else named in the notes."""
    stub = "@X@EmbeddedFile.requestUrlStub@X@@@E48B325B306BE98D9AEF6FE35C97DD19/courses/1/GEO101/content"
    items = [
        _bb_qti_item("_1_1", f'<p>Vems logga?</p><img src="{stub}/_3499_1/embedded/logo.GIF">'),
        _bb_qti_item("_2_1", f'<p>Och den?</p><img src="{stub}/_3500_1/embedded/karta.png">'),
    ]
    dat = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop><assessment title="Kapitel 4">'
        f"<section>{''.join(items)}</section></assessment></questestinterop>"
    )
    path = _bb_zip(tmp_path / "pool.zip", "assessment/x-bb-qti-pool", dat, {"res00001/karta.png": _PNG})
    notes: list[str] = []

    logo, chart = import_file(path, notes=notes).questions

    assert (logo.media, chart.media) == ((), ("karta.png",))
    assert notes == [
        f"{path}/res00001.dat: item '_1_1' (Karta _1_1): picture '{stub}/_3499_1/embedded/logo.GIF' is "
        "not in the package; left out (the text still names it)"
    ]


_LOM_SIDECAR = """<?xml version="1.0" encoding="UTF-8"?>
<lom xmlns="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd">
  <relation><resource><identifier>1217_1#/courses/GEO101/bilder/älvdal.png</identifier></resource></relation>
</lom>
"""


def test_a_nameless_blackboard_csfiles_picture_takes_the_name_its_sidecar_gives(tmp_path: Path) -> None:
    """Blackboard often keeps the file as csfiles/home_dir/__xid-1217_1.png and its course name in the LOM
    sidecar beside it (__xid-1217_1.png.xml): the question shows the name the teacher gave the picture,
    zipped or unpacked."""
    item = _bb_qti_item(
        "_1_1", '<p>Vilken dal?</p><img src="@X@EmbeddedFile.requestUrlStub@X@bbcswebdav/xid-1217_1">'
    )
    dat = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop><assessment title="Kapitel 4">'
        f"<section>{item}</section></assessment></questestinterop>"
    )
    files = {
        "csfiles/home_dir/__xid-1217_1.png": _PNG,
        "csfiles/home_dir/__xid-1217_1.png.xml": _LOM_SIDECAR.encode(),
    }
    path = _bb_zip(tmp_path / "pool.zip", "assessment/x-bb-qti-pool", dat, files)
    unpacked = tmp_path / "pool"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(unpacked)

    for source in (path, unpacked):
        (question,) = import_file(source).questions
        assert question.media == ("älvdal.png",)
        assert question.prompt_in("sv").endswith("[image: älvdal.png]")
        assert read_media(source, question.media) == {"älvdal.png": _PNG}


def test_qti_1_2_feedback_shown_as_a_hint_or_solution_is_not_wrong_answer_feedback(tmp_path: Path) -> None:
    """An itemfeedback of plain material shown with feedbacktype="Hint" (or "Solution") from the
    `<other/>` condition is a hint (the solution), not more feedback for a wrong answer."""
    path = tmp_path / "ledtrad.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<questestinterop><item ident="h2" title="Ledtråd">
  <presentation><material><mattext>Vilken funktion är noll för negativa tal?</mattext></material>
    <response_lid ident="RESP" rcardinality="Single"><render_choice>
      <response_label ident="A"><material><mattext>ReLU</mattext></material></response_label>
      <response_label ident="B"><material><mattext>Sigmoid</mattext></material></response_label>
    </render_choice></response_lid></presentation>
  <resprocessing><outcomes><decvar varname="SCORE" vartype="Integer" maxvalue="1"/></outcomes>
    <respcondition><conditionvar><varequal respident="RESP">A</varequal></conditionvar>
      <setvar action="Set">1</setvar></respcondition>
    <respcondition><conditionvar><other/></conditionvar>
      <displayfeedback feedbacktype="Response" linkrefid="Wrong"/>
      <displayfeedback feedbacktype="Hint" linkrefid="Hint1"/>
      <displayfeedback feedbacktype="Solution" linkrefid="Sol"/></respcondition>
  </resprocessing>
  <itemfeedback ident="Wrong"><material><mattext>Tyvärr fel.</mattext></material></itemfeedback>
  <itemfeedback ident="Hint1"><material><mattext>Tänk på max(0, x).</mattext></material></itemfeedback>
  <itemfeedback ident="Sol"><material><mattext>ReLU(x) = max(0, x).</mattext></material></itemfeedback>
</item></questestinterop>
""",
        encoding="utf-8",
    )

    (question,) = import_file(path).questions

    assert question.hints == ("Tänk på max(0, x).",)
    assert question.general_feedback == "ReLU(x) = max(0, x)."
    assert question.outcome_feedback is not None
    assert question.outcome_feedback.incorrect == "Tyvärr fel."


def test_aiken_export_names_the_code_and_line_breaks_it_cannot_hold() -> None:
    """An Aiken question is one line: a question's code block was left out without a word (the student
    would be asked what code prints without seeing it), and its line breaks were flattened."""
    bank = Bank.model_validate(
        {
            "id": "kod",
            "title": "Kod",
            "languages": ["sv"],
            "questions": [
                {
                    "id": "utskrift",
                    "type": "multiple_choice",
                    "prompt": {"sv": "Vad skriver koden ut?"},
                    "code": {"language": "python", "source": "print(2 ** 3)"},
                    "choices": [{"text": "8", "fraction": 1.0}, {"text": "6"}],
                },
                {
                    "id": "stycken",
                    "type": "multiple_choice",
                    "prompt": {"sv": "Läs texten.\n\nVilket påstående stämmer?"},
                    "choices": [{"text": "Det första", "fraction": 1.0}, {"text": "Det andra"}],
                },
                {
                    "id": "enkel",
                    "type": "multiple_choice",
                    "prompt": {"sv": "Är 2 > 1?"},
                    "choices": [{"text": "Ja", "fraction": 1.0}, {"text": "Nej"}],
                },
            ],
        }
    )

    assert export_losses(bank, "aiken") == [
        "question utskrift: its python code is left out (an Aiken question is one line of text); export as "
        "Moodle XML, GIFT or QTI to keep it",
        "question stycken: its text is written on one line (Aiken has one line per question and per choice)",
    ]
