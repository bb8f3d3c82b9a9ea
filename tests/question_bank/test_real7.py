"""Round 7 of real exchange files: question banks teachers wrote and published for their own courses
(tests/question_bank/data/real7, sources in its README). Where the bank has no licence that allows a
copy, the test writes the construct that exposed the problem in a file of its own, in the bank's layout,
and the README names the bank it comes from."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from question_bank.errors import InputFileError
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


BACKUP_QUESTIONS = """<?xml version="1.0" encoding="UTF-8"?>
<question_categories>
  <question_category id="10">
    <name>top</name>
    <parent>0</parent>
    <questions></questions>
  </question_category>
  <question_category id="211">
    <name>Default for OER-Math</name>
    <parent>10</parent>
    <questions>
      <question id="1352">
        <parent>1352</parent>
        <name>Random (Default for OER-Math and subcategories)</name>
        <questiontext>1</questiontext>
        <questiontextformat>0</questiontextformat>
        <defaultmark>1.0000000</defaultmark>
        <qtype>random</qtype>
      </question>
    </questions>
  </question_category>
  <question_category id="212">
    <name>C1-Mod_1</name>
    <parent>211</parent>
    <questions>
      <question id="1358">
        <parent>0</parent>
        <name>Course shell - purpose</name>
        <questiontext>&lt;p&gt;What is the stated purpose of the course shell?&lt;/p&gt;</questiontext>
        <questiontextformat>1</questiontextformat>
        <generalfeedback>&lt;p&gt;Review Module 1&lt;/p&gt;</generalfeedback>
        <generalfeedbackformat>1</generalfeedbackformat>
        <defaultmark>2.0000000</defaultmark>
        <qtype>multichoice</qtype>
        <plugin_qtype_multichoice_question>
          <answers>
            <answer id="4427">
              <answertext>&lt;p&gt;Resources to build your own lesson with OER.&lt;/p&gt;</answertext>
              <answerformat>1</answerformat>
              <fraction>1.0000000</fraction>
              <feedback>&lt;p&gt;Yes, it is a starting point.&lt;/p&gt;</feedback>
              <feedbackformat>1</feedbackformat>
            </answer>
            <answer id="4428">
              <answertext>&lt;p&gt;I don't know.&lt;/p&gt;</answertext>
              <answerformat>1</answerformat>
              <fraction>0.0000000</fraction>
              <feedback></feedback>
              <feedbackformat>1</feedbackformat>
            </answer>
            <answer id="4429">
              <answertext>&lt;p&gt;A Moodle course I can use to help my students learn.&lt;/p&gt;</answertext>
              <answerformat>1</answerformat>
              <fraction>0.5000000</fraction>
              <feedback>&lt;p&gt;True, but not the entire purpose: half credit.&lt;/p&gt;</feedback>
              <feedbackformat>1</feedbackformat>
            </answer>
          </answers>
          <multichoice id="967">
            <single>1</single>
            <correctfeedback>&lt;p&gt;Well done: that is its purpose.&lt;/p&gt;</correctfeedback>
            <correctfeedbackformat>1</correctfeedbackformat>
          </multichoice>
        </plugin_qtype_multichoice_question>
        <question_hints>
          <question_hint id="5">
            <hint>&lt;p&gt;Look at the course outline.&lt;/p&gt;</hint><hintformat>1</hintformat>
          </question_hint>
        </question_hints>
        <tags>
          <tag id="2" contextid="1135"><name>mod1</name><rawname>Mod1</rawname></tag>
        </tags>
      </question>
      <question id="1359">
        <parent>0</parent>
        <name>OER licence</name>
        <questiontext>Une ressource éducative libre peut être réutilisée.</questiontext>
        <questiontextformat>0</questiontextformat>
        <defaultmark>1.0000000</defaultmark>
        <qtype>truefalse</qtype>
        <plugin_qtype_truefalse_question>
          <answers>
            <answer id="4440">
              <answertext>Vrai</answertext><answerformat>0</answerformat><fraction>1.0000000</fraction>
              <feedback>Oui.</feedback><feedbackformat>1</feedbackformat>
            </answer>
            <answer id="4441">
              <answertext>Faux</answertext><answerformat>0</answerformat><fraction>0.0000000</fraction>
              <feedback>Si, selon sa licence.</feedback><feedbackformat>1</feedbackformat>
            </answer>
          </answers>
          <truefalse id="80"><trueanswer>4440</trueanswer><falseanswer>4441</falseanswer></truefalse>
        </plugin_qtype_truefalse_question>
      </question>
    </questions>
  </question_category>
  <question_category id="213">
    <name>C1-Mod_2 / numbers</name>
    <parent>211</parent>
    <questions>
      <question id="1360">
        <parent>0</parent>
        <name>Half of a dozen</name>
        <questiontext>&lt;p&gt;How many eggs are half a dozen?&lt;/p&gt;</questiontext>
        <questiontextformat>1</questiontextformat>
        <defaultmark>1.0000000</defaultmark>
        <qtype>numerical</qtype>
        <plugin_qtype_numerical_question>
          <answers>
            <answer id="4450">
              <answertext>6</answertext><answerformat>0</answerformat><fraction>1.0000000</fraction>
              <feedback></feedback><feedbackformat>1</feedbackformat>
            </answer>
          </answers>
          <numerical_options>
            <numerical_option id="3"><showunits>3</showunits></numerical_option>
          </numerical_options>
          <numerical_records>
            <numerical_record id="31"><answer>4450</answer><tolerance>0.5</tolerance></numerical_record>
          </numerical_records>
        </plugin_qtype_numerical_question>
      </question>
      <question id="1361">
        <parent>0</parent>
        <name>OER site</name>
        <questiontext>Which site lists OER for adult education?</questiontext>
        <questiontextformat>2</questiontextformat>
        <defaultmark>1.0000000</defaultmark>
        <qtype>shortanswer</qtype>
        <plugin_qtype_shortanswer_question>
          <answers>
            <answer id="4460">
              <answertext>OER Commons</answertext><answerformat>0</answerformat><fraction>1.0000000</fraction>
              <feedback></feedback><feedbackformat>1</feedbackformat>
            </answer>
          </answers>
          <shortanswer id="40"><usecase>1</usecase></shortanswer>
        </plugin_qtype_shortanswer_question>
      </question>
      <question id="1362">
        <parent>0</parent>
        <name>Course Outcomes -matching</name>
        <questiontext>&lt;p&gt;Match the stated course outcomes.&lt;/p&gt;</questiontext>
        <questiontextformat>1</questiontextformat>
        <defaultmark>2.0000000</defaultmark>
        <qtype>match</qtype>
        <plugin_qtype_match_question>
          <matchoptions id="50"><shuffleanswers>1</shuffleanswers></matchoptions>
          <matches>
            <match id="231">
              <questiontext>&lt;p&gt;You will learn to search for OER.&lt;/p&gt;</questiontext>
              <questiontextformat>1</questiontextformat>
              <answertext>Stated outcome</answertext>
            </match>
            <match id="234">
              <questiontext>&lt;p&gt;You will learn how to create an OER.&lt;/p&gt;</questiontext>
              <questiontextformat>1</questiontextformat>
              <answertext>This was not a stated outcome.</answertext>
            </match>
          </matches>
        </plugin_qtype_match_question>
      </question>
      <question id="1363">
        <parent>0</parent>
        <name>Reflection</name>
        <questiontext>&lt;p&gt;Why would you use OER in your class?&lt;/p&gt;</questiontext>
        <questiontextformat>1</questiontextformat>
        <defaultmark>5.0000000</defaultmark>
        <qtype>essay</qtype>
        <plugin_qtype_essay_question>
          <essay id="7">
            <graderinfo>&lt;p&gt;OER are free to use and adapt, so lessons fit the
            learners.&lt;/p&gt;</graderinfo>
            <graderinfoformat>1</graderinfoformat>
          </essay>
        </plugin_qtype_essay_question>
      </question>
    </questions>
  </question_category>
</question_categories>
"""


def test_a_course_backups_question_bank_is_read_as_the_export_it_stands_for(tmp_path: Path) -> None:
    """LINCS publishes its Moodle courses as unpacked backups; their question bank is questions.xml with
    root <question_categories> (was: refused, 'export the questions from Moodle'). Each category is a
    topic named by its path (Moodle's 'top' and 'Default for' left out, a '/' in a name kept), each
    question keeps its type, points, fractions, feedback, hints and tags; true/false answers are known by
    the ids the backup names, whatever their label; random slots are left out as in an export."""
    path = tmp_path / "questions.xml"
    path.write_text(BACKUP_QUESTIONS, encoding="utf-8")
    notes: list[str] = []
    purpose, licence, eggs, site, searching, creating, reflection = import_file(path, notes=notes).questions
    assert purpose.type is QuestionType.MULTIPLE_CHOICE
    assert _prompt(purpose) == "What is the stated purpose of the course shell?"
    assert (purpose.max_points, purpose.topics) == (2.0, ("C1-Mod_1", "Mod1"))
    assert [(c.text, c.fraction, c.feedback) for c in purpose.choices] == [
        ("Resources to build your own lesson with OER.", 1.0, "Yes, it is a starting point."),
        ("I don't know.", 0.0, ""),
        (
            "A Moodle course I can use to help my students learn.",
            0.5,
            "True, but not the entire purpose: half credit.",
        ),
    ]
    assert purpose.general_feedback == "Review Module 1"
    assert purpose.outcome_feedback is not None
    assert purpose.outcome_feedback.correct == "Well done: that is its purpose."
    assert purpose.hints == ("Look at the course outline.",)
    assert licence.type is QuestionType.TRUE_FALSE
    assert [(c.fraction, c.feedback) for c in licence.choices] == [
        (1.0, "Oui."),
        (0.0, "Si, selon sa licence."),
    ]
    assert eggs.type is QuestionType.NUMERICAL and eggs.topics == ("C1-Mod_2 / numbers",)
    assert [(n.value, n.tolerance, n.fraction) for n in eggs.numerical] == [(6.0, 0.5, 1.0)]
    assert site.type is QuestionType.SHORT_EXACT and site.case_sensitive
    assert [(c.text, c.fraction) for c in site.choices] == [("OER Commons", 1.0)]
    assert _prompt(searching).endswith("You will learn to search for OER. → _____")
    assert [(c.text, c.fraction) for c in creating.choices] == [
        ("Stated outcome", 0.0),
        ("This was not a stated outcome.", 1.0),
    ]
    assert (searching.max_points, creating.max_points) == (1.0, 1.0)
    assert reflection.type is QuestionType.FREE_TEXT and reflection.max_points == 5.0
    assert reflection.reference_answer["en"] == "OER are free to use and adapt, so lessons fit the learners."
    random_line = _line_of(BACKUP_QUESTIONS, '<question id="1352">')
    matching_line = _line_of(BACKUP_QUESTIONS, '<question id="1362">')
    assert [note.removeprefix(f"{path}:") for note in notes] == [
        f"{random_line}: Random (Default for OER-Math and "
        "subcategories): a random-question placeholder (Moodle draws a question from its category when the "
        "quiz runs) is not a question; left out",
        f"{matching_line}: Course Outcomes -matching: a matching "
        "question with 2 items: imported as 2 questions, one per item, each asking it as _____ and worth its "
        "points",
    ]


def _backup_questions(tmp_path: Path, categories: str) -> Path:
    """A course backup's questions.xml holding these <question_category> elements."""
    path = tmp_path / "questions.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<question_categories>\n{categories}</question_categories>\n",
        encoding="utf-8",
    )
    return path


def _line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


def test_a_cloze_question_in_a_course_backup_gets_its_gaps_back(tmp_path: Path) -> None:
    """A backup keeps a Cloze question's text with {#1}, {#2} … and each gap as a question of its own
    (parent = the Cloze) holding its {1:SHORTANSWER:…}; the gaps are put back in their places and the
    Cloze imported as one question per gap, as from an export (the gaps are not questions of their own)."""
    cloze = """
      <question id="1400">
        <parent>0</parent>
        <name>Fill in</name>
        <questiontext>&lt;p&gt;OER stands for {#1} educational {#2}.&lt;/p&gt;</questiontext>
        <questiontextformat>1</questiontextformat>
        <defaultmark>2.0000000</defaultmark>
        <qtype>multianswer</qtype>
        <plugin_qtype_multianswer_question>
          <multianswer id="9"><question>1400</question><sequence>1401,1402</sequence></multianswer>
        </plugin_qtype_multianswer_question>
      </question>
      <question id="1401">
        <parent>1400</parent>
        <name>Fill in</name>
        <questiontext>{1:SHORTANSWER:=Open~%50%Free}</questiontext>
        <questiontextformat>0</questiontextformat>
        <defaultmark>1.0000000</defaultmark>
        <qtype>shortanswer</qtype>
      </question>
      <question id="1402">
        <parent>1400</parent>
        <name>Fill in</name>
        <questiontext>{1:MULTICHOICE:=resources~rules}</questiontext>
        <questiontextformat>0</questiontextformat>
        <defaultmark>1.0000000</defaultmark>
        <qtype>multichoice</qtype>
      </question>"""
    end = "    </questions>\n  </question_category>\n</question_categories>"
    path = tmp_path / "questions.xml"
    path.write_text(BACKUP_QUESTIONS.replace(end, cloze + "\n" + end), encoding="utf-8")
    *_, acronym, resources = import_file(path).questions
    assert _prompt(acronym) == "OER stands for _____ educational [\u2026]."
    assert [(c.text, c.fraction) for c in acronym.choices] == [("Open", 1.0), ("Free", 0.5)]
    assert resources.type is QuestionType.MULTIPLE_CHOICE
    assert [(c.text, c.fraction) for c in resources.choices] == [("resources", 1.0), ("rules", 0.0)]


def test_a_course_backups_pictures_come_from_its_files_folder(tmp_path: Path) -> None:
    """LINCS's licence questions show each Creative Commons logo as @@PLUGINFILE@@/by-nc-sa.png, whose
    content an unpacked backup keeps in files/<2 hex>/<hash>, named by files.xml (was: refused with the
    rest of the backup). The pictures of the question text and of an answer become the question's media
    and are read back on install; a listed file whose hash is no content hash is never read."""
    picture = base64.b64decode(PNG_1X1)
    content_hash = hashlib.sha1(picture).hexdigest()
    (tmp_path / "files" / content_hash[:2]).mkdir(parents=True)
    (tmp_path / "files" / content_hash[:2] / content_hash).write_bytes(picture)
    listed = "".join(
        f"<file><contenthash>{content}</contenthash><component>question</component><filearea>{area}</filearea>"
        f"<itemid>{item}</itemid><filepath>/</filepath><filename>{name}</filename></file>"
        for content, area, item, name in [
            (content_hash, "questiontext", "1367", "by-nc-sa.png"),
            (content_hash, "answer", "4462", "nc.png"),
            ("../../../../etc/passwd", "answer", "4463", "passwd.png"),
        ]
    )
    (tmp_path / "files.xml").write_text(f'<?xml version="1.0"?>\n<files>{listed}</files>\n', encoding="utf-8")
    path = _backup_questions(
        tmp_path,
        """  <question_category id="212">
    <name>C1-Mod_3</name>
    <parent>0</parent>
    <questions>
      <question id="1367">
        <parent>0</parent>
        <name>CC BY NC SA Logo</name>
        <questiontext>&lt;p&gt;&lt;img src="@@PLUGINFILE@@/by-nc-sa.png" alt="" width="88"
        height="31" /&gt;This image represents a certain Creative Commons License.&lt;/p&gt;</questiontext>
        <questiontextformat>1</questiontextformat>
        <defaultmark>1.0000000</defaultmark>
        <qtype>multichoice</qtype>
        <plugin_qtype_multichoice_question>
          <answers>
            <answer id="4462">
              <answertext>&lt;p&gt;Attribution NonCommercial ShareAlike &lt;img src="@@PLUGINFILE@@/nc.png"
              alt="" /&gt;&lt;/p&gt;</answertext>
              <answerformat>1</answerformat><fraction>1.0000000</fraction>
              <feedback></feedback><feedbackformat>1</feedbackformat>
            </answer>
            <answer id="4463">
              <answertext>&lt;p&gt;Attribution&lt;/p&gt;</answertext>
              <answerformat>1</answerformat><fraction>0.0000000</fraction>
              <feedback></feedback><feedbackformat>1</feedbackformat>
            </answer>
          </answers>
          <multichoice id="976"><single>1</single></multichoice>
        </plugin_qtype_multichoice_question>
      </question>
    </questions>
  </question_category>
""",
    )
    (logo,) = import_file(path).questions
    assert logo.media == ("by-nc-sa.png", "nc.png")
    assert _prompt(logo) == "[image: by-nc-sa.png] This image represents a certain Creative Commons License."
    assert [(c.text, c.fraction) for c in logo.choices] == [
        ("Attribution NonCommercial ShareAlike [image: nc.png]", 1.0),
        ("Attribution", 0.0),
    ]
    assert read_media(path, logo.media) == {"by-nc-sa.png": picture, "nc.png": picture}


def test_a_moodle_4_backup_gives_the_latest_version_of_each_question(tmp_path: Path) -> None:
    """From Moodle 4.0 a backup keeps every version of a question under its question bank entry, and
    writes an empty idnumber as '$@NULL@$': only the latest version is a question (not one per version),
    with the entry's idnumber, and a NULL idnumber or feedback is no text."""
    path = _backup_questions(
        tmp_path,
        """  <question_category id="5">
    <name>Module 2</name>
    <parent>0</parent>
    <question_bank_entries>
      <question_bank_entry id="71">
        <idnumber>licence-check</idnumber>
        <question_version>
          <question_versions id="101">
            <version>1</version>
            <status>ready</status>
            <questions>
              <question id="901">
                <parent>0</parent><name>Check the license</name>
                <questiontext>Should you check a licence?</questiontext>
                <questiontextformat>2</questiontextformat>
                <generalfeedback>$@NULL@$</generalfeedback><generalfeedbackformat>1</generalfeedbackformat>
                <defaultmark>1.0000000</defaultmark><qtype>truefalse</qtype><idnumber>$@NULL@$</idnumber>
              </question>
            </questions>
          </question_versions>
          <question_versions id="102">
            <version>2</version>
            <status>ready</status>
            <questions>
              <question id="902">
                <parent>0</parent><name>Check the license</name>
                <questiontext>Should you always check the licence of what you find online?</questiontext>
                <questiontextformat>2</questiontextformat>
                <generalfeedback>$@NULL@$</generalfeedback><generalfeedbackformat>1</generalfeedbackformat>
                <defaultmark>1.0000000</defaultmark><qtype>truefalse</qtype><idnumber>$@NULL@$</idnumber>
                <plugin_qtype_truefalse_question>
                  <answers>
                    <answer id="1"><answertext>True</answertext><answerformat>0</answerformat>
                      <fraction>1.0000000</fraction><feedback>$@NULL@$</feedback><feedbackformat>1</feedbackformat>
                    </answer>
                    <answer id="2"><answertext>False</answertext><answerformat>0</answerformat>
                      <fraction>0.0000000</fraction><feedback>Always.</feedback><feedbackformat>1</feedbackformat>
                    </answer>
                  </answers>
                  <truefalse id="3"><trueanswer>1</trueanswer><falseanswer>2</falseanswer></truefalse>
                </plugin_qtype_truefalse_question>
              </question>
            </questions>
          </question_versions>
        </question_version>
      </question_bank_entry>
      <question_bank_entry id="72">
        <idnumber>$@NULL@$</idnumber>
        <question_version>
          <question_versions id="103">
            <version>1</version>
            <status>ready</status>
            <questions>
              <question id="903">
                <parent>0</parent><name>Reuse</name>
                <questiontext>May you adapt a CC BY work?</questiontext>
                <questiontextformat>2</questiontextformat>
                <generalfeedback></generalfeedback><generalfeedbackformat>1</generalfeedbackformat>
                <defaultmark>1.0000000</defaultmark><qtype>truefalse</qtype><idnumber>$@NULL@$</idnumber>
                <plugin_qtype_truefalse_question>
                  <answers>
                    <answer id="4"><answertext>True</answertext><answerformat>0</answerformat>
                      <fraction>1.0000000</fraction><feedback></feedback><feedbackformat>1</feedbackformat>
                    </answer>
                    <answer id="5"><answertext>False</answertext><answerformat>0</answerformat>
                      <fraction>0.0000000</fraction><feedback></feedback><feedbackformat>1</feedbackformat>
                    </answer>
                  </answers>
                  <truefalse id="6"><trueanswer>4</trueanswer><falseanswer>5</falseanswer></truefalse>
                </plugin_qtype_truefalse_question>
              </question>
            </questions>
          </question_versions>
        </question_version>
      </question_bank_entry>
    </question_bank_entries>
  </question_category>
""",
    )
    check, reuse = import_file(path).questions
    assert (check.id, _prompt(check)) == (
        "licence-check",
        "Should you always check the licence of what you find online?",
    )
    assert check.general_feedback == ""
    assert [(c.fraction, c.feedback) for c in check.choices] == [(1.0, ""), (0.0, "Always.")]
    assert (reuse.id, reuse.topics) == ("Reuse", ("Module 2",))


def test_a_numerical_question_in_a_course_backup_keeps_its_units(tmp_path: Path) -> None:
    """A backup keeps a numerical question's units and how they are graded in numerical_units and
    numerical_options; they are kept as from an export (here a unit is required and a wrong one costs
    a tenth)."""
    path = _backup_questions(
        tmp_path,
        """  <question_category id="5">
    <name>Measures</name>
    <parent>0</parent>
    <questions>
      <question id="1">
        <parent>0</parent><name>Table length</name>
        <questiontext>How long is the table?</questiontext><questiontextformat>2</questiontextformat>
        <defaultmark>1.0000000</defaultmark><qtype>numerical</qtype>
        <plugin_qtype_numerical_question>
          <answers>
            <answer id="11"><answertext>2</answertext><answerformat>0</answerformat>
              <fraction>1.0000000</fraction><feedback></feedback><feedbackformat>1</feedbackformat>
            </answer>
          </answers>
          <numerical_records>
            <numerical_record id="3"><answer>11</answer><tolerance>0.1</tolerance></numerical_record>
          </numerical_records>
          <numerical_options>
            <numerical_option id="4">
              <showunits>0</showunits><unitsleft>0</unitsleft><unitgradingtype>1</unitgradingtype>
              <unitpenalty>0.1000000</unitpenalty>
            </numerical_option>
          </numerical_options>
          <numerical_units>
            <numerical_unit id="5"><multiplier>1.0000000</multiplier><unit>m</unit></numerical_unit>
            <numerical_unit id="6"><multiplier>100.0000000</multiplier><unit>cm</unit></numerical_unit>
          </numerical_units>
        </plugin_qtype_numerical_question>
      </question>
    </questions>
  </question_category>
""",
    )
    (table,) = import_file(path).questions
    assert [(n.value, n.tolerance) for n in table.numerical] == [(2.0, 0.1)]
    assert table.units is not None
    assert [(unit.name, unit.multiplier) for unit in table.units.units] == [("m", 1.0), ("cm", 100.0)]
    assert (table.units.grading, table.units.penalty, table.units.left) == ("mark", 0.1, False)


def _answer_xml(identifier: int, text: str, fraction: str, feedback: str) -> str:
    return (
        f'<answer id="{identifier}"><answertext>{text}</answertext><answerformat>0</answerformat>'
        f"<fraction>{fraction}</fraction><feedback>{feedback}</feedback><feedbackformat>0</feedbackformat></answer>"
    )


def test_word_gaps_and_all_or_nothing_choices_in_a_course_backup(tmp_path: Path) -> None:
    """Drag-and-drop into text and select missing words keep each word's group in the answer's feedback
    field (ddwtos PHP-serialized, gapselect the bare number): each gap chooses among its group's words
    (was: 'gap [[1]] names no answer: the question has 0'). An all-or-nothing multichoiceset keeps its
    right answers."""
    drag = "".join(
        _answer_xml(
            number, word, "0", f'O:8:"stdClass":2:{{s:9:"draggroup";s:1:"{group}";s:8:"infinite";i:0;}}'
        )
        for number, word, group in [(1, "cat", 1), (2, "mat", 2), (3, "dog", 1), (4, "sofa", 2)]
    )
    select = "".join(
        _answer_xml(number, word, "0", group)
        for number, word, group in [(5, "4", 1), (6, "dry", 2), (7, "5", 1)]
    )
    pick = "".join(
        _answer_xml(number, word, fraction, "")
        for number, word, fraction in [(8, "2", "1.0000000"), (9, "3", "1.0000000"), (10, "4", "0.0000000")]
    )
    path = _backup_questions(
        tmp_path,
        f"""  <question_category id="1"><name>Words</name><parent>0</parent>
    <questions>
      <question id="50"><parent>0</parent><name>Drag words</name>
        <questiontext>The [[1]] sat on the [[2]].</questiontext><questiontextformat>1</questiontextformat>
        <defaultmark>2</defaultmark><qtype>ddwtos</qtype>
        <plugin_qtype_ddwtos_question><answers>{drag}</answers></plugin_qtype_ddwtos_question>
      </question>
      <question id="51"><parent>0</parent><name>Pick words</name>
        <questiontext>2 + 2 = [[1]] and water is not [[2]].</questiontext>
        <questiontextformat>1</questiontextformat>
        <defaultmark>2</defaultmark><qtype>gapselect</qtype>
        <plugin_qtype_gapselect_question><answers>{select}</answers></plugin_qtype_gapselect_question>
      </question>
      <question id="52"><parent>0</parent><name>Primes</name>
        <questiontext>Which are prime?</questiontext><questiontextformat>1</questiontextformat>
        <defaultmark>1</defaultmark><qtype>multichoiceset</qtype>
        <plugin_qtype_multichoiceset_question><answers>{pick}</answers></plugin_qtype_multichoiceset_question>
      </question>
    </questions>
  </question_category>
""",
    )
    cat, mat, four, dry, primes = import_file(path).questions
    assert [(c.text, c.fraction) for c in cat.choices] == [("cat", 1.0), ("dog", 0.0)]
    assert [(c.text, c.fraction) for c in mat.choices] == [("mat", 1.0), ("sofa", 0.0)]
    assert [(c.text, c.fraction) for c in four.choices] == [("4", 1.0), ("5", 0.0)]
    assert [(c.text, c.fraction) for c in dry.choices] == [("dry", 1.0)]
    assert (cat.max_points, four.max_points) == (1.0, 1.0)
    assert primes.all_or_nothing
    assert [(c.text, c.fraction) for c in primes.choices if c.fraction > 0] == [("2", 0.5), ("3", 0.5)]


def _logo_backup_members(picture: bytes) -> dict[str, bytes]:
    """A backup's question bank with one picture question, as the members of its .mbz."""
    content_hash = hashlib.sha1(picture).hexdigest()
    questions = """<?xml version="1.0" encoding="UTF-8"?>
<question_categories>
  <question_category id="212"><name>C1-Mod_3</name><parent>0</parent>
    <questions>
      <question id="1367"><parent>0</parent><name>CC BY NC SA Logo</name>
        <questiontext>&lt;p&gt;&lt;img src="@@PLUGINFILE@@/by-nc-sa.png" alt="" /&gt;Which
        licence?&lt;/p&gt;</questiontext>
        <questiontextformat>1</questiontextformat><defaultmark>1</defaultmark><qtype>shortanswer</qtype>
        <plugin_qtype_shortanswer_question><answers>
          <answer id="1"><answertext>CC BY-NC-SA</answertext><answerformat>0</answerformat>
          <fraction>1.0000000</fraction><feedback></feedback><feedbackformat>1</feedbackformat></answer>
        </answers></plugin_qtype_shortanswer_question>
      </question>
    </questions>
  </question_category>
</question_categories>
"""
    listing = (
        f'<?xml version="1.0"?>\n<files><file><contenthash>{content_hash}</contenthash>'
        "<component>question</component><filearea>questiontext</filearea><itemid>1367</itemid>"
        "<filepath>/</filepath><filename>by-nc-sa.png</filename></file></files>\n"
    )
    return {
        "moodle_backup.xml": b"<moodle_backup/>",
        "questions.xml": questions.encode(),
        "files.xml": listing.encode(),
        f"files/{content_hash[:2]}/{content_hash}": picture,
    }


@pytest.mark.parametrize("packing", ["tar.gz", "zip"])
def test_a_course_backup_file_mbz_is_read_without_unpacking_it(tmp_path: Path, packing: str) -> None:
    """A teacher downloads a course backup as one .mbz file (a gzipped tar since Moodle 2.6, a zip before):
    its questions.xml and the pictures files.xml names are read from it directly (was: read as text,
    'contains NUL bytes'). A .mbz that is neither is a clean error."""
    picture = base64.b64decode(PNG_1X1)
    path = tmp_path / "backup-moodle2-course-46-oer-math.mbz"
    if packing == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            for name, content in _logo_backup_members(picture).items():
                archive.writestr(name, content)
    else:
        with tarfile.open(path, "w:gz") as archive:
            for name, content in _logo_backup_members(picture).items():
                member = tarfile.TarInfo(name)
                member.size = len(content)
                archive.addfile(member, io.BytesIO(content))
    (logo,) = import_file(path).questions
    assert (logo.type, logo.topics, logo.media) == (
        QuestionType.SHORT_EXACT,
        ("C1-Mod_3",),
        ("by-nc-sa.png",),
    )
    assert _prompt(logo) == "[image: by-nc-sa.png] Which licence?"
    assert [(c.text, c.fraction) for c in logo.choices] == [("CC BY-NC-SA", 1.0)]
    assert read_media(path, logo.media) == {"by-nc-sa.png": picture}


def test_a_mbz_that_is_no_archive_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "course.mbz"
    path.write_bytes(b"\x00\x01 not an archive")
    with pytest.raises(InputFileError, match=r"not a Moodle backup \(\.mbz\)"):
        import_file(path)
