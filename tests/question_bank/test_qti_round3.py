"""QTI gaps found in round 3 of testing real exports: Brightspace points (qmd_weighting in
qti_metadatafield), answer keys and per-choice feedback, per-choice feedback shown by an <or> condition,
QTI 2 test weights, and Moodle's QTI 2 numerical tolerance written as a gte/lte range."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.formats.qti import import_qti
from question_bank.models import OutcomeFeedback, QuestionType
from tests.question_bank.conftest import DATA_DIR

REAL = DATA_DIR / "real3"


def test_brightspace_quiz_export_points_answer_key_and_choice_feedback() -> None:
    """A Brightspace quiz export (see real3/README.md): points in qti_metadatafield/qmd_weighting, a
    written-response model answer in <answer_key>, per-choice feedback linked by displayfeedback."""
    written, choice = import_file(REAL / "d2l_quiz_export.xml").questions
    assert written.type is QuestionType.FREE_TEXT
    assert written.reference_answer == {"en": "This is the answer key text"}  # was: the feedback
    assert written.general_feedback == "This is the feedback text"
    assert written.hints == ("This is the hint text",)
    assert written.max_points == 1.0
    assert choice.max_points == 2.0  # was: 1, qti_metadatafield was not read
    assert [(c.text, c.fraction, c.feedback) for c in choice.choices] == [
        ("This is the correct answer", 1.0, "This is feedback for option 1"),
        ("This is incorrect answer 1", 0.0, "This is feedback for option 2"),
        ("This is incorrect answer 2", 0.0, "This is feedback for option 3"),
        ("This is partially correct", 0.25, "This is feedback for option 4"),
    ]
    assert choice.general_feedback == "This is the feedback text"
    assert choice.hints == ("This is the hint text",)
    assert written.topics == choice.topics == ("TestImport",)


def _qti12_item(metadata: str, conditions: str, feedback: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<questestinterop><assessment ident="A1" title="Optimerare"><section ident="S1">
<item ident="adam" title="Adam">
  <itemmetadata>{metadata}</itemmetadata>
  <presentation><material><mattext>Which optimiser adapts the step size per weight?</mattext></material>
    <response_lid ident="R" rcardinality="Single"><render_choice>
      <response_label ident="A"><material><mattext>Adam</mattext></material></response_label>
      <response_label ident="B"><material><mattext>Plain SGD</mattext></material></response_label>
      <response_label ident="C"><material><mattext>SGD with momentum</mattext></material></response_label>
    </render_choice></response_lid></presentation>
  <resprocessing>
    <outcomes><decvar varname="SCORE" vartype="Decimal" maxvalue="100"/></outcomes>
    <respcondition><conditionvar><varequal respident="R">A</varequal></conditionvar>
      <setvar action="Set" varname="SCORE">100</setvar></respcondition>
    {conditions}
  </resprocessing>
  {feedback}
</item></section></assessment></questestinterop>
"""


def test_feedback_shown_for_alternative_choices_goes_to_each_of_them(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xml"
    path.write_text(
        _qti12_item(
            "<qmd_weighting>3</qmd_weighting>",
            """<respcondition continue="Yes"><conditionvar><or>
        <varequal respident="R">B</varequal><varequal respident="R">C</varequal></or></conditionvar>
      <displayfeedback feedbacktype="Response" linkrefid="sgd_family"/></respcondition>""",
            """<itemfeedback ident="sgd_family"><material><mattext>Both use one global step size.</mattext>
    </material></itemfeedback>""",
        ),
        encoding="utf-8",
    )
    question = import_qti(path).questions[0]
    assert [(c.text, c.feedback) for c in question.choices] == [
        ("Adam", ""),
        ("Plain SGD", "Both use one global step size."),
        ("SGD with momentum", "Both use one global step size."),
    ]
    assert question.general_feedback == ""  # shown by a condition: not general
    assert question.max_points == 3.0  # a bare <qmd_weighting> element (QTI 1.2 itemmetadata)


def test_feedback_shown_only_for_a_set_of_ticks_belongs_to_no_single_choice(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xml"
    path.write_text(
        _qti12_item(
            "",
            """<respcondition continue="Yes"><conditionvar><and>
        <varequal respident="R">B</varequal><varequal respident="R">C</varequal></and></conditionvar>
      <displayfeedback feedbacktype="Response" linkrefid="both"/></respcondition>""",
            """<itemfeedback ident="both"><material><mattext>Not both.</mattext></material></itemfeedback>""",
        ),
        encoding="utf-8",
    )
    question = import_qti(path).questions[0]
    assert [c.feedback for c in question.choices] == ["", "", ""]
    assert question.max_points == 1.0


def test_blackboard_zero_weighting_does_not_override_the_maximum_score(tmp_path: Path) -> None:
    path = tmp_path / "quiz.xml"
    path.write_text(
        _qti12_item(
            "<qmd_absolutescore_max>4.0</qmd_absolutescore_max><qmd_weighting>0</qmd_weighting>", "", ""
        ),
        encoding="utf-8",
    )
    assert import_qti(path).questions[0].max_points == 4.0


MOODLE_QTI2_NUMERICAL = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_item_v2p0" identifier="question12numerical"
  title="Learning rate" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="question12" cardinality="single" baseType="float">
    <correctResponse><value>0.01</value></correctResponse>
    <mapping defaultValue="0"><mapEntry mapKey="0.01" mappedValue="1" /></mapping>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <p>Which learning rate did the run use?</p>
    <div class="interactive.textEntry">
      <textEntryInteraction responseIdentifier="question12" expectedLength="10"/></div>
  </itemBody>
  <responseProcessing xmlns="http://www.imsglobal.org/xsd/imsqti_item_v2p0">
    <responseCondition>
      <responseIf>
        <and>
          <not><isNull><variable identifier="question12" /></isNull></not>
          <gte><baseValue baseType="float">0.005</baseValue><variable identifier="question12" /></gte>
          <lte><baseValue baseType="float">0.015</baseValue><variable identifier="question12" /></lte>
        </and>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="integer">1</baseValue></setOutcomeValue>
      </responseIf>
      <responseElse>
        <setOutcomeValue identifier="SCORE"><baseValue baseType="integer">0</baseValue></setOutcomeValue>
      </responseElse>
    </responseCondition>
  </responseProcessing>
</assessmentItem>
"""


def test_moodle_qti2_numerical_tolerance_from_its_gte_lte_range(tmp_path: Path) -> None:
    """Moodle's QTI 2 export (question/format/qti2/templates/numerical.tpl in moodle/moodle) writes the
    tolerance as a range, with the bound before the variable (gte(0.005, x) means x >= 0.005 there)."""
    path = tmp_path / "numerical.xml"
    path.write_text(MOODLE_QTI2_NUMERICAL, encoding="utf-8")
    question = import_qti(path).questions[0]
    assert question.type is QuestionType.NUMERICAL
    assert [(a.value, a.tolerance) for a in question.numerical] == [(0.01, 0.005)]  # was: tolerance 0


def test_range_around_another_variable_or_not_containing_the_answer_is_no_tolerance(tmp_path: Path) -> None:
    path = tmp_path / "numerical.xml"
    path.write_text(MOODLE_QTI2_NUMERICAL.replace("0.005", "0.02").replace("0.015", "0.03"), encoding="utf-8")
    assert import_qti(path).questions[0].numerical[0].tolerance == 0.0


def test_assessment_test_weight_multiplies_the_items_points(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "rate.xml").write_text(MOODLE_QTI2_NUMERICAL, encoding="utf-8")
    plain = MOODLE_QTI2_NUMERICAL.replace('identifier="question12numerical"', 'identifier="plain"')
    (folder / "plain.xml").write_text(plain, encoding="utf-8")
    (folder / "test.xml").write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="T" title="Weighted">
  <testPart identifier="P" navigationMode="linear" submissionMode="individual">
    <assessmentSection identifier="S" title="Numbers" visible="true">
      <assessmentItemRef identifier="rate" href="rate.xml">
        <weight identifier="W" value="2.5"/></assessmentItemRef>
      <assessmentItemRef identifier="plain" href="plain.xml"/>
    </assessmentSection>
  </testPart>
</assessmentTest>
""",
        encoding="utf-8",
    )
    rate, plain_question = import_qti(folder / "test.xml").questions
    assert (rate.id, rate.max_points) == ("question12numerical", 2.5)
    assert (plain_question.id, plain_question.max_points) == ("plain", 1.0)


BLACKBOARD_NUMERIC = """<?xml version="1.0" encoding="UTF-8"?>
<questestinterop><assessment title="Pool"><section>
<item title="" maxattempts="0">
  <itemmetadata>
    <bbmd_asi_object_id>_346627_1</bbmd_asi_object_id>
    <bbmd_questiontype>Numeric</bbmd_questiontype>
    <bbmd_partialcredit>false</bbmd_partialcredit>
    <qmd_absolutescore_max>-1.0</qmd_absolutescore_max>
    <qmd_weighting>0.0</qmd_weighting>
  </itemmetadata>
  <presentation><flow class="Block"><flow class="QUESTION_BLOCK"><flow class="FORMATTED_TEXT_BLOCK"><material>
    <mat_extension><mat_formattedtext type="HTML">&lt;p&gt;How many output classes does the MNIST
    classifier have?&lt;/p&gt;</mat_formattedtext></mat_extension></material></flow></flow>
    <flow class="RESPONSE_BLOCK"><response_num ident="response" rcardinality="Single" rtiming="No">
    <render_fib charset="us-ascii" encoding="UTF_8" rows="0" columns="0" maxchars="0" prompt="Box"
      fibtype="Decimal" minnumber="0" maxnumber="0"/></response_num></flow></flow></presentation>
  <resprocessing scoremodel="SumOfScores">
    <outcomes><decvar varname="SCORE" vartype="Decimal" defaultval="0.0" minvalue="0.0" maxvalue="5.0"/>
    </outcomes>
    <respcondition title="a87ff679a2f3e71d9181a67b7542122c">
      <conditionvar>
        <vargte respident="response">9.5</vargte>
        <varlte respident="response">10.5</varlte>
        <varequal respident="response" case="No">10.0</varequal>
      </conditionvar><displayfeedback linkrefid="correct" feedbacktype="Response"/></respcondition>
    <respcondition title="incorrect"><conditionvar><other/></conditionvar>
      <setvar variablename="SCORE" action="Set">0.0</setvar>
      <displayfeedback linkrefid="incorrect" feedbacktype="Response"/></respcondition>
  </resprocessing>
  <itemfeedback ident="correct" view="All"><flow_mat class="Block"><flow_mat class="FORMATTED_TEXT_BLOCK">
    <material><mat_extension><mat_formattedtext type="HTML">&lt;p&gt;Ten digits.&lt;/p&gt;</mat_formattedtext>
    </mat_extension></material></flow_mat></flow_mat></itemfeedback>
</item></section></assessment></questestinterop>
"""


def test_blackboard_numeric_range_marked_by_its_correct_feedback(tmp_path: Path) -> None:
    """Blackboard's Numeric question sets no score in its answer condition: the range (vargte/varlte
    around the varequal) shows the 'correct' feedback, and that is the accepted answer. Shape as a
    Blackboard pool generator on GitHub copies it from Blackboard's export (qmd_absolutescore_max -1)."""
    path = tmp_path / "res00001.dat"
    path.write_text(BLACKBOARD_NUMERIC, encoding="utf-8")
    question = import_file(path, "qti").questions[0]
    assert question.type is QuestionType.NUMERICAL  # was: 'needs at least one accepted value'
    assert [(a.value, a.tolerance, a.fraction) for a in question.numerical] == [(10.0, 0.5, 1.0)]
    assert question.id == "346627_1"


def _d2l_item(ident: str, kind: str, body: str) -> str:
    """A Brightspace item head as its exports write it (qti_metadatafield, qmd_questiontype)."""
    return f"""<item ident="{ident}" label="QUES_{ident}" d2l_2p0:page="1" title="{kind} question">
<itemmetadata><qtimetadata>
<qti_metadatafield><fieldlabel>qmd_computerscored</fieldlabel><fieldentry>yes</fieldentry></qti_metadatafield>
<qti_metadatafield><fieldlabel>qmd_questiontype</fieldlabel><fieldentry>{kind}</fieldentry></qti_metadatafield>
<qti_metadatafield><fieldlabel>qmd_weighting</fieldlabel><fieldentry>3.000000000</fieldentry></qti_metadatafield>
</qtimetadata></itemmetadata>{body}</item>"""


def test_brightspace_question_types_are_read_from_qmd_questiontype(tmp_path: Path) -> None:
    labels = "".join(
        f'<flow_label class="Block"><response_label ident="S_A{number}"><flow_mat><material>'
        f"<mattext>{text}</mattext></material></flow_mat></response_label></flow_label>"
        for number, text in ((1, "ReLU"), (2, "Adam"), (3, "tanh"))
    )
    select = f"""<presentation><flow><material><mattext texttype="text/html">&lt;p&gt;Which are activation
    functions?&lt;/p&gt;</mattext></material>
    <response_lid ident="S_LID" rcardinality="Multiple"><render_choice>{labels}</render_choice></response_lid>
    </flow></presentation>
    <resprocessing>
    <respcondition><conditionvar><varequal respident="S_LID">S_A1</varequal></conditionvar>
      <setvar action="Add">50.000000000</setvar></respcondition>
    <respcondition><conditionvar><varequal respident="S_LID">S_A3</varequal></conditionvar>
      <setvar action="Add">50.000000000</setvar></respcondition>
    </resprocessing>"""
    arithmetic = """<presentation><flow><material><mattext texttype="text/html">What is {x} + {y}?</mattext>
    </material>
    <response_num ident="A_NUM" rcardinality="Single"><render_fib fibtype="Decimal"/></response_num>
    </flow></presentation>
    <resprocessing><respcondition><conditionvar><varequal respident="A_NUM">{x}+{y}</varequal></conditionvar>
      <setvar action="Set">100.000000000</setvar></respcondition></resprocessing>"""
    path = tmp_path / "questiondb.xml"
    path.write_text(
        '<questestinterop xmlns:d2l_2p0="http://desire2learn.com/xsd/d2lcp_v2p0"><objectbank ident="QLIB_1">'
        + _d2l_item("OBJ_1", "Multi-Select", select)
        + _d2l_item("OBJ_2", "Arithmetic", arithmetic)
        + "</objectbank></questestinterop>",
        encoding="utf-8",
    )
    skipped: list[InputFileError] = []
    (question,) = import_qti(path, skipped=skipped).questions
    assert question.type is QuestionType.MULTIPLE_CHOICE and question.max_points == 3.0
    assert [c.text for c in question.choices if c.fraction > 0] == ["ReLU", "tanh"]
    assert [error.line for error in skipped] == [question_line(path, "OBJ_2")]
    assert "arithmetic (calculated) questions (type 'Arithmetic') are not supported" in skipped[0].reason


def question_line(path: Path, ident: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(f'<item ident="{ident}"')].count("\n") + 1


def test_a_scorer_rubric_heading_is_not_the_model_answer(tmp_path: Path) -> None:
    """The shape of the QTI 2.1 'extended text with rubric' example (instructure/qti
    spec/fixtures/items_2.1/extended_text_rubric.xml): a scorer rubricBlock titled by an <h1>, a
    'Max Score' line, then 'Scoring:' criteria. The title was read as the whole model answer."""
    path = tmp_path / "essay.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="dropout" title="Dropout"
  adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string"/>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <p>Explain why dropout reduces overfitting.</p>
    <extendedTextInteraction responseIdentifier="RESPONSE" expectedLength="200"/>
    <rubricBlock view="scorer">
      <h1>Scoring Guidelines</h1>
      <div>
        <p><b>Max Score:</b> 3.0 points</p>
        <p><b>Scoring:</b></p>
        <ul>
          <li>Says that neurons are dropped at random during training.</li>
          <li>Says that units cannot co-adapt.</li>
          <li>Says that the network acts like an ensemble.</li>
        </ul>
      </div>
    </rubricBlock>
  </itemBody>
</assessmentItem>
""",
        encoding="utf-8",
    )
    question = import_qti(path).questions[0]
    assert question.max_points == 3.0
    assert "Scoring Guidelines" not in question.reference_in("en")  # was: the whole reference answer
    assert question.reference_in("en").startswith("Neurons are dropped at random during training.")
    assert len(question.rubric) == 3 and question.rubric[1].text.endswith("cannot co-adapt")


def _literal_key_item(branches: str, max_choices: int = 10) -> str:
    """A QTI 2.2 choice item whose key is written out in its response processing, not declared (the
    'Chocolate Milk' example in instructure/qti spec/fixtures/items_2.1/choice_multiple_chocolade.xml)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p2" identifier="choiceMultiple" title="Cocoa"
  adaptive="false" timeDependent="false">
  <responseDeclaration identifier="MR01" cardinality="{"multiple" if max_choices > 1 else "single"}"
    baseType="identifier"/>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <choiceInteraction responseIdentifier="MR01" shuffle="true" maxChoices="{max_choices}">
      <prompt>How to make chocolate milk.</prompt>
      <simpleChoice identifier="C01">Take a lighter</simpleChoice>
      <simpleChoice identifier="C02">Open the gas on the stove</simpleChoice>
      <simpleChoice identifier="C05">Add 2 tea spoons of cocoa into the mug</simpleChoice>
      <simpleChoice identifier="C11">Put the mug into the microwave</simpleChoice>
    </choiceInteraction>
  </itemBody>
  <responseProcessing><responseCondition>{branches}</responseCondition></responseProcessing>
</assessmentItem>
"""


def _branch(tag: str, values: list[str], score: str = "1") -> str:
    literal = "".join(f'<baseValue baseType="identifier">{value}</baseValue>' for value in values)
    operand = f"<multiple>{literal}</multiple>" if len(values) > 1 else literal
    return (
        f'<{tag}><match><variable identifier="MR01"/>{operand}</match>'
        f'<setOutcomeValue identifier="SCORE"><baseValue baseType="float">{score}</baseValue>'
        f"</setOutcomeValue></{tag}>"
    )


def test_a_key_written_out_in_response_processing_is_the_correct_set(tmp_path: Path) -> None:
    path = tmp_path / "item.xml"
    path.write_text(_literal_key_item(_branch("responseIf", ["C01", "C02", "C05"])), encoding="utf-8")
    question = import_qti(path).questions[0]  # was: 'neither a correctResponse nor a mapping'
    assert question.all_or_nothing
    assert [c.text for c in question.choices if c.fraction > 0] == [
        "Take a lighter",
        "Open the gas on the stove",
        "Add 2 tea spoons of cocoa into the mug",
    ]
    single = tmp_path / "single.xml"
    single.write_text(_literal_key_item(_branch("responseIf", ["C11"]), max_choices=1), encoding="utf-8")
    assert [(c.text, c.fraction) for c in import_qti(single).questions[0].choices if c.fraction] == [
        ("Put the mug into the microwave", 1.0)
    ]


def test_several_alternative_answer_sets_are_named_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "item.xml"
    branches = _branch("responseIf", ["C01", "C02", "C05"]) + _branch("responseElseIf", ["C11", "C05"])
    path.write_text(_literal_key_item(branches), encoding="utf-8")
    skipped: list[InputFileError] = []
    with pytest.raises(InputFileErrors):
        import_qti(path, skipped=skipped)
    assert "accepting 2 different sets of answers are not supported" in skipped[0].reason


def test_canvas_new_quizzes_vary_points_by_answer(tmp_path: Path) -> None:
    """Canvas New Quizzes' 'vary points by answer' (instructure/qti
    spec/fixtures/items_1.2/choice_vary_points_by_answer.xml): SCORE declared out of 100 but set in
    points (10 and 5 of points_possible 10). Was: 10 % and 5 % credit."""
    choice = """<response_label ident="{ident}"><material><mattext texttype="text/html">{text}</mattext>
      </material></response_label>"""
    condition = """<respcondition><conditionvar><varequal respident="response1">{ident}</varequal>
      </conditionvar><setvar action="Set" varname="SCORE">{score}</setvar></respcondition>"""
    path = tmp_path / "quiz.xml"
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">
<assessment title="1.2 Import Quiz" ident="A1001"><section title="Main" ident="S1002">
<item ident="d74b47a4abeeed159e030bfecbcecea2" title="My question title">
  <itemmetadata><qtimetadata>
    <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>multiple_choice_question</fieldentry>
    </qtimetadatafield>
    <qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>10.0</fieldentry></qtimetadatafield>
  </qtimetadata></itemmetadata>
  <presentation><material><mattext texttype="text/html">&lt;p&gt;the correct answer is letter A&lt;/p&gt;
    </mattext></material>
    <response_lid ident="response1" rcardinality="Single"><render_choice>
    {choice.format(ident="93bb", text="A")}{choice.format(ident="3cd6", text="B")}
    </render_choice></response_lid></presentation>
  <resprocessing>
    <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
    {condition.format(ident="93bb", score="10.0")}{condition.format(ident="3cd6", score="5.0")}
  </resprocessing>
</item></section></assessment></questestinterop>
""",
        encoding="utf-8",
    )
    question = import_qti(path).questions[0]
    assert question.max_points == 10.0
    assert [(c.text, c.fraction) for c in question.choices] == [("A", 1.0), ("B", 0.5)]


def test_feedback_for_tutors_is_not_shown_to_students(tmp_path: Path) -> None:
    """The IMS QTI 1.2.1 examples (pyslet mchc_ir_05.xml) give one feedback ident two views: the
    candidate's and the tutor's ('The student may need help with …'). Only the candidate's is kept."""
    path = tmp_path / "quiz.xml"
    path.write_text(
        _qti12_item(
            "",
            """<respcondition><conditionvar><varequal respident="R">B</varequal></conditionvar>
      <displayfeedback feedbacktype="Response" linkrefid="Incorrect"/></respcondition>""",
            """<itemfeedback ident="Incorrect" view="Candidate"><flow_mat><material>
      <mattext>No, plain SGD has one global step size.</mattext></material></flow_mat></itemfeedback>
    <itemfeedback ident="Incorrect" view="Tutor"><flow_mat><material>
      <mattext>The student may need help with optimisers.</mattext></material></flow_mat></itemfeedback>""",
        ),
        encoding="utf-8",
    )
    question = import_qti(path).questions[0]
    assert question.choices[1].feedback == "No, plain SGD has one global step size."


def test_openolat_right_and_wrong_feedback_is_not_general_feedback(tmp_path: Path) -> None:
    """OpenOLAT names its feedback 'Feedback261171147' and switches it on after setting FEEDBACKBASIC
    to 'correct'/'incorrect' or testing the SCORE (OpenOLAT/OpenOLAT
    src/test/java/org/olat/ims/qti21/model/xml/resources/openolat/single-choice-feedbacks.xml);
    only feedback shown whatever the answer is general."""
    path = tmp_path / "sc.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="sc1" title="Pooling"
  adaptive="false" timeDependent="false" toolName="OpenOLAT" toolVersion="11.3a">
  <responseDeclaration identifier="RESPONSE_1" cardinality="single" baseType="identifier">
    <correctResponse><value>a</value></correctResponse></responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">
    <defaultValue><value>1</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="FEEDBACKBASIC" cardinality="single" baseType="identifier"/>
  <outcomeDeclaration identifier="FEEDBACKMODAL" cardinality="multiple" baseType="identifier"/>
  <itemBody><p>What does max pooling do?</p>
    <choiceInteraction responseIdentifier="RESPONSE_1" shuffle="true" maxChoices="1">
      <simpleChoice identifier="a"><p>Downsamples</p></simpleChoice>
      <simpleChoice identifier="b"><p>Normalises</p></simpleChoice>
    </choiceInteraction></itemBody>
  <responseProcessing>
    <responseCondition>
      <responseIf><isNull><variable identifier="RESPONSE_1"/></isNull>
        <setOutcomeValue identifier="FEEDBACKBASIC"><baseValue baseType="identifier">empty</baseValue>
        </setOutcomeValue></responseIf>
      <responseElseIf><match><variable identifier="RESPONSE_1"/><correct identifier="RESPONSE_1"/></match>
        <setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/>
        <variable identifier="MAXSCORE"/></sum></setOutcomeValue>
        <setOutcomeValue identifier="FEEDBACKBASIC"><baseValue baseType="identifier">correct</baseValue>
        </setOutcomeValue></responseElseIf>
      <responseElse><setOutcomeValue identifier="FEEDBACKBASIC"><baseValue baseType="identifier">incorrect
        </baseValue></setOutcomeValue></responseElse>
    </responseCondition>
    <responseCondition><responseIf><and><match><baseValue baseType="identifier">correct</baseValue>
      <variable identifier="FEEDBACKBASIC"/></match></and>
      <setOutcomeValue identifier="FEEDBACKMODAL"><multiple><variable identifier="FEEDBACKMODAL"/>
      <baseValue baseType="identifier">Feedback261171147</baseValue></multiple></setOutcomeValue>
    </responseIf></responseCondition>
    <responseCondition><responseIf><and><match><baseValue baseType="identifier">incorrect</baseValue>
      <variable identifier="FEEDBACKBASIC"/></match></and>
      <setOutcomeValue identifier="FEEDBACKMODAL"><multiple><variable identifier="FEEDBACKMODAL"/>
      <baseValue baseType="identifier">Feedback730653886</baseValue></multiple></setOutcomeValue>
    </responseIf></responseCondition>
  </responseProcessing>
  <modalFeedback identifier="Feedback261171147" outcomeIdentifier="FEEDBACKMODAL" showHide="show"
    title="Correct answer"><p>This is the correct answer</p></modalFeedback>
  <modalFeedback identifier="Feedback730653886" outcomeIdentifier="FEEDBACKMODAL" showHide="show"
    title="Wrong"><p>This is the wrong answer</p></modalFeedback>
  <modalFeedback identifier="Feedback95140741981089" outcomeIdentifier="SOLUTIONMODAL" showHide="show"
    title="Correct solution"><p>Pooling keeps the largest value of each window.</p></modalFeedback>
</assessmentItem>
""",
        encoding="utf-8",
    )
    question = import_qti(path).questions[0]
    assert [(c.text, c.fraction) for c in question.choices] == [("Downsamples", 1.0), ("Normalises", 0.0)]
    assert question.general_feedback == "Pooling keeps the largest value of each window."
    assert question.outcome_feedback == OutcomeFeedback(
        correct="This is the correct answer", incorrect="This is the wrong answer"
    )
