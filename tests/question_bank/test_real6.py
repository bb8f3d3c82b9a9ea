"""Round 6 of real exchange files written by other tools (tests/question_bank/data/real6, sources in its
README): each imported and checked question by question against what the file means."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.models import OutcomeFeedback, QuestionType
from tests.question_bank.conftest import DATA_DIR

REAL = DATA_DIR / "real6"


def _shares(choices: object) -> list[tuple[str, float]]:
    return [(choice.text, choice.fraction) for choice in choices]  # type: ignore[attr-defined]


def test_respondus_question_worth_nothing_keeps_its_right_answer_and_says_what_its_points_became() -> None:
    """Respondus writes a 0-point question's right answer as the condition that *sets* the score (to 0),
    the wrong ones *add* 0 (was: refused, 'no correct answer'). Its QUE_…_ALL feedback is the general
    feedback and _C / _IC the right / wrong answer's (was: all three glued into every choice's feedback);
    the 0 points cannot be kept (a tenta question is worth more) and the note says so."""
    notes: list[str] = []
    (question,) = import_file(REAL / "respondus_zero_point_mc.xml", notes=notes).questions
    assert question.id == "QUE_1006_zero_weight"
    assert question.type is QuestionType.MULTIPLE_CHOICE
    assert question.prompt["en"] == "This question is worth 0 points and the resprocessing sets score to 0"
    assert _shares(question.choices) == [
        ("Answer choice 1 (correct)", 1.0),
        ("Answer choice 2", 0.0),
        ("Answer choice 3", 0.0),
        ("Answer choice 4", 0.0),
    ]
    assert [choice.feedback for choice in question.choices] == [
        "choice 1 feedback",
        "choice 2 feedback",
        "choice 3 feedback",
        "choice 4 feedback",
    ]
    assert question.general_feedback == "This is some general feedback."
    assert question.outcome_feedback == OutcomeFeedback(
        correct="This is the correct answer feedback", incorrect="This is the incorrect answer feedback"
    )
    assert question.max_points == 1.0
    assert [note.removeprefix(f"{REAL}/") for note in notes] == [
        "respondus_zero_point_mc.xml:5: item 'QUE_1006_zero_weight' (MC Question 1): worth 0 points in the "
        "file: imported as worth 1 point (a tenta question is worth more than 0)"
    ]


def test_respondus_points_come_from_its_own_metadata(tmp_path: Path) -> None:
    """respondusapi_qpoints is the question's points (was: ignored, every Respondus question worth 1); a
    right answer that sets a score is read from the score as usual, with no note."""
    path = tmp_path / "respondus.xml"
    original = (REAL / "respondus_zero_point_mc.xml").read_text(encoding="iso-8859-1")
    worth_two = original.replace("<fieldentry>0</fieldentry>", "<fieldentry>2</fieldentry>").replace(
        'action="Set">0<', 'action="Set">2<'
    )
    path.write_text(worth_two, encoding="iso-8859-1")
    notes: list[str] = []
    (question,) = import_file(path, notes=notes).questions
    assert question.max_points == 2.0
    assert _shares(question.choices)[0] == ("Answer choice 1 (correct)", 1.0)
    assert notes == []


def test_a_zero_score_set_by_another_tool_is_still_no_right_answer(tmp_path: Path) -> None:
    """Reading 'Set' as right is Respondus's convention only: the same item without Respondus's metadata
    is refused as before, naming the item."""
    path = tmp_path / "other.xml"
    original = (REAL / "respondus_zero_point_mc.xml").read_text(encoding="iso-8859-1")
    path.write_text(original.replace("respondusapi_", "vendor_"), encoding="iso-8859-1")
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    [error] = raised.value.errors
    assert (error.line, error.field) == (5, "item 'QUE_1006_zero_weight' (MC Question 1)")
    assert error.reason == "no correct answer: no scoring condition gives points to a choice"


def test_brightspace_multi_select_keeps_each_answers_feedback_on_its_answer() -> None:
    """Brightspace's Multi-Select scores the whole set in one condition that shows no feedback; answer
    QUES_…_A4710353's feedback is QUES_…_IF4710353 (was: taken for the question's general feedback)."""
    (question,) = import_file(REAL / "d2l_multi_select.xml").questions
    assert question.id == "OBJ_3503039"
    assert question.prompt["en"] == "how about the even numbers?"
    assert question.type is QuestionType.MULTIPLE_CHOICE
    assert _shares(question.choices) == [("1", 0.0), ("2", 0.5), ("3", 0.0), ("4", 0.5)]
    assert question.all_or_nothing  # one condition needs exactly 2 and 4
    assert [choice.feedback for choice in question.choices] == ["a", "", "", ""]
    assert question.general_feedback == ""
    assert question.topics == ("02gilback",)
    assert question.max_points == 1.0


def test_brightspace_multi_short_answer_is_refused_naming_file_line_and_item() -> None:
    """Several boxes, each accepting any of the answers once: tenta has no such type, so the file is
    refused (or the item left out with --skip-unsupported), not imported as one short answer."""
    with pytest.raises(InputFileErrors) as raised:
        import_file(REAL / "d2l_multi_short_answer.xml")
    [error] = raised.value.errors
    assert (error.path.name, error.line, error.field) == (
        "d2l_multi_short_answer.xml",
        5,
        "item 'OBJ_3503044' (multiple short answer)",
    )
    assert "type 'Multi-Short Answer'" in error.reason and "not supported" in error.reason
    assert error.unsupported


def test_gift_documentation_examples_with_every_escaped_control_character() -> None:
    """Moodle's GIFT documentation examples: 14 questions, comments left out, weights and feedback kept,
    escaped control characters (and an escaped backslash) read as the characters themselves."""
    questions = import_file(REAL / "gift_options_escaped_control_characters.gift").questions
    assert [(q.id, q.type) for q in questions] == [
        ("q1", QuestionType.NUMERICAL),
        ("kanji-origins", QuestionType.SHORT_EXACT),
        ("thanksgiving-date", QuestionType.MULTIPLE_CHOICE),
        ("q4", QuestionType.MULTIPLE_CHOICE),
        ("q5", QuestionType.SHORT_EXACT),
        ("q6", QuestionType.SHORT_EXACT),
        ("q7", QuestionType.TRUE_FALSE),
        ("q8", QuestionType.MULTIPLE_CHOICE),
        ("jesus-hometown", QuestionType.MULTIPLE_CHOICE),
        ("jesus-hometown-10", QuestionType.SHORT_EXACT),
        ("q11", QuestionType.MULTIPLE_CHOICE),
        ("q12", QuestionType.MULTIPLE_CHOICE),
        ("q13", QuestionType.MULTIPLE_CHOICE),
        ("gift-control-characters", QuestionType.MULTIPLE_CHOICE),
    ]
    by_id = {question.id: question for question in questions}
    assert [(answer.value, answer.tolerance) for answer in by_id["q1"].numerical] == [(4.0, 0.0)]
    thanksgiving = by_id["thanksgiving-date"]
    assert thanksgiving.prompt["en"] == (
        "The American holiday of Thanksgiving is\ncelebrated on the _____ Thursday of November."
    )
    assert _shares(thanksgiving.choices) == [("second", 0.0), ("third", 0.0), ("fourth", 1.0)]
    assert by_id["q6"].prompt["en"] == "Who's buried in **Grant's tomb**?"
    assert _shares(by_id["q6"].choices) == [("no one", 1.0), ("nobody", 1.0)]
    assert _shares(by_id["q7"].choices) == [("True", 0.0), ("False", 1.0)]
    assert by_id["q7"].choices[0].feedback == "No one is buried in Grant's tomb."
    hometown = by_id["jesus-hometown"]
    assert _shares(hometown.choices) == [
        ("Jerusalem", 0.0),
        ("Bethlehem", 0.25),
        ("Galilee", 0.5),
        ("Nazareth", 1.0),
    ]
    assert hometown.choices[3].feedback == "Yes! That's right!"
    assert _shares(by_id["jesus-hometown-10"].choices) == [
        ("Nazareth", 1.0),
        ("Nazereth", 0.75),
        ("Bethlehem", 0.25),
    ]
    assert _shares(by_id["q12"].choices) == [
        ("No one", -0.5),
        ("Grant", 0.5),
        ("Grant's wife", 0.5),
        ("Grant's father", -0.5),
    ]
    assert _shares(by_id["q13"].choices) == [("= 2 + 2", 0.0), ("= 2 + 3", 1.0), ("= 2 + 4", 0.0)]
    control = by_id["gift-control-characters"]
    assert _shares(control.choices) == [
        ("~", 0.0),
        ("=", 0.0),
        ("#", 0.0),
        ("{", 0.0),
        ("}", 0.0),
        ("\\", 1.0),
    ]
    assert control.choices[3].feedback == "{ is a control character."
    assert control.choices[5].feedback.startswith("Correct! \\ (backslash) is not a control character. BUT,")
    assert all(question.max_points == 1.0 for question in questions)


def test_moodle_drag_and_drop_into_text_becomes_one_choice_per_gap() -> None:
    """Moodle's own ddwtos test question: one question per gap among the five words, a third of the point
    each, the general feedback and both hints on every gap."""
    notes: list[str] = []
    gaps = import_file(REAL / "moodle_ddwtos.xml", notes=notes).questions
    assert [next(iter(gap.prompt.values())) for gap in gaps] == [
        "The _____ […] on the […].",
        "The […] _____ on the […].",
        "The […] […] on the _____.",
    ]
    words = ["cat", "sat", "mat", "dog", "table"]
    for gap, right in zip(gaps, ["cat", "sat", "mat"], strict=True):
        assert gap.type is QuestionType.MULTIPLE_CHOICE
        assert _shares(gap.choices) == [(word, 1.0 if word == right else 0.0) for word in words]
        assert gap.max_points == pytest.approx(1 / 3)
        assert gap.general_feedback == "The cat sat on the mat."
        assert gap.outcome_feedback is None  # Moodle's default wordings only: they say nothing more
        assert gap.hints == ("First hint", "Second hint")
    assert [gap.id for gap in gaps] == [f"imported-drag-and-drop-into-text-001-{n}" for n in (1, 2, 3)]
    assert len(notes) == 1 and "a select-missing-words question with 3 gaps" in notes[0]


def test_canvas_question_worth_nothing_is_named_in_the_notes(tmp_path: Path) -> None:
    """Canvas's points_possible 0 means a question worth nothing (unlike Blackboard's qmd_weighting 0, an
    unset value): imported worth 1 point, as before, and now said so."""
    path = tmp_path / "canvas.xml"
    original = (DATA_DIR / "real3" / "canvas_mc_feedback.xml").read_text(encoding="utf-8")
    worthless = original.replace(
        "<fieldlabel>points_possible</fieldlabel>\n              <fieldentry>1.0</fieldentry>",
        "<fieldlabel>points_possible</fieldlabel>\n              <fieldentry>0.0</fieldentry>",
    )
    assert worthless != original
    path.write_text(worthless, encoding="utf-8")
    notes: list[str] = []
    (question,) = import_file(path, notes=notes).questions
    assert question.max_points == 1.0
    assert notes == [
        f"{path}:11: item 'g5a997009fe86a353f1616f0c81746649' (Question): worth 0 points in the file: "
        "imported as worth 1 point (a tenta question is worth more than 0)"
    ]
    import_file(DATA_DIR / "real3" / "canvas_mc_feedback.xml", notes=(unchanged := []))
    assert unchanged == []


def test_brightspace_text_information_and_image_items_are_texts_between_questions(tmp_path: Path) -> None:
    """Brightspace's 'Text Information' and 'Image' items have nothing to answer (was: refused as
    unsupported question types): left out like Canvas's text-only items, each named in the notes; a file
    of nothing else is refused saying so."""
    with pytest.raises(InputFileErrors) as raised:
        import_file(REAL / "d2l_text_information_and_image.xml")
    assert "no questions found, only 2 texts with nothing to answer" in str(raised.value)

    path = tmp_path / "quiz.xml"
    text_items = (REAL / "d2l_text_information_and_image.xml").read_text(encoding="utf-8")
    question = """<item ident="OBJ_1" label="QUES_1" title="cyclist">
        <itemmetadata><qtimetadata><qti_metadatafield><fieldlabel>qmd_questiontype</fieldlabel>
          <fieldentry>Short Answer</fieldentry></qti_metadatafield></qtimetadata></itemmetadata>
        <presentation><flow><material><mattext texttype="text/plain">Who won?</mattext></material>
          <response_str ident="QUES_1_STR" rcardinality="Single"><render_fib fibtype="String">
            <response_label ident="QUES_1_ANS"/></render_fib></response_str></flow></presentation>
        <resprocessing><respcondition><conditionvar>
          <varequal respident="QUES_1_ANS" case="no">Nydam</varequal></conditionvar>
          <setvar action="Set">100</setvar></respcondition></resprocessing>
      </item>
    </section>"""
    path.write_text(text_items.replace("</section>", question), encoding="utf-8")
    notes: list[str] = []
    (asked,) = import_file(path, notes=notes).questions
    assert (asked.id, asked.type, _shares(asked.choices)) == (
        "OBJ_1",
        QuestionType.SHORT_EXACT,
        [("Nydam", 1.0)],
    )
    assert notes == [
        f"{path}:5: item 'OBJ_3503037' (text only q 1): an item with nothing to answer (text shown between "
        "questions) is not a question; left out",
        f"{path}:35: item 'OBJ_3503037' (text only q 2): an item with nothing to answer (text shown between "
        "questions) is not a question; left out",
    ]


def test_angel_html_written_as_cdata_text_is_read_as_html() -> None:
    """ANGEL writes its item body and feedback as HTML inside CDATA (was: the tags kept in the prompt,
    '<div>What is an LMS</div><div></div>', and in the feedback); the item has no identifier, so the
    title names it."""
    (question,) = import_file(REAL / "angel_qti2_multiple_choice.xml").questions
    assert question.id == "multiple-choice-question-title"
    assert question.prompt["en"] == "What is an LMS"
    assert question.type is QuestionType.MULTIPLE_CHOICE
    assert _shares(question.choices) == [
        ("Learning microsoft system", 0.0),
        ("Listening management system", 0.0),
        ("Liberal management system", 0.0),
        ("learning management system", 1.0),
    ]
    assert question.outcome_feedback == OutcomeFeedback(incorrect="You wrong!\n\nso wrong")
    assert question.general_feedback == ""
    assert question.max_points == 1.0


def test_html_shown_as_code_stays_text(tmp_path: Path) -> None:
    """Only HTML written as text where QTI allows no text is read as markup: a tag named in a sentence,
    shown in <pre> or offered as a choice is what the student reads."""
    path = tmp_path / "tags.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="tags" title="Tags">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>A</value></correctResponse></responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody><p>Which tag does &lt;b&gt;bold&lt;/b&gt; use?</p><pre>&lt;b&gt;bold&lt;/b&gt;</pre>
    <choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">
      <simpleChoice identifier="A">&lt;b&gt;</simpleChoice>
      <simpleChoice identifier="B">&lt;i&gt;</simpleChoice>
    </choiceInteraction></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>
""",
        encoding="utf-8",
    )
    (question,) = import_file(path).questions
    assert question.prompt["en"] == "Which tag does <b>bold</b> use?"
    assert question.code is not None and question.code.source == "<b>bold</b>"
    assert _shares(question.choices) == [("<b>", 1.0), ("<i>", 0.0)]


def test_tao_drop_downs_in_one_sentence_become_one_question_per_blank() -> None:
    """TAO's two inline choices in one sentence (was: refused, 'items with several interactions'): one
    multiple-choice question per drop-down, the sentence shown with it as _____ and the other as […],
    each worth the 1 its rule adds to SCORE."""
    notes: list[str] = []
    first, second = import_file(REAL / "tao_qti21_two_inline_choices.xml", notes=notes).questions
    assert [first.prompt["en"], second.prompt["en"]] == [
        "I have a _____ , I have an […] .",
        "I have a […] , I have an _____ .",
    ]
    assert (first.type, second.type) == (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
    assert _shares(first.choices) == [("pen", 1.0), ("pan", 0.0), ("ten", 0.0)]
    assert _shares(second.choices) == [("apple", 1.0), ("ant", 0.0), ("ape", 0.0)]
    assert (first.max_points, second.max_points) == (1.0, 1.0)
    assert (first.id, second.id) == ("i148159551650113789-1", "i148159551650113789-2")
    assert [note.removeprefix(f"{REAL}/") for note in notes] == [
        "tao_qti21_two_inline_choices.xml:2: item 'i148159551650113789' (TL Canvas 08): a question with 2 "
        "blanks: imported as 2 questions, one per blank, each asking it as _____ and worth its points"
    ]


_CLOZE = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="cloze" title="Lager">
  <responseDeclaration identifier="R1" cardinality="single" baseType="string">
    <correctResponse><value>ReLU</value></correctResponse>
    <mapping defaultValue="0">
      <mapEntry mapKey="ReLU" mappedValue="2"/><mapEntry mapKey="relu" mappedValue="1"/>
    </mapping></responseDeclaration>
  <responseDeclaration identifier="R2" cardinality="single" baseType="float">
    <correctResponse><value>0.5</value></correctResponse>
    <mapping defaultValue="0"><mapEntry mapKey="0.5" mappedValue="1"/></mapping></responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  MAXSCORE
  <itemBody><p>Aktiveringen <textEntryInteraction responseIdentifier="R1"/> och dropout
    <textEntryInteraction responseIdentifier="R2"/>.</p></itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"/>
</assessmentItem>
"""


@pytest.mark.parametrize(("maxscore", "points"), [("", [2.0, 1.0]), ("6", [4.0, 2.0])])
def test_text_entry_blanks_are_worth_their_mapping_scaled_to_the_declared_maximum(
    tmp_path: Path, maxscore: str, points: list[float]
) -> None:
    """A cloze of two text entries: a short answer and a number, each worth its mapping's most, scaled so
    that they sum to MAXSCORE when the item declares one."""
    declared = (
        f'<outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">'
        f"<defaultValue><value>{maxscore}</value></defaultValue></outcomeDeclaration>"
        if maxscore
        else ""
    )
    path = tmp_path / "cloze.xml"
    path.write_text(_CLOZE.replace("MAXSCORE", declared), encoding="utf-8")
    word, number = import_file(path).questions
    assert list(word.prompt.values()) == ["Aktiveringen _____ och dropout […]."]
    assert list(number.prompt.values()) == ["Aktiveringen […] och dropout _____."]
    assert (word.type, number.type) == (QuestionType.SHORT_EXACT, QuestionType.NUMERICAL)
    assert _shares(word.choices) == [("ReLU", 1.0), ("relu", 0.5)]
    assert [(answer.value, answer.fraction) for answer in number.numerical] == [(0.5, 1.0)]
    assert [word.max_points, number.max_points] == points


def test_an_item_mixing_a_blank_and_a_choice_list_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.xml"
    path.write_text(
        _CLOZE.replace("MAXSCORE", "").replace(
            '<textEntryInteraction responseIdentifier="R2"/>',
            '</p><choiceInteraction responseIdentifier="R2" maxChoices="1"><simpleChoice identifier="A">'
            'a</simpleChoice><simpleChoice identifier="B">b</simpleChoice></choiceInteraction><p>',
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    [error] = raised.value.errors
    assert error.reason == (
        "items with several interactions (textEntryInteraction, choiceInteraction) are not supported by "
        "tenta; remove or convert this item"
    )
    assert error.unsupported


def test_blackboard_ultra_scoring_of_answers_the_item_lacks_is_refused_naming_them() -> None:
    """Blackboard Ultra wrote the right answer under an id none of the item's answers has: which answer it
    is cannot be known, so the file is refused saying so and naming both (was: 'no scoring condition
    gives points to a choice', which sent the teacher looking for a missing right answer)."""
    with pytest.raises(InputFileErrors) as raised:
        import_file(REAL / "blackboard_ultra_answer_ids_mismatch.xml")
    [error] = raised.value.errors
    assert (error.path.name, error.line, error.field) == (
        "blackboard_ultra_answer_ids_mismatch.xml",
        61,
        "item '_2978313_1'",
    )
    assert error.reason == (
        "no correct answer: the scoring gives points to answers the item does not have "
        "('4a5d396910f8480a8eaf2d14846a3418'); its answers are 'new_737b553c-d6a6-44a5-b35f-9db46dee58df', "
        "'new_abe0e40b-beb3-4429-b6cb-57724daec7b9', 'new_dc28d500-df92-4572-afc5-bcb3caee7448', "
        "'new_458c2d9d-0b9a-4bb9-9689-6051771cf7f7'"
    )
    assert not error.unsupported


def test_moodle_csv_plugin_letter_columns_and_answer_keys() -> None:
    """qformat_csv's sample (was: refused, "unknown column 'A'" … and 'Answer 1' read as a choice): four
    choices in columns A-D, the right letter in 'Answer 1'; Question2 names two (A and B), each worth
    half with no cost for a wrong tick, as Moodle grades it."""
    questions = import_file(REAL / "moodle_qformat_csv_sample.csv").questions
    assert [question.id for question in questions] == [f"question{n}" for n in range(1, 11)]
    assert all(question.type is QuestionType.MULTIPLE_CHOICE for question in questions)
    first, second = questions[0], questions[1]
    assert first.prompt["en"] == "The dmesg command"
    assert _shares(first.choices) == [
        ("Shows user login logoff attempts", 0.0),
        ("Shows the syslog file for info messages", 0.0),
        ("kernel log messages", 1.0),
        ("Shows the daemon log messages", 0.0),
    ]
    assert next(iter(second.prompt.values())) == "The command \u201cmknod myfifo b 4 16\u201d"
    assert _shares(second.choices) == [
        ("Will create a block device if user is root", 0.5),
        ("Will create a block device for all users", 0.5),
        ("Will create a FIFO if user is not root", 0.0),
        ("None ,of the mentioned", 0.0),
    ]
    right = [[c.text for c in question.choices if c.fraction > 0] for question in questions[2:]]
    assert right == [
        ["stty"],
        ["script"],
        ["uname"],
        ["uname -r"],
        ["\u2013i"],
        ["List all files and directories recursively starting from /"],
        ["ulimit"],
        ["lpr"],
    ]
    assert all(question.max_points == 1.0 for question in questions)


def test_moodle_csv_plugin_extended_columns_give_points_and_drop_default_feedback() -> None:
    """The extended sample's defaultmark is the points (5 or 10); its feedback columns hold Moodle's
    default wordings only, which say nothing, and its answernumbering is read past."""
    questions = import_file(REAL / "moodle_qformat_csv_extended_sample.csv").questions
    assert [question.max_points for question in questions] == [5, 10, 5, 5, 10, 5, 10, 5, 5, 10]
    assert all(question.outcome_feedback is None for question in questions)
    assert [c.fraction for c in questions[1].choices] == [0.5, 0.5, 0.0, 0.0]


def test_moodle_csv_plugin_feedback_of_its_own_is_the_outcome_feedback(tmp_path: Path) -> None:
    path = tmp_path / "quiz.csv"
    original = (REAL / "moodle_qformat_csv_extended_sample.csv").read_text(encoding="utf-8")
    path.write_text(
        original.replace("Your answer is correct.,", "Yes: dmesg prints the kernel ring buffer.,", 1),
        encoding="utf-8",
    )
    first = import_file(path).questions[0]
    assert first.outcome_feedback == OutcomeFeedback(correct="Yes: dmesg prints the kernel ring buffer.")


def test_blackboard6_pool_is_read_question_by_question() -> None:
    """Blackboard 6's <POOL> layout (was: not recognised, read as a Markdown exam and refused): every
    class of Moodle's sample pool, its matching as one question per animal among the three classes."""
    notes: list[str] = []
    bank = import_file(REAL / "blackboard6_pool.dat", notes=notes)
    assert bank.title == "exam 3 2008-9"
    questions = {question.id: question for question in bank.questions}
    assert list(questions) == ["q1", "q7", "q8", "q39-44-1", "q39-44-2", "q39-44-3", "q9", "q27"]
    truth = questions["q1"]
    assert (truth.type, truth.prompt["en"]) == (
        QuestionType.TRUE_FALSE,
        "42 is the Absolute Answer to everything.",
    )
    assert _shares(truth.choices) == [("False", 0.0), ("True", 1.0)]
    assert truth.outcome_feedback == OutcomeFeedback(
        correct="You gave the right answer.", incorrect="42 is the Ultimate Answer."
    )
    assert _shares(questions["q7"].choices) == [("red", 0.0), ("yellow", 1.0), ("blue", 0.0)]
    several = questions["q8"]
    assert _shares(several.choices) == [("yellow", 0.5), ("red", 0.0), ("off-beige", 0.5), ("blue", 0.0)]
    assert several.all_or_nothing
    frog, cat, newt = questions["q39-44-1"], questions["q39-44-2"], questions["q39-44-3"]
    assert frog.prompt["en"] == "Classify the animals.\n\nfrog → _____"
    assert _shares(cat.choices) == [("mammal", 1.0), ("insect", 0.0), ("amphibian", 0.0)]
    assert [_shares(q.choices)[2] for q in (frog, newt)] == [("amphibian", 1.0), ("amphibian", 1.0)]
    assert [q.max_points for q in (frog, cat, newt)] == pytest.approx([1 / 3] * 3)
    essay = questions["q9"]
    assert (essay.type, essay.reference_in("en")) == (
        QuestionType.FREE_TEXT,
        "Blackboard answer for essay questions will be imported as informations for graders.",
    )
    blank = questions["q27"]
    assert (blank.type, blank.prompt["en"], _shares(blank.choices)) == (
        QuestionType.SHORT_EXACT,
        "Name an amphibian: __________.",
        [("frog", 1.0)],
    )
    assert all(questions[name].max_points == 1.0 for name in ("q1", "q7", "q8", "q9", "q27"))
    assert [note.removeprefix(f"{REAL}/") for note in notes] == [
        "blackboard6_pool.dat:82: QUESTION_MATCH 'q39-44': a matching question with 3 items: imported as 3 "
        "questions, one per item, each asking it as _____ and worth its points"
    ]


def test_blackboard6_pool_points_and_problems(tmp_path: Path) -> None:
    """The QUESTIONLIST's points are each question's; a class tenta has no type for is named with its
    line (left out with --skip-unsupported), and an essay without a sample answer is refused."""
    original = (REAL / "blackboard6_pool.dat").read_text(encoding="utf-8")
    worth = tmp_path / "worth.dat"
    worth.write_text(
        original.replace(
            "id='q7' class='QUESTION_MULTIPLECHOICE' points='1'",
            "id='q7' class='QUESTION_MULTIPLECHOICE' points='2.5'",
        ),
        encoding="utf-8",
    )
    assert import_file(worth).question("q7").max_points == 2.5

    ordering = tmp_path / "ordering.dat"
    ordering.write_text(
        original.replace("<QUESTION_FILLINBLANK id='q27'>", "<QUESTION_ORDER id='q27'>").replace(
            "</QUESTION_FILLINBLANK>", "</QUESTION_ORDER>"
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputFileErrors) as raised:
        import_file(ordering)
    [error] = raised.value.errors
    assert (error.line, error.field, error.unsupported) == (128, "QUESTION_ORDER 'q27'", True)
    assert error.reason == (
        "order questions (QUESTION_ORDER) are not supported by tenta; remove or convert this question"
    )
    skipped: list[InputFileError] = []
    assert len(import_file(ordering, skipped=skipped).questions) == 7
    assert [problem.line for problem in skipped] == [128]

    no_answer = tmp_path / "essay.dat"
    no_answer.write_text(
        original.replace(
            "<TEXT><![CDATA[Blackboard answer for essay questions will be imported as informations for "
            "graders.]]></TEXT>",
            "<TEXT></TEXT>",
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputFileErrors) as raised:
        import_file(no_answer)
    assert "essay question has no sample answer" in str(raised.value)


def test_openolat_gap_text_gives_each_blank_its_share_of_maxscore() -> None:
    """OpenOLAT's gap text (was: refused, 'items with several blanks'): each blank a short answer with its
    mapped alternatives (0.8 of the credit), the blanks scored through outcomes of their own, so each
    gets an equal share of MAXSCORE 2. A mapped wrong answer ('Previous', -1) only lowers a blank that
    tenta scores no lower than 0 anyway."""
    gap, what = import_file(REAL / "openolat_qti21_gap_text_two_blanks.xml").questions
    assert gap.prompt["en"] == "This interaction is a _____\n\nWhat is […]"
    assert what.prompt["en"] == "This interaction is a […]\n\nWhat is _____"
    assert (gap.type, what.type) == (QuestionType.SHORT_EXACT, QuestionType.SHORT_EXACT)
    assert _shares(gap.choices) == [("gap", 1.0), ("text", 0.8), ("textEntry", 0.8)]
    assert _shares(what.choices) == [("Next", 1.0)]
    assert not gap.case_sensitive
    assert (gap.max_points, what.max_points) == (1.0, 1.0)


def test_openolat_blanks_that_must_differ_are_refused_not_split() -> None:
    """Three blanks each accepting 0, 1 or 2 but each number once: split into independent questions,
    '0, 0, 0' would earn full marks, so the item is refused (or left out with --skip-unsupported)."""
    with pytest.raises(InputFileErrors) as raised:
        import_file(REAL / "openolat_qti21_gap_text_no_duplicates.xml")
    [error] = raised.value.errors
    assert (error.line, error.field, error.unsupported) == (
        1,
        "item 'fib5d17d212044ffa1557b41c0fa0f4e' (Gap text not same blank)",
        True,
    )
    assert error.reason == (
        "blanks whose answers are compared with each other (each of several accepted answers used once, "
        "OpenOLAT's 'no duplicates') are not supported by tenta; remove or convert this item"
    )


def test_canvas_classic_export_reads_every_type_and_equation_images_as_latex() -> None:
    """A real Canvas Classic quiz export: each question type as Canvas grades it, and the equation
    editor's image in an answer comment read as its LaTeX (was '[image: \\int3x^{2\\:-\\lambda}]', a
    picture the student cannot see)."""
    notes: list[str] = []
    questions = import_file(REAL / "canvas_classic_quiz_export_canvasr.xml", notes=notes).questions
    first, comments, truth, feedback_tf, short, blank1, blank2, several = questions
    assert first.prompt["en"] == "This is question 1"
    assert _shares(first.choices)[0] == ("Correct answer", 1.0)
    assert [c.feedback for c in comments.choices] == [
        "with comments if student chooses this answer",
        "with comments if student chooses this answer",
        "with comments if student chooses this answer",
        "with math comments 2^3 + \\int3x^{2\\:-\\lambda}",
    ]
    assert (truth.type, _shares(truth.choices)) == (QuestionType.TRUE_FALSE, [("True", 1.0), ("False", 0.0)])
    assert _shares(feedback_tf.choices) == [("True", 0.0), ("False", 1.0)]
    assert feedback_tf.general_feedback == "general answer comments."
    assert feedback_tf.outcome_feedback == OutcomeFeedback(
        correct="correct answer comments", incorrect="wrong answer comments."
    )
    assert (short.type, _shares(short.choices)) == (QuestionType.SHORT_EXACT, [("True", 1.0), ("False", 1.0)])
    assert blank1.prompt["en"] == "Fill in multiple blanks _____ + […]"
    assert (_shares(blank1.choices), _shares(blank2.choices)) == (
        [("yes", 1.0), ("no", 1.0)],
        [("maybe", 1.0), ("so", 1.0)],
    )
    assert (blank1.max_points, blank2.max_points) == (0.5, 0.5)
    assert [round(c.fraction, 3) for c in several.choices] == [-0.333, 0.333, -0.333, 0.333, 0.333]
    assert len(notes) == 1 and "a question with 2 blanks" in notes[0]


def test_blackboard6_pool_inside_an_export_package(tmp_path: Path) -> None:
    """Blackboard exports a pool as a zip whose manifest names res00001.dat by its bb:file (was: 'no QTI
    questions found', the pool not being QTI): read like the pool file itself, its title the bank's."""
    package = tmp_path / "pool_export.zip"
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="man00001" xmlns:bb="http://www.blackboard.com/content-packaging/">
  <organizations/>
  <resources>
    <resource bb:file="res00001.dat" bb:title="exam 3 2008-9" identifier="res00001"
      type="assessment/x-bb-pool" xml:base="res00001"/>
  </resources>
</manifest>"""
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.write(REAL / "blackboard6_pool.dat", "res00001.dat")
    notes: list[str] = []
    packed = import_file(package, notes=notes)
    alone = import_file(REAL / "blackboard6_pool.dat")
    assert packed.title == "exam 3 2008-9"
    assert [q.model_dump() for q in packed.questions] == [q.model_dump() for q in alone.questions]
    assert notes == [
        f"{package}/res00001.dat:82: QUESTION_MATCH 'q39-44': a matching question with 3 items: "
        "imported as 3 questions, one per item, each asking it as _____ and worth its points"
    ]


def test_blackboard6_multiple_answer_with_one_right_answer_is_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "one_right.dat"
    original = (REAL / "blackboard6_pool.dat").read_text(encoding="utf-8")
    path.write_text(original.replace("<CORRECTANSWER answer_id='q8_a3'/>", ""), encoding="utf-8")
    several = import_file(path).question("q8")
    assert _shares(several.choices)[:3] == [("yellow", 1.0), ("red", 0.0), ("off-beige", 0.0)]
    assert several.all_or_nothing  # ticking off-beige too earns nothing
