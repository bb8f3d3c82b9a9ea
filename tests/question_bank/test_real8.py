"""Round 8 of real exchange files written by other tools (sources in
tests/question_bank/data/real8/README.md).
None of the files that exposed a problem carries a licence that allows a copy into this MIT project, so
each test writes the construct that exposed it in a file of its own, in the producer's layout and with
words of its own, and the README names the file it comes from."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.models import OutcomeFeedback, Question, QuestionType

PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="


def _prompt(question: Question) -> str:
    (prompt,) = question.prompt.values()
    return prompt


def _onyx3_item(identifier: str, declarations: str, body: str, scoring: str) -> str:
    """An item as ONYX Editor 3.4 (BPS Bildungsportal Sachsen) writes it: FEEDBACKBASIC set to 'correct'
    or 'incorrect', then, outside any condition, one boolean outcome per feedback set to whether
    FEEDBACKBASIC says so; each modalFeedback has identifier 'true' and names its boolean outcome."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!--This file was created using: Onyx Editor, Version 3.4.1 (Full, licensed version)-->
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1"
    identifier="{identifier}" title="{identifier}" adaptive="false" timeDependent="false">
  {declarations}
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float">
    <defaultValue><value>0.0</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">
    <defaultValue><value>1.0</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="FEEDBACKBASIC" cardinality="single" baseType="identifier">
    <defaultValue><value>empty</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="FEEDBACK_111" cardinality="single" baseType="boolean"
      view="testConstructor">
    <defaultValue><value>false</value></defaultValue></outcomeDeclaration>
  <outcomeDeclaration identifier="FEEDBACK_222" cardinality="single" baseType="boolean"
      view="testConstructor">
    <defaultValue><value>false</value></defaultValue></outcomeDeclaration>
  <itemBody>{body}</itemBody>
  <responseProcessing>
    <responseCondition>
      <responseIf>
        <isNull><variable identifier="RESPONSE" /></isNull>
        <setOutcomeValue identifier="FEEDBACKBASIC">
          <baseValue baseType="identifier">empty</baseValue></setOutcomeValue>
      </responseIf>
      <responseElseIf>
        {scoring}
        <setOutcomeValue identifier="SCORE">
          <sum><variable identifier="SCORE" /><variable identifier="MAXSCORE" /></sum></setOutcomeValue>
        <setOutcomeValue identifier="FEEDBACKBASIC">
          <baseValue baseType="identifier">correct</baseValue></setOutcomeValue>
      </responseElseIf>
      <responseElse>
        <setOutcomeValue identifier="FEEDBACKBASIC">
          <baseValue baseType="identifier">incorrect</baseValue></setOutcomeValue>
      </responseElse>
    </responseCondition>
    <setOutcomeValue identifier="FEEDBACK_111">
      <and><match><baseValue baseType="identifier">correct</baseValue>
        <variable identifier="FEEDBACKBASIC" /></match></and>
    </setOutcomeValue>
    <setOutcomeValue identifier="FEEDBACK_222">
      <and><match><baseValue baseType="identifier">incorrect</baseValue>
        <variable identifier="FEEDBACKBASIC" /></match></and>
    </setOutcomeValue>
  </responseProcessing>
  <modalFeedback identifier="true" outcomeIdentifier="FEEDBACK_111" showHide="show"
    title="Richtig!">Well done: two rivers.</modalFeedback>
  <modalFeedback identifier="true" outcomeIdentifier="FEEDBACK_222" showHide="show"
    title="Leider falsch!">Look at the map again.</modalFeedback>
</assessmentItem>
"""


_MATCH_CORRECT = '<match><variable identifier="RESPONSE" /><correct identifier="RESPONSE" /></match>'


def test_onyx3_feedback_for_a_right_and_a_wrong_answer_is_told_apart(tmp_path: Path) -> None:
    """ONYX 3.4 shows each modalFeedback (identifier 'true') when a boolean outcome is true, and sets that
    outcome, outside any condition, to whether FEEDBACKBASIC is 'correct' or 'incorrect' (was: both texts
    glued into the feedback for a right answer, none for a wrong one). From qti-sdk's Sachsen items."""
    path = tmp_path / "Choicemultiple.xml"
    path.write_text(
        _onyx3_item(
            "Choicemultiple_1",
            '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">'
            "<correctResponse><value>c2</value><value>c4</value></correctResponse></responseDeclaration>",
            "<div>Which rivers flow through the town?</div>"
            '<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="0">'
            '<simpleChoice identifier="c1">Rhine</simpleChoice>'
            '<simpleChoice identifier="c2">Elbe</simpleChoice>'
            '<simpleChoice identifier="c3">Danube</simpleChoice>'
            '<simpleChoice identifier="c4">Mulde</simpleChoice>'
            "</choiceInteraction>",
            _MATCH_CORRECT,
        ),
        encoding="utf-8",
    )
    (question,) = import_file(path).questions
    assert _prompt(question) == "Which rivers flow through the town?"
    assert [(choice.text, choice.fraction) for choice in question.choices] == [
        ("Rhine", 0.0),
        ("Elbe", 0.5),
        ("Danube", 0.0),
        ("Mulde", 0.5),
    ]
    assert question.all_or_nothing
    assert question.outcome_feedback == OutcomeFeedback(
        correct="Well done: two rivers.", incorrect="Look at the map again."
    )


def test_an_onyx_matching_of_pictures_gives_each_question_its_own_picture(tmp_path: Path) -> None:
    """An ONYX matching item whose items are pictures is split into a question per picture; each shows
    only the picture it asks about (was: every question listed all of them, so the student saw five
    pictures and one blank), and a missing picture is noted once, not once per question."""
    picture = base64.b64decode(PNG_1X1)
    (tmp_path / "media").mkdir()
    for name in ("church", "opera"):
        (tmp_path / "media" / f"{name}.png").write_bytes(picture)
    pairs = [("m_church", "church"), ("m_opera", "opera"), ("m_tower", "tower")]
    items = "".join(
        f'<simpleAssociableChoice identifier="{ident}" matchMax="1"><img src="media/{name}.png" alt="" />'
        "</simpleAssociableChoice>"
        for ident, name in pairs
    )
    path = tmp_path / "Matchmultiple.xml"
    path.write_text(
        _onyx3_item(
            "Matchmultiple_1",
            '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="directedPair">'
            "<correctResponse><value>m_church t_dresden</value><value>m_opera t_dresden</value>"
            "<value>m_tower t_leipzig</value></correctResponse></responseDeclaration>",
            "<div>Which town is each sight in?</div>"
            '<matchInteraction responseIdentifier="RESPONSE" shuffle="true" maxAssociations="0">'
            f"<simpleMatchSet>{items}</simpleMatchSet><simpleMatchSet>"
            '<simpleAssociableChoice identifier="t_dresden" matchMax="0">Dresden</simpleAssociableChoice>'
            '<simpleAssociableChoice identifier="t_leipzig" matchMax="0">Leipzig</simpleAssociableChoice>'
            "</simpleMatchSet></matchInteraction>",
            _MATCH_CORRECT,
        ),
        encoding="utf-8",
    )
    notes: list[str] = []
    questions = import_file(path, notes=notes).questions
    assert [question.media for question in questions] == [("church.png",), ("opera.png",), ()]
    assert [_prompt(question).rsplit("\n", 1)[-1] for question in questions] == [
        "[image: church.png] → _____",
        "[image: opera.png] → _____",
        "[image: tower.png] → _____",
    ]
    assert [[choice.text for choice in q.choices if choice.fraction == 1.0] for q in questions] == [
        ["Dresden"],
        ["Dresden"],
        ["Leipzig"],
    ]
    missing = [note for note in notes if "is not in" in note]
    assert [note.removeprefix(f"{path}: ") for note in missing] == [
        "item 'Matchmultiple_1': picture 'media/tower.png' is not in the folder of "
        "Matchmultiple.xml; left out (the text still names it)"
    ]


def test_a_gift_ordering_question_is_unsupported_not_a_short_answer(tmp_path: Path) -> None:
    """Moodle's ordering question type exports GIFT as '{>2 none' and the items in order, one a line, and
    Moodle's GIFT import hands a block starting with '>' to such plugins (was: imported as a short answer
    whose one accepted answer was '>2 none Modular Object …'). It is unsupported: an error naming its
    line, or left out with --skip-unsupported. From qtype_ordering's testexport.gift.txt."""
    path = tmp_path / "ordering.gift"
    path.write_text(
        "// question: 7  name: Planets\n"
        "// [id:planets]\n"
        "::Planets::[html]Order the planets from the sun outwards.{>3     none\n"
        "Mercury\nVenus\nEarth\nMars\n}\n\n"
        "::Moon::The Moon orbits which planet?{=Earth}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    (error,) = raised.value.errors
    assert (error.line, error.field) == (3, "Planets")
    assert "a Moodle plugin question type (ordering" in error.message
    skipped: list[InputFileError] = []
    (question,) = import_file(path, skipped=skipped).questions
    assert (question.id, [choice.text for choice in question.choices]) == ("Moon", ["Earth"])
    assert [(problem.line, problem.field) for problem in skipped] == [(3, "Planets")]


def test_a_cloze_gap_without_answers_is_named_as_such(tmp_path: Path) -> None:
    """'{1:MULTICHOICE}' is a gap whose answers were left out (Moodle's broken_cloze_questions.xml); the
    error names that gap (was: 'a Cloze question without gaps', which the author could not match to the
    text), at the question's line, and nothing is imported."""
    path = tmp_path / "cloze.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        '  <question type="cloze">\n'
        "    <name><text>Rivers</text></name>\n"
        '    <questiontext format="html"><text>The Elbe flows into the {1:MULTICHOICE}</text>'
        "</questiontext>\n"
        "  </question>\n"
        '  <question type="cloze">\n'
        "    <name><text>Capital</text></name>\n"
        '    <questiontext format="html"><text>Berlin is {1:SHORTANSWER:=Germany}\'s capital.</text>'
        "</questiontext>\n"
        "  </question>\n</quiz>\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    (error,) = raised.value.errors
    assert (error.line, error.field) == (3, "Rivers")
    assert error.message.endswith(
        "Cloze gap {1:MULTICHOICE} has no answers (write them after a colon: =right~wrong)"
    )


def test_a_respondus_fill_in_the_blank_in_qti2_is_a_short_answer(tmp_path: Path) -> None:
    """Respondus converts its fill in the blank to a QTI 2 extended-text box with neither correctResponse
    nor mapping: each accepted answer is a branch `stringMatch(response, 'two')` adding 100 to QUE_SCORE
    (was: an essay whose model answer was the feedback, with a criterion made of its last sentence). The
    texts compared with are the accepted answers, any case; the feedback every branch shows is general."""
    branches = "".join(
        f'<{tag}><stringMatch caseSensitive="false" substring="false"><variable identifier="R_RS"/>'
        f'<baseValue baseType="string">{answer}</baseValue></stringMatch>'
        '<setOutcomeValue identifier="QUE_SCORE"><sum><variable identifier="QUE_SCORE"/>'
        '<baseValue baseType="integer">100</baseValue></sum></setOutcomeValue>'
        '<setOutcomeValue identifier="FEEDBACK"><multiple><variable identifier="FEEDBACK"/>'
        f'<baseValue baseType="identifier">QUE_9_ALL</baseValue></multiple></setOutcomeValue></{tag}>'
        for tag, answer in (("responseIf", "Oslo"), ("responseElseIf", "Kristiania"))
    )
    path = tmp_path / "respondus.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="QUE_8"'
        ' title="Fill in the Blank Question" adaptive="false" timeDependent="false">\n'
        '<responseDeclaration identifier="R_RS" cardinality="single" baseType="string"/>\n'
        '<outcomeDeclaration identifier="FEEDBACK" cardinality="multiple" baseType="identifier"/>\n'
        '<outcomeDeclaration identifier="QUE_SCORE" cardinality="single" baseType="integer">'
        "<defaultValue><value>0</value></defaultValue></outcomeDeclaration>\n"
        "<itemBody><p>The capital of Norway is __________</p>"
        '<extendedTextInteraction responseIdentifier="R_RS" class="Box"/></itemBody>\n'
        f"<responseProcessing><responseCondition>{branches}"
        '<responseElseIf><baseValue baseType="boolean">true</baseValue>'
        '<setOutcomeValue identifier="FEEDBACK"><multiple><variable identifier="FEEDBACK"/>'
        '<baseValue baseType="identifier">QUE_9_ALL</baseValue></multiple></setOutcomeValue></responseElseIf>'
        "</responseCondition></responseProcessing>\n"
        '<modalFeedback outcomeIdentifier="FEEDBACK" showHide="show" identifier="QUE_9_ALL">'
        "<p>Oslo was called Kristiania until 1925.</p></modalFeedback>\n</assessmentItem>\n",
        encoding="utf-8",
    )
    (question,) = import_file(path).questions
    assert question.type is QuestionType.SHORT_EXACT
    assert [(choice.text, choice.fraction) for choice in question.choices] == [
        ("Oslo", 1.0),
        ("Kristiania", 1.0),
    ]
    assert not question.case_sensitive
    assert question.general_feedback == "Oslo was called Kristiania until 1925."
    assert question.reference_answer == {}
    assert question.rubric == ()


def _blackboard9_label(ident: str, text: str) -> str:
    return (
        f'<flow_label class="Block"><response_label ident="{ident}" rarea="Ellipse" rrange="Exact">'
        '<flow_mat class="FORMATTED_TEXT_BLOCK"><material><mat_extension>'
        f'<mat_formattedtext type="SMART_TEXT">{text}</mat_formattedtext>'
        "</mat_extension></material></flow_mat></response_label></flow_label>"
    )


def test_a_blackboard9_multiple_answer_scored_from_answer_0_keeps_its_right_answers(tmp_path: Path) -> None:
    """Blackboard Learn 9 labels the answers answer_1 … answer_4 but its scoring condition names answer_0
    … answer_3 (Canvas's bb9 multiple_answers fixture; Canvas reads them as the first to fourth answer).
    Was: answer_0 ignored and every other answer shifted, so two wrong answers were right and two right
    ones cost points. Now counted from one, the condition requires the first, third and fourth answer and
    excludes the second: all or nothing, as Blackboard grades it without partial credit."""
    labels = "".join(
        _blackboard9_label(f"answer_{number}", text)
        for number, text in enumerate(("Granite", "Sandstone", "Basalt", "Obsidian"), start=1)
    )
    path = tmp_path / "bb9.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop><assessment title="Rocks">'
        '<section><item maxattempts="0"><itemmetadata><bbmd_asi_object_id>question_3_1</bbmd_asi_object_id>'
        "<bbmd_questiontype>Multiple Answer</bbmd_questiontype><bbmd_partialcredit>false</bbmd_partialcredit>"
        "<qmd_absolutescore_max>2.0</qmd_absolutescore_max></itemmetadata>"
        '<presentation><flow class="Block"><flow class="QUESTION_BLOCK"><flow class="FORMATTED_TEXT_BLOCK">'
        '<material><mat_extension><mat_formattedtext type="SMART_TEXT">Which rocks are igneous?'
        "</mat_formattedtext></mat_extension></material></flow></flow>"
        '<flow class="RESPONSE_BLOCK"><response_lid ident="response" rcardinality="Single">'
        f'<render_choice maxnumber="0" minnumber="0" shuffle="Yes">{labels}</render_choice>'
        "</response_lid></flow></flow></presentation>"
        '<resprocessing scoremodel="SumOfScores"><outcomes><decvar defaultval="0.0" maxvalue="2.0"'
        ' minvalue="0.0" varname="SCORE" vartype="Decimal"/></outcomes>'
        '<respcondition title="correct"><conditionvar><and>'
        '<varequal case="No" respident="response">answer_0</varequal>'
        '<not><varequal case="No" respident="response">answer_1</varequal></not>'
        '<varequal case="No" respident="response">answer_2</varequal>'
        '<varequal case="No" respident="response">answer_3</varequal>'
        '</and></conditionvar><setvar action="Set" variablename="SCORE">SCORE.max</setvar></respcondition>'
        '<respcondition title="incorrect"><conditionvar><other/></conditionvar>'
        '<setvar action="Set" variablename="SCORE">0.0</setvar></respcondition>'
        "</resprocessing></item></section></assessment></questestinterop>\n",
        encoding="utf-8",
    )
    (question,) = import_file(path).questions
    assert [(choice.text, choice.fraction) for choice in question.choices] == [
        ("Granite", 0.3333333),
        ("Sandstone", 0.0),
        ("Basalt", 0.3333333),
        ("Obsidian", 0.3333333),
    ]
    assert question.all_or_nothing
    assert question.max_points == 2.0


def test_html_source_in_a_canvas_html_div_is_read_as_html(tmp_path: Path) -> None:
    """Canvas's converter keeps HTML it could not parse as source text in `<div class="html">` (its
    weird_html fixture: 'viva la mol&amp;eacute;', which Canvas shows as 'viva la molé'). Was: the entity
    shown as written, '&eacute;'. A tag written as text in any other element stays text."""
    path = tmp_path / "essay.xml"
    path.write_text(
        '<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="essay1" title="essay"'
        ' adaptive="false" timeDependent="false">\n'
        '  <responseDeclaration identifier="response1" cardinality="single" baseType="string"/>\n'
        '  <outcomeDeclaration identifier="FEEDBACK" cardinality="multiple" baseType="identifier"/>\n'
        "  <itemBody><p>Name the dish and write &lt;b&gt; as you would in HTML.</p>"
        '<extendedTextInteraction responseIdentifier="response1"/></itemBody>\n'
        '  <modalFeedback outcomeIdentifier="FEEDBACK" showHide="show" identifier="general_fb">'
        '<div class="html">Cr&amp;egrave;me br&amp;ucirc;l&amp;eacute;e &amp;lt;b&amp;gt;</div>'
        "</modalFeedback>\n</assessmentItem>\n",
        encoding="utf-8",
    )
    (question,) = import_file(path).questions
    assert _prompt(question) == "Name the dish and write <b> as you would in HTML."
    assert question.reference_answer == {"en": "Crème brûlée <b>"}


def test_an_anki_text_export_type_in_note_is_a_short_answer_as_from_an_apkg(tmp_path: Path) -> None:
    """Anki's 'Notes in Plain Text' export names each note's type in its notetype column; a 'Basic (type in
    the answer)' note asks the student to type the Back, which an .apkg import already reads as an exact
    short answer (was: free text graded by key points, unlike the same deck's .apkg). A multi-line Back
    stays free text, as from an .apkg; a Basic note stays free text. From a published Anki deck of a
    Wi-Fi security course (guid, notetype, deck and tags columns, HTML fields)."""
    path = tmp_path / "notes.txt"
    path.write_text(
        "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n\n"
        "a1B2c3D4e5\tBasic (type in the answer)\tNet::Wi-Fi\tWhich tool turns <code>wlan0</code> into a"
        " monitor interface?\t<code>airmon-ng</code>\twifi\n"
        "f6G7h8I9j0\tBasic\tNet::Wi-Fi\tWhy is WPA cracking slow?\tBecause PBKDF2 is run for every"
        " candidate.\twifi\n"
        "k1L2m3N4o5\tBasic (type in the answer)\tNet::Wi-Fi\tName two capture tools.\tairodump-ng<br>"
        "tcpdump\twifi\n",
        encoding="utf-8",
    )
    typed, basic, two_lines = import_file(path).questions
    assert (typed.id, typed.type, [c.text for c in typed.choices]) == (
        "a1B2c3D4e5",
        QuestionType.SHORT_EXACT,
        ["airmon-ng"],
    )
    assert _prompt(typed) == "Which tool turns wlan0 into a monitor interface?"
    assert basic.type is QuestionType.FREE_TEXT
    assert two_lines.type is QuestionType.FREE_TEXT
    assert typed.topics == basic.topics == ("wifi",)


def test_split_questions_keep_pictures_their_text_names_by_alt_text(tmp_path: Path) -> None:
    """TAO's planet-and-moon associate item (extension-tao-itemqti's sample-planet-moon.xml) shows a picture
    with alt text in every choice, and the text names a picture by its alt ('[image: Moon]'). Each question
    the item is split into shows the pictures its own text names: its item's and its choices' (a first
    version of the per-question filter matched file names only and dropped them all)."""
    picture = base64.b64decode(PNG_1X1)
    (tmp_path / "img").mkdir()
    choices = [("Ea", "earth", "Earth"), ("Mo", "moon", "Moon"), ("Ma", "mars", "Mars"), ("Ph", "phobos", "")]
    for _, name, _ in choices:
        (tmp_path / "img" / f"{name}.png").write_bytes(picture)
    associable = "".join(
        f'<simpleAssociableChoice identifier="{ident}" matchMax="1"><img src="img/{name}.png" alt="{alt}"/>'
        f"<br/>{name.title()}</simpleAssociableChoice>"
        for ident, name, alt in choices
    )
    path = tmp_path / "planets.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="planet-moon"'
        ' title="Planets and moons" adaptive="false" timeDependent="false">'
        '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="pair">'
        "<correctResponse><value>Ea Mo</value><value>Ma Ph</value></correctResponse>"
        '<mapping defaultValue="0"><mapEntry mapKey="Ea Mo" mappedValue="1"/>'
        '<mapEntry mapKey="Ma Ph" mappedValue="1"/></mapping></responseDeclaration>'
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>'
        "<itemBody><p>Pair each planet with its moon.</p>"
        f'<associateInteraction responseIdentifier="RESPONSE" shuffle="true" maxAssociations="2">'
        f"{associable}</associateInteraction></itemBody>"
        '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"/>'
        "</assessmentItem>\n",
        encoding="utf-8",
    )
    earth, mars = import_file(path).questions
    assert _prompt(earth).endswith("[image: Earth]\nEarth → _____")
    assert earth.media == ("earth.png", "moon.png", "phobos.png")
    assert mars.media == ("moon.png", "mars.png", "phobos.png")  # in the order the item shows them


def test_a_canvas_formula_question_in_qti2_is_named_as_such(tmp_path: Path) -> None:
    """Canvas's QTI 2 item of a formula question is a bare text box whose answers live in Canvas's own
    <itemproc_extension> (canvas-lms fixture canvas/calculated_simple.xml); its instructureField names the
    type. Was: refused as an essay without a model answer; now named as the unsupported formula question."""
    path = tmp_path / "formula.xml"
    path.write_text(
        '<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="f1" title="Formula"'
        ' adaptive="false" timeDependent="false"><instructureMetadata>'
        '<instructureField name="points_possible" value="3"/>'
        '<instructureField name="question_type" value="calculated_question"/></instructureMetadata>'
        '<responseDeclaration identifier="response1" cardinality="single" baseType="string"/>'
        "<itemBody><p>2*[y]</p>"
        '<extendedTextInteraction responseIdentifier="response1"/></itemBody>'
        "<itemproc_extension><calculated><formulas><formula>2 * y</formula></formulas></calculated>"
        "</itemproc_extension></assessmentItem>\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    (error,) = raised.value.errors
    assert error.unsupported
    assert "formula (calculated) questions (type 'calculated_question') are not supported" in error.message
