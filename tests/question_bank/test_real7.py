"""Round 7 of real exchange files: question banks teachers wrote and published for their own courses
(tests/question_bank/data/real7, sources in its README). Where the bank has no licence that allows a
copy, the test writes the construct that exposed the problem in a file of its own, in the bank's layout,
and the README names the bank it comes from."""

from __future__ import annotations

from pathlib import Path

from question_bank.formats.detect import import_file
from question_bank.formats.media import read_media
from question_bank.models import Question, QuestionType

PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="


def _prompt(question: Question) -> str:
    (prompt,) = question.prompt.values()
    return prompt


def _moodle_xml(tmp_path: Path, questions: str) -> Path:
    path = tmp_path / "course.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        '  <question type="category"><category><text>$course$/top/Datastructures Questions/Week 4 Big O'
        "</text></category></question>\n" + questions + "\n</quiz>\n",
        encoding="utf-8",
    )
    return path


def test_a_superscript_stays_a_power_in_a_moodle_course_bank(tmp_path: Path) -> None:
    """A Datastructures course's Big O matching question writes O( n<sup>3 </sup>) (was imported as
    'O( n3 )', another function); its exponent is marked ^ as QTI imports already mark it. A subscript
    is an index that still reads right run in (H<sub>2</sub>O stays H2O)."""
    path = _moodle_xml(
        tmp_path,
        """
  <question type="matching">
    <name><text>Big O typeringen matchen</text></name>
    <questiontext format="html"><text><![CDATA[<p>Zet de juiste omschrijving bij de juiste big O
    <br /><br /></p>]]></text></questiontext>
    <defaultgrade>1.0000000</defaultgrade>
    <subquestion format="html">
      <text><![CDATA[<p>O( n<sup>3 </sup>)</p>]]></text>
      <answer><text>De tijd neemt met factor 8 toe bij verdubbeling van het aantal elementen</text></answer>
    </subquestion>
    <subquestion format="html">
      <text><![CDATA[<p>O( log<sub>2</sub> n )</p>]]></text>
      <answer><text>De tijd neemt constant toe bij verdubbeling van het aantal elementen</text></answer>
    </subquestion>
  </question>
  <question type="multichoice">
    <name><text>10 tot de macht</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Hoeveel is 10<sup>-3</sup> seconde?</p>]]></text>
    </questiontext>
    <single>true</single>
    <answer fraction="100"><text><![CDATA[1 ms = 10<sup>-3</sup> s]]></text></answer>
    <answer fraction="0"><text>1 μs</text></answer>
  </question>""",
    )
    cubic, logarithmic, power = import_file(path).questions
    assert cubic.prompt["nl"] == "Zet de juiste omschrijving bij de juiste big O\n\nO( n^3 ) → _____"
    assert logarithmic.prompt["nl"].endswith("\n\nO( log2 n ) → _____")
    assert [choice.fraction for choice in cubic.choices] == [1.0, 0.0]
    assert power.prompt["nl"] == "Hoeveel is 10^-3 seconde?"
    assert [(choice.text, choice.fraction) for choice in power.choices] == [
        ("1 ms = 10^-3 s", 1.0),
        ("1 μs", 0.0),
    ]


def test_a_teachers_script_in_a_question_text_is_not_shown_as_text(tmp_path: Path) -> None:
    """A Databases exam's declaration (a Cloze question) ends its text with a <script> that fills in the
    student's name with jQuery (was: the JavaScript imported as the end of the prompt); a <style> sheet is
    not text either. The one gap is still a multiple-choice question with its right answer."""
    path = _moodle_xml(
        tmp_path,
        """
  <question type="cloze">
    <name><text>verklaring-begin-tentamen</text></name>
    <questiontext format="html"><text><![CDATA[<style>.form-same-length input { width: 20em; }</style>
<div style="border: 3px solid black;">
    <div style="text-align: center; font-weight: bold;">INTENTIEVERKLARING</div>
    <blockquote>"Ik, <span id="username-moodle-db"></span>, verklaar dat ik deze toets zelf zal
    maken."</blockquote>
    <div class="form-same-length">{1:MULTICHOICE_V:=Akkoord~Niet akkoord}&nbsp;</div>
</div>
<script>
    window.onload = function() {
        require(['jquery'], function($) {
            $('#username-moodle-db').text($('.logininfo').first().text());
        });
    };
</script>]]></text></questiontext>
    <penalty>0.3333333</penalty>
  </question>""",
    )
    (declaration,) = import_file(path).questions
    assert declaration.type is QuestionType.MULTIPLE_CHOICE
    assert declaration.prompt["nl"] == (
        'INTENTIEVERKLARING\n\n"Ik, , verklaar dat ik deze toets zelf zal maken."\n\n_____'
    )
    assert [(choice.text, choice.fraction) for choice in declaration.choices] == [
        ("Akkoord", 1.0),
        ("Niet akkoord", 0.0),
    ]


def test_a_table_of_a_database_exam_reads_a_row_per_line(tmp_path: Path) -> None:
    """The same exam shows the tables' contents as HTML tables whose every cell holds a <p> (as Word
    pastes them); each row is one line, its cells separated by | (was: a blank line around every cell,
    so a row ran over a dozen lines)."""
    path = _moodle_xml(
        tmp_path,
        """
  <question type="shortanswer">
    <name><text>Passagier zonder hotel</text></name>
    <questiontext format="html"><text><![CDATA[<div style="float: left;">
    <b>Passagier:</b>
    <table cellspacing="0" cellpadding="0" border="1"><tbody>
        <tr>
            <td width="50" valign="top"><p><b><span lang="NL">pnr</span></b></p></td>
            <td width="123" valign="top"><p><b><span lang="NL">pnaam</span></b></p></td>
            <td width="107" valign="top"><p><b><span lang="NL">photel</span></b></p></td>
        </tr>
        <tr>
            <td width="50" valign="top"><p><span lang="NL">435</span></p></td>
            <td width="123" valign="top"><p><span lang="NL">Jansen</span></p></td>
            <td width="107" valign="top"><p><span lang="NL">Bel Air</span></p></td>
        </tr>
        <tr>
            <td width="50" valign="top"><p><span lang="NL">3786</span></p></td>
            <td width="123" valign="top"><p><span lang="NL">Mubarak</span></p></td>
            <td width="107" valign="top"><p><span lang="NL"><br></span></p></td>
        </tr>
    </tbody></table>
</div>
<p>Welke passagier heeft geen hotel?</p>]]></text></questiontext>
    <answer fraction="100"><text>Mubarak</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>Hotel</text></name>
    <questiontext format="html"><text><![CDATA[<table><tr><td>hnaam<td>adres<tr><td>Vue<td><p>Churchillplein
    9</p></table><p>Welk hotel?</p><p>Het adres.</p>]]></text></questiontext>
    <answer fraction="100"><text>Vue</text></answer>
  </question>""",
    )
    question, unclosed = import_file(path).questions
    assert _prompt(question) == (
        "Passagier:\n\n| pnr | pnaam | photel\n| 435 | Jansen | Bel Air\n| 3786 | Mubarak |\n\n"
        "Welke passagier heeft geen hotel?"
    )
    assert [(choice.text, choice.fraction) for choice in question.choices] == [("Mubarak", 1.0)]
    # cells whose end tags HTML leaves out end with their row and table: the text after runs on as usual
    assert _prompt(unclosed) == "| hnaam | adres\n| Vue | Churchillplein 9\n\nWelk hotel?\n\nHet adres."


def test_a_picture_pasted_as_a_data_uri_is_kept_as_media(tmp_path: Path) -> None:
    """Pictures pasted into Moodle's editor are written into the question text as
    <img src="data:image/png;base64,…"> rather than as a <file> (was: named by the tail of its base64,
    '[image: …ErkJggg==]', and not kept). It becomes a media file named by its content, listed with
    the question's <file>s, and its bytes are read back when the bank is installed; the same picture
    twice is one file."""
    path = _moodle_xml(
        tmp_path,
        f"""
  <question type="multichoice">
    <name><text>1. integriteitsregel</text></name>
    <questiontext format="html"><text><![CDATA[<p><span lang="NL">(<span role="presentation"><img
    src="data:image/png;base64,{PNG_1X1}"></span> en NN is verplicht,
    <img src='data:image/png;base64,{PNG_1X1}'> zonder NN is optioneel)</span></p>
<p><img src="@@PLUGINFILE@@/opgave1-diagram.PNG" alt="" role="presentation" width="400" height="434"></p>
<p>Welke integriteitsregel geldt?</p>]]></text>
      <file name="opgave1-diagram.PNG" path="/" encoding="base64">{PNG_1X1}</file>
    </questiontext>
    <single>true</single>
    <answer fraction="100"><text>Entiteitsintegriteit</text></answer>
    <answer fraction="0"><text>Referentiële integriteit</text></answer>
  </question>""",
    )
    (question,) = import_file(path).questions
    pasted = "image-" + question.media[1].removeprefix("image-")
    assert question.media == ("opgave1-diagram.PNG", pasted)
    assert pasted.endswith(".png") and len(pasted) == len("image-") + 12 + len(".png")
    assert question.prompt["nl"] == (
        f"( [image: {pasted}] en NN is verplicht, [image: {pasted}] zonder NN is optioneel)\n\n"
        "[image: opgave1-diagram.PNG]\n\nWelke integriteitsregel geldt?"
    )
    media = read_media(path, question.media)
    assert media[pasted].startswith(b"\x89PNG\r\n\x1a\n")
    assert media[pasted] == media["opgave1-diagram.PNG"]
