"""Round 3 of real exchange files written by other tools (tests/question_bank/data/real3, sources in its
README): each imported and checked question by question against the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.models import OutcomeFeedback, QuestionType
from tests.question_bank.conftest import DATA_DIR

REAL = DATA_DIR / "real3"


def test_moodle_nested_categories_become_topic_paths_and_an_essay_without_model_answer_is_named() -> None:
    skipped: list[InputFileError] = []
    bank = import_file(REAL / "moodle_nested_categories_with_questions.xml", skipped=skipped)
    assert [(q.id, q.type, q.topics) for q in bank.questions] == [
        ("iota-question", QuestionType.TRUE_FALSE, ("Iota",)),
        ("kappa-question", QuestionType.TRUE_FALSE, ("Iota/Kappa",)),
        ("lambda-question", QuestionType.TRUE_FALSE, ("Iota/Kappa/Lambda",)),
        ("mu-question", QuestionType.TRUE_FALSE, ("Iota/Mu",)),
    ]
    for question in bank.questions:
        assert [(c.text, c.fraction) for c in question.choices] == [("True", 1.0), ("False", 0.0)]
    assert bank.questions[0].prompt_in("en") == "Testing Iota Question"
    assert [(error.line, error.field) for error in skipped] == [(55, "Kappa Essay Question")]
    assert "no reference answer" in skipped[0].reason


def test_moodle_idnumber_with_html_characters_is_made_an_id() -> None:
    question = import_file(REAL / "moodle_html_chars_in_idnumbers.xml").questions[0]
    assert (question.id, question.topics, question.type) == ("t-f", ("Alpha",), QuestionType.TRUE_FALSE)


def test_moodle_19_image_tag_is_media_and_the_cloze_becomes_a_question_per_gap() -> None:
    skipped: list[InputFileError] = []
    bank = import_file(REAL / "moodle_old_image_tag_and_cloze.xml", skipped=skipped)
    *gaps, question = bank.questions
    assert question.prompt_in("en").endswith("used in Moodle 1.9\n\n[image: moodle.png]")
    assert question.media == ("moodle.png",)
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("wrong answer", 0.0),
        ("another wrong answer", 0.0),
        ("right answer", 1.0),
    ]
    assert not skipped  # was: the Cloze question left out as unsupported (round 4 reads it)
    assert [gap.id for gap in gaps] == [f"cloze-question-with-image-{n}" for n in range(1, 6)]
    assert all(gap.media == ("moodle.png",) for gap in gaps)
    assert "* Tucson: _____\n* Los Angeles: […]" in gaps[1].prompt_in("en")
    assert [(c.text, c.fraction) for c in gaps[1].choices] == [("California", 0.0), ("Arizona", 1.0)]
    assert gaps[4].type is QuestionType.SHORT_EXACT
    assert [(c.text, c.fraction) for c in gaps[4].choices] == [("Paris", 1.0), ("Marseille", 0.5), ("*", 0.0)]
    assert gaps[4].choices[2].feedback == "Wrong answer. The capital of France is Paris, of course."


def test_moodle_multiple_answers_share_the_points_and_keep_general_feedback() -> None:
    question = import_file(REAL / "moodle_multichoice_multiple_answers.xml").questions[0]
    assert question.id == "Multi-choice-001"
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("Tokyo", 0.0),
        ("Spain", 0.0),
        ("London", 0.5),
        ("Barcelona", 0.0),
        ("Paris", 0.5),
    ]
    # Moodle's default 'Your answer is correct.' wordings say nothing; the hints are the question's hints
    assert question.general_feedback == "Berlin, Paris and London"
    assert question.outcome_feedback is None
    assert question.hints == ("First hint", "Second hint")


def test_gift_examples_from_moodles_format_php() -> None:
    skipped: list[InputFileError] = []
    bank = import_file(REAL / "gift_format_php_examples.gift", skipped=skipped)
    kinds = [question.type for question in bank.questions]
    assert kinds == [
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.TRUE_FALSE,
        QuestionType.SHORT_EXACT,
        QuestionType.NUMERICAL,
        *[QuestionType.MULTIPLE_CHOICE] * 3,  # the matching question: one per country
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.SHORT_EXACT,
        QuestionType.NUMERICAL,
    ]
    assert skipped == []
    japan = bank.questions[7]
    assert japan.prompt_in("en") == (
        "Match the following countries with their corresponding\ncapitals.\n\nJapan → _____"
    )
    assert [(c.text, c.fraction) for c in japan.choices] == [("Ottawa", 0.0), ("Rome", 0.0), ("Tokyo", 1.0)]
    assert bank.question("q2").prompt_in("en") == "Grant is _____ in Grant's tomb."
    assert [(c.text, c.fraction) for c in bank.question("q3").choices] == [("True", 0.0), ("False", 1.0)]
    hometown = bank.question("jesus-hometown-short-answer-ex")
    assert [(c.text, c.fraction) for c in hometown.choices] == [
        ("Nazareth", 1.0),
        ("Nazereth", 0.75),
        ("Bethlehem", 0.25),
    ]
    born = bank.question("numerical-example").numerical
    assert [(a.value, a.tolerance, a.fraction) for a in born] == [(1822.0, 0.0, 1.0), (1822.0, 2.0, 0.5)]
    # a feedback's continuation line loses the indentation lining it up in the file
    assert born[1].feedback == "He was born in 1822.\nYou get 50% credit for being close."


def test_gift_escaped_control_characters_are_choices() -> None:
    question = import_file(REAL / "gift_escape_all.gift").questions[0]
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("~", 0.0),
        ("=", 0.0),
        ("#", 0.0),
        ("{", 0.0),
        ("}", 0.0),
        (":", 0.0),
        ("\\", 1.0),
    ]
    assert question.choices[0].feedback == "~ is a control character."
    assert question.choices[-1].feedback == (
        "Correct! \\ (backslash) is not a control character. BUT,\n"
        "it is used to escape the control characters."
    )


def test_gift_numerical_forms() -> None:
    answers = [
        [(a.value, a.tolerance, a.fraction) for a in q.numerical]
        for q in import_file(REAL / "gift_numerical.gift").questions
    ]
    assert answers == [
        [(1822.0, 0.0, 1.0)],
        [(3.1415, 0.0005, 1.0)],
        [(3.1415, 0.0005, 1.0)],  # {#3.141..3.142}
        [(3.0, 2.0, 1.0)],  # {#1..5}
        [(1822.0, 0.0, 1.0), (1822.0, 2.0, 0.5)],
    ]


def test_a_file_whose_only_question_is_left_out_says_why(tmp_path: Path) -> None:
    """Moodle's `// [id:393]` essay without a model answer: with --skip-unsupported nothing is left, and
    the error says so instead of 'no questions found'."""
    with pytest.raises(InputFileErrors) as caught:
        import_file(REAL / "gift_tag_id_and_two_tags.gift", skipped=[])
    expected = "no questions left: the only question was left out as unsupported (line 3: essay question"
    assert expected in str(caught.value)
    answered = tmp_path / "essay.gift"
    source = (REAL / "gift_tag_id_and_two_tags.gift").read_text(encoding="utf-8")
    answered.write_text(source.replace("{}", "{####A good essay.}"), encoding="utf-8")
    question = import_file(answered).questions[0]
    assert (question.id, question.topics) == ("393", ("fred", "barney-wilma"))


def test_canvas_new_quizzes_stimulus_is_put_before_its_child_question() -> None:
    """A Canvas New Quizzes stimulus (text_only_question) named by `parent_stimulus_item_ident`: its text
    leads the child question's prompt, and it is not reported as left out (it is not lost)."""
    notes: list[str] = []
    bank = import_file(REAL / "canvas_stimulus_with_child_item.xml", notes=notes)
    (question,) = bank.questions
    assert question.prompt_in("en") == "some content\n\nthe answer is letter A"  # was: the stimulus dropped
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("A", 1.0),
        ("B", 0.0),
        ("C", 0.0),
        ("D", 0.0),
    ]
    assert notes == []


@pytest.mark.parametrize(
    ("name", "value", "tolerance"),
    [
        ("canvas_numeric_margin_error_percent.xml", 200.0, 40.0),  # 20 % margin, also as 160..240
        ("canvas_numeric_precision.xml", 1000.0, 0.005),  # precision: (999.995, 1000.005]
    ],
)
def test_canvas_numerical_margins(name: str, value: float, tolerance: float) -> None:
    question = import_file(REAL / name).questions[0]
    assert question.type is QuestionType.NUMERICAL
    assert [(a.value, a.tolerance) for a in question.numerical] == [(value, tolerance)]


def test_canvas_answer_feedback_and_general_feedback() -> None:
    question = import_file(REAL / "canvas_mc_feedback.xml").questions[0]
    assert [(c.text, c.fraction, c.feedback) for c in question.choices] == [
        ("A", 1.0, "Answer A Feedback"),
        ("B", 0.0, "Answer B Feedback"),
        ("C", 0.0, "Answer C Feedback"),
        ("D", 0.0, "Answer D Feedback"),
    ]
    assert question.general_feedback == "General Feedback"
    assert question.outcome_feedback == OutcomeFeedback(
        correct="General Correct Feedback", incorrect="General Incorrect Feedback"
    )


def test_canvas_multiple_answers_give_partial_credit_and_cost_a_share_per_wrong_tick() -> None:
    question = import_file(REAL / "canvas_multiple_answer.xml").questions[0]
    assert not question.all_or_nothing
    assert [(c.text, round(c.fraction, 4)) for c in question.choices] == [
        ("A", 0.3333),
        ("B", -0.3333),
        ("C", 0.3333),
        ("D", 0.3333),
    ]


def test_canvas_true_false_and_short_answer_with_per_answer_feedback() -> None:
    truth, blank = import_file(REAL / "canvas_every_interaction_excerpt.xml").questions
    assert truth.type is QuestionType.TRUE_FALSE
    assert [(c.text, c.fraction, c.feedback) for c in truth.choices] == [
        ("True", 1.0, "Answer Feedback, True, Correct"),
        ("False", 0.0, "Answer Feedback, False, Incorrect"),
    ]
    assert blank.type is QuestionType.SHORT_EXACT
    assert [(c.text, c.fraction, c.feedback) for c in blank.choices] == [
        ("Blank", 1.0, "Answer Feedback, Correct, Blank"),
        ("blank", 1.0, "Answer Feedback, Correct, blank"),
    ]
    assert truth.general_feedback == blank.general_feedback == "Item Feedback, Neutral"
    expected = OutcomeFeedback(correct="Item Feedback, Correct", incorrect="Item Feedback, Incorrect")
    assert truth.outcome_feedback == blank.outcome_feedback == expected


def test_moodle_aiken_fixture_with_html_characters_in_the_text() -> None:
    first, second = import_file(REAL / "aiken_moodle_questions.txt").questions
    assert [(c.text, c.fraction) for c in first.choices] == [
        ("Petr Skoda", 0.0),
        ("Martin Dougiamas", 1.0),
        ("Eloy Lafuente", 0.0),
        ("Tim Hunt", 0.0),
    ]
    assert second.prompt_in("en") == (
        'Moodle\'s abilities include handling user input that includes <html class="cool"> & images:'
    )  # Aiken is plain text: the markup is the question's own words
    assert [c.text for c in second.choices if c.fraction == 1.0] == ["True"]


def test_moodle_aiken_error_fixture_names_every_broken_question_and_imports_nothing() -> None:
    with pytest.raises(InputFileErrors) as caught:
        import_file(REAL / "aiken_moodle_errors.txt")
    assert [error.line for error in caught.value.errors] == [3, 5, 7, 14]
    assert "at least two options" in caught.value.errors[0].reason
    assert "no ANSWER line" in caught.value.errors[3].reason


def _blackboard_multiple_answer(correct: str, texts: list[str]) -> str:
    """A Blackboard Learn pool item of type Multiple Answer in the shape its exports have (one 'correct'
    condition: <and> of the right choices with every other under <not>; then a zero-score condition per
    choice that names it by respident), as qti_package_maker's tests record it from real pool .dat files
    (tests/test_blackboard_export_zip_read.py, REAL_SHAPE_MA_11CH_5CORRECT_XML)."""
    idents = [f"IDENT_{chr(65 + index)}" for index in range(len(texts))]
    labels = "".join(
        f'<flow_label class="Block"><response_label ident="{ident}" shuffle="Yes" rarea="Ellipse" '
        f'rrange="Exact"><flow_mat class="FORMATTED_TEXT_BLOCK"><material><mat_extension><mat_formattedtext '
        f'type="SMART_TEXT">{text}</mat_formattedtext></mat_extension></material></flow_mat></response_label>'
        "</flow_label>"
        for ident, text in zip(idents, texts, strict=True)
    )
    required = "".join(
        f'<varequal respident="response" case="No">{ident}</varequal>'
        if ident[-1] in correct
        else f'<not><varequal respident="response" case="No">{ident}</varequal></not>'
        for ident in idents
    )
    per_choice = "".join(
        f'<respcondition><conditionvar><varequal respident="{ident}" case="No"/></conditionvar>'
        '<setvar variablename="SCORE" action="Set">0</setvar></respcondition>'
        for ident in idents
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<questestinterop><assessment title="Ch10 Classify Haworth"><section>
<item maxattempts="0"><itemmetadata><bbmd_questiontype>Multiple Answer</bbmd_questiontype></itemmetadata>
<presentation><flow class="Block"><flow class="QUESTION_BLOCK"><flow class="FORMATTED_TEXT_BLOCK"><material>
<mat_extension><mat_formattedtext type="SMART_TEXT">Which categories apply to a furanose?</mat_formattedtext>
</mat_extension></material></flow></flow><flow class="RESPONSE_BLOCK">
<response_lid ident="response" rcardinality="Multiple" rtiming="No">
<render_choice shuffle="No" minnumber="0" maxnumber="0">{labels}</render_choice></response_lid></flow></flow>
</presentation>
<resprocessing scoremodel="SumOfScores">
<outcomes><decvar varname="SCORE" vartype="Decimal" defaultval="0" minvalue="0" maxvalue="1.00000"/>
</outcomes>
<respcondition title="correct"><conditionvar><and>{required}</and></conditionvar>
<setvar variablename="SCORE" action="Set">SCORE.max</setvar>
<displayfeedback linkrefid="correct" feedbacktype="Response"/></respcondition>
<respcondition title="incorrect"><conditionvar><other/></conditionvar>
<setvar variablename="SCORE" action="Set">0</setvar>
<displayfeedback linkrefid="incorrect" feedbacktype="Response"/></respcondition>
{per_choice}</resprocessing></item></section></assessment></questestinterop>
"""


def test_blackboard_multiple_answer_real_shape_is_all_or_nothing(tmp_path: Path) -> None:
    names = ["pentose", "hexose", "septose", "D-configuration", "aldose", "ketose", "furanose"]
    path = tmp_path / "res00002.dat"
    path.write_text(_blackboard_multiple_answer("ADEG", names), encoding="utf-8")
    question = import_file(path, "qti").questions[0]
    assert question.all_or_nothing  # Blackboard without partial credit: exactly the right set
    assert [c.text for c in question.choices if c.fraction > 0] == [
        "pentose",
        "D-configuration",
        "aldose",
        "furanose",
    ]
    assert all(c.fraction in (0.0, 0.25) for c in question.choices)


def _canvas_mc_item(ident: str, prompt: str, metadata: dict[str, str]) -> str:
    """A Canvas multiple-choice item as its course exports write it (instructure/qti
    spec/fixtures/canvas_cartridge): C correct, per-answer feedback on A."""
    fields = "".join(
        f"<qtimetadatafield><fieldlabel>{label}</fieldlabel><fieldentry>{entry}</fieldentry></qtimetadatafield>"
        for label, entry in metadata.items()
    )
    labels = "".join(
        f'<response_label ident="{ident_}"><material><mattext texttype="text/plain">{text}</mattext>'
        "</material></response_label>"
        for ident_, text in (("8459", "C"), ("59841", "A"), ("53121", "B"))
    )
    return f"""<item ident="{ident}" title="Question 1"><itemmetadata><qtimetadata>{fields}</qtimetadata>
</itemmetadata><presentation><material><mattext texttype="text/html">&lt;div&gt;{prompt}&lt;/div&gt;</mattext>
</material><response_lid ident="response1" rcardinality="Single"><render_choice>{labels}</render_choice>
</response_lid></presentation><resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE"
vartype="Decimal"/></outcomes>
<respcondition continue="Yes"><conditionvar><varequal respident="response1">59841</varequal></conditionvar>
<displayfeedback feedbacktype="Response" linkrefid="59841_fb"/></respcondition>
<respcondition continue="No"><conditionvar><varequal respident="response1">8459</varequal></conditionvar>
<setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing>
<itemfeedback ident="59841_fb"><flow_mat><material>
<mattext texttype="text/plain">Answer feedback for A, incorrect</mattext></material></flow_mat></itemfeedback>
</item>"""


def test_canvas_course_export_reads_each_question_once(tmp_path: Path) -> None:
    """A Canvas course export (.imscc) holds a quiz as a Common Cartridge copy and as Canvas's own
    non_cc_assessments/<quiz>.xml.qti, and its questions again in the question bank: each is read once,
    from Canvas's own quiz (with its points), plus the bank questions no quiz uses."""
    import zipfile

    quiz_ident, bank_ident = "ib5281f3537a06f58877107a2501a4e2d", "i2ae4df242d342169dae37f9f08dfc5a6"
    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="i938451114c68f8fd6374a383dce950d3" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">
  <metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion></metadata>
  <organizations/>
  <resources>
    <resource identifier="{bank_ident}" type="associatedcontent/imscc_xmlv1p1/learning-application-resource"
      href="non_cc_assessments/{bank_ident}.xml.qti">
      <file href="non_cc_assessments/{bank_ident}.xml.qti"/>
    </resource>
    <resource identifier="{quiz_ident}" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment">
      <file href="{quiz_ident}/assessment_qti.xml"/>
      <dependency identifierref="i21605d1d75dc626ffb1a12cbe28881bc"/>
    </resource>
    <resource identifier="i21605d1d75dc626ffb1a12cbe28881bc"
      type="associatedcontent/imscc_xmlv1p1/learning-application-resource"
      href="{quiz_ident}/assessment_meta.xml">
      <file href="{quiz_ident}/assessment_meta.xml"/>
      <file href="non_cc_assessments/{quiz_ident}.xml.qti"/>
    </resource>
  </resources>
</manifest>"""
    shared = "Question 1, Multiple Choice, Answer is C"
    cc_copy = _canvas_mc_item(
        "ia89113f89c899deca37259f6d17ee352", shared, {"cc_profile": "cc.multiple_choice.v0p1"}
    )
    canvas_quiz = _canvas_mc_item(
        "i32cf2794fb7d568dfae066a7346ed0f6",
        shared,
        {
            "question_type": "multiple_choice_question",
            "points_possible": "2.0",
            "assessment_question_identifierref": "ia89113f89c899deca37259f6d17ee352",
        },
    )
    bank_items = _canvas_mc_item(
        "ia89113f89c899deca37259f6d17ee352", shared, {"question_type": "multiple_choice_question"}
    ) + _canvas_mc_item("ibank2", "Only in the bank", {"question_type": "multiple_choice_question"})

    def quiz(items: str) -> str:
        return (
            f'<questestinterop><assessment ident="{quiz_ident}" title="Every Canvas Interaction">'
            f'<section ident="root_section">{items}</section></assessment></questestinterop>'
        )

    bank = (
        f'<questestinterop><objectbank ident="{bank_ident}"><qtimetadata><qtimetadatafield>'
        "<fieldlabel>bank_title</fieldlabel><fieldentry>Every Canvas Interaction</fieldentry>"
        "</qtimetadatafield></qtimetadata>"
        f"{bank_items}</objectbank></questestinterop>"
    )
    package = tmp_path / "canvas-course-export.imscc"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr(f"{quiz_ident}/assessment_qti.xml", quiz(cc_copy))
        archive.writestr(f"{quiz_ident}/assessment_meta.xml", "<quiz/>")
        archive.writestr(f"non_cc_assessments/{quiz_ident}.xml.qti", quiz(canvas_quiz))
        archive.writestr(f"non_cc_assessments/{bank_ident}.xml.qti", bank)
    questions = import_file(package).questions
    assert [(q.id, q.max_points) for q in questions] == [
        ("ibank2", 1.0),
        ("i32cf2794fb7d568dfae066a7346ed0f6", 2.0),
    ]
    assert questions[1].choices[1].feedback == "Answer feedback for A, incorrect"


def test_gift_moodle_export_with_escaped_html_general_feedback() -> None:
    """A real Moodle GIFT export: [html] prompt, [moodle] choices, and a general feedback of HTML whose
    '=', ':' and '#' are escaped and whose line breaks are written '\\n'."""
    question = import_file(REAL / "gift_moodle_html_general_feedback.gift").questions[0]
    assert question.id == "EE_mod_05_T39_P079"
    assert [c.text for c in question.choices if c.fraction == 1.0] == ["Nunca."]
    assert question.general_feedback.startswith("Artículo 5 Estatuto Orgánico del Ministerio Fiscal:\n\nDos.")
    assert "LE0000017566" not in question.general_feedback  # an HTML comment is not text


def test_gift_multiple_response_with_negative_weights_and_format_markers() -> None:
    question = import_file(REAL / "gift_multiple_response_formats.gift").questions[0]
    assert [(c.text, c.fraction, c.feedback) for c in question.choices] == [
        ("yellow", 0.5, "right; good!"),
        ("red", -1.0, "wrong"),  # '[html]wrong': the marker is not text
        ("off-beige", 0.5, "right; good!"),
        ("blue", -1.0, "wrong"),
    ]


def test_gift_numerical_with_any_other_answer_feedback() -> None:
    question = import_file(REAL / "gift_numerical_other_answer.gift").questions[0]
    assert (question.id, [(a.value, a.tolerance) for a in question.numerical]) == ("Q5", [(3.0, 2.0)])


def test_a_file_of_descriptions_only_says_so() -> None:
    with pytest.raises(InputFileErrors) as caught:
        import_file(REAL / "gift_markdown.gift")
    assert "no questions found, only 4 texts with nothing to answer" in str(caught.value)


def test_ims_numerical_example_with_its_own_score_variable_and_a_symbol_font_pi() -> None:
    """The IMS QTI 1.2.1 example: the score is REALSCORE (no maxvalue), the answer a vargte/varlte
    range, the prompt one sentence over several <mattext>s with π written charset="greek" 'p'."""
    question = import_file(REAL / "ims_fibn_ir_01.xml").questions[0]
    assert question.type is QuestionType.NUMERICAL  # was: no accepted value (only SCORE was read)
    assert [(a.value, a.tolerance, a.fraction) for a in question.numerical] == [(12.56, 0.001, 1.0)]
    assert question.numerical[0].feedback == "Yes, you are correct. Well done."
    assert question.prompt_in("en") == (
        "What is the circumference of a circle of radius 2cm?\n"
        "Use the following approximation in your calculation: π = 3.14\n\ncm"
    )  # was: '…calculation:\n\np\n\n= 3.14\n\ncm'


def test_ims_fill_in_the_blank_with_its_own_score_variable() -> None:
    question = import_file(REAL / "ims_fibs_ir_01.xml").questions[0]
    assert question.type is QuestionType.SHORT_EXACT
    assert [(c.text, c.fraction) for c in question.choices] == [("S", 1.0)]
    assert question.prompt_in("en") == "What is the next letter in this famous sequence:\n\nO, T, T, F, F,"


def test_ims_hotspot_choice_is_named_unsupported() -> None:
    skipped: list[InputFileError] = []
    with pytest.raises(InputFileErrors):
        import_file(REAL / "ims_mchc_ir_04_hotspot.xml", skipped=skipped)
    assert [error.line for error in skipped] == [5]
    assert "hot spot (click on a picture) questions (render_hotspot) are not supported" in skipped[0].reason


def test_ims_multiple_response_requiring_the_exact_set_is_all_or_nothing() -> None:
    question = import_file(REAL / "ims_mrsp_ir_01.xml").questions[0]
    assert question.all_or_nothing
    right = [c.text for c in question.choices if c.fraction > 0]
    assert right == ["Chain splitting tool", "Set of metric allen keys", "Small cross-headed screwdriver"]
    assert question.prompt_in("en") == (
        "Which of the following tools would you need to replace a Shimano\n10-speed Front Derailleur?"
    )


def test_gift_multiline_feedback_and_a_moodle_export_of_word_html() -> None:
    """Feedback running over lines, and a real Moodle export (French) of HTML pasted from Word whose
    general feedback is only a picture: it is named by its file (was: '[image]')."""
    plain, word = import_file(REAL / "gift_multiline_feedback_word_html.gift").questions
    assert plain.choices[1].feedback == "feedback comment on this wrong answer\non multiple lines"
    assert plain.general_feedback == "Global feedback split\non multiple lines"
    assert word.id == "06-creation-d-instance"
    assert [c.text for c in word.choices] == [
        "Client",
        "ConditionAbonnement",
        "Paiement",
        "Emprunt",
        "ContrôleurAbonnement",
        "CléAccess",
    ]
    assert [c.text for c in word.choices if c.fraction == 1.0] == ["ContrôleurAbonnement"]
    assert word.prompt_in("fr").startswith("CU4-1 demarrerAbonnement(duree :Integer) :")
    assert word.general_feedback == "[image: 3.png]"


def test_openolat_essay_with_a_hint_button_and_its_correct_solution() -> None:
    """OpenOLAT's essay: a hint button (endAttemptInteraction) next to the answer box, the model answer
    as the 'Correct solution' modal feedback (SOLUTIONMODAL), and feedback for empty/answered/hint.
    Was: refused as an item with two interactions."""
    question = import_file(REAL / "openolat_essay_with_hint.xml").questions[0]
    assert question.type is QuestionType.FREE_TEXT
    assert question.prompt_in("en") == "Explain why dropout reduces overfitting."  # no blank for the button
    assert question.reference_in("en") == "Correct solution for word"  # not the hint or 'Too little'
    assert question.general_feedback == ""
