"""Round 5 of real exchange files written by other tools (tests/question_bank/data/real5, sources in its
README): each imported and checked question by question against what the file means."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.models import OutcomeFeedback, QuestionType
from tests.question_bank.conftest import DATA_DIR

REAL = DATA_DIR / "real5"


def _right(choices: object) -> list[str]:
    return [choice.text for choice in choices if choice.fraction > 0]  # type: ignore[attr-defined]


def test_qti21_match_interaction_becomes_a_choice_per_character_worth_its_mapped_value() -> None:
    """ONYX (OPAL) 'Characters and Plays' (was: refused as unsupported): one choice among the three plays
    per character, in the file's order, each worth its mapped value of MAXSCORE 3 (0.5 for the two
    Midsummer characters, 1 for the others); the right/wrong modal feedback is kept."""
    notes: list[str] = []
    characters = import_file(REAL / "qti21_onyx_match_characters_and_plays.xml", notes=notes).questions
    assert [question.prompt["en"].rsplit("\n", 1)[-1] for question in characters] == [
        "Capulet → _____",
        "Demetrius → _____",
        "Lysander → _____",
        "Prospero → _____",
    ]
    assert (
        characters[0]
        .prompt["en"]
        .startswith("Match the following characters to the Shakespeare play they appeared in:\n\n")
    )
    assert all(question.type is QuestionType.MULTIPLE_CHOICE for question in characters)
    assert [c.text for c in characters[0].choices] == [
        "A Midsummer-Night's Dream",
        "Romeo and Juliet",
        "The Tempest",
    ]
    assert [_right(question.choices) for question in characters] == [
        ["Romeo and Juliet"],
        ["A Midsummer-Night's Dream"],
        ["A Midsummer-Night's Dream"],
        ["The Tempest"],
    ]
    assert [question.max_points for question in characters] == [1.0, 0.5, 0.5, 1.0]
    assert characters[0].general_feedback == ""
    assert characters[0].outcome_feedback == OutcomeFeedback(
        correct="Correct FeedBack", incorrect="Incorrect Feedback"
    )
    assert [question.id for question in characters] == [
        f"id63c1aa3b-3b8f-42fd-bc63-a26bed21202f-{n}" for n in range(1, 5)
    ]
    assert len(notes) == 1 and "a matching question with 4 items: imported as 4 questions" in notes[0]


def test_qti21_match_table_row_with_two_answers_and_wrong_pairs_that_cost() -> None:
    """rqti's multiple-choice table: a row ticked in two columns is one question whose two answers split
    its credit, each wrong tick costing its mapped -0.25 (as a share of the row's 2 points); the row with
    no right column ('4*7 =') is not asked; the 5 points follow the mapped values."""
    rows = import_file(REAL / "qti21_rqti_multiple_choice_table.xml").questions
    assert [question.prompt["en"].rsplit("\n", 1)[-1] for question in rows] == [
        "3*9 = → _____",
        "5*5 = → _____",
        "2*3 = → _____",
        "12*3 = → _____",
    ]
    assert [question.max_points for question in rows] == [1.0, 1.0, 1.0, 2.0]
    assert [(c.text, c.fraction) for c in rows[3].choices] == [
        ("27", -0.125),
        ("36", 0.5),
        ("25", -0.125),
        ("6", -0.125),
        ("72/2", 0.5),
    ]
    assert [(c.text, c.fraction) for c in rows[0].choices][:2] == [("27", 1.0), ("36", -0.25)]
    assert not rows[3].all_or_nothing  # the file says what a wrong tick costs


def test_qti2_match_without_mapping_asks_each_item_with_equal_shares(tmp_path: Path) -> None:
    """match_correct scoring: each pair of the correct response worth the same; a pair written target
    first (as some tools do) is read the same way; a row with two right answers and no stated cost needs
    both and no other."""
    path = tmp_path / "match.xml"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="layers" title="Lager">
  <responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="directedPair">
    <correctResponse><value>A X</value><value>Y B</value>
      <value>C X</value><value>C Y</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <itemBody>
    <matchInteraction responseIdentifier="RESPONSE" shuffle="true" maxAssociations="4">
      <prompt>Para ihop lagertyp med uppgift.</prompt>
      <simpleMatchSet>
        <simpleAssociableChoice identifier="A" matchMax="1">Conv2D</simpleAssociableChoice>
        <simpleAssociableChoice identifier="B" matchMax="1">LSTM</simpleAssociableChoice>
        <simpleAssociableChoice identifier="C" matchMax="2">Attention</simpleAssociableChoice>
      </simpleMatchSet>
      <simpleMatchSet>
        <simpleAssociableChoice identifier="X" matchMax="2">Bilder</simpleAssociableChoice>
        <simpleAssociableChoice identifier="Y" matchMax="2">Sekvenser</simpleAssociableChoice>
        <simpleAssociableChoice identifier="Z" matchMax="1">Tabeller</simpleAssociableChoice>
      </simpleMatchSet>
    </matchInteraction>
  </itemBody>
  <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>
</assessmentItem>
""",
        encoding="utf-8",
    )
    conv, lstm, attention = import_file(path).questions
    assert list(conv.prompt.values()) == ["Para ihop lagertyp med uppgift.\n\nConv2D → _____"]
    assert [(c.text, c.fraction) for c in lstm.choices] == [
        ("Bilder", 0.0),
        ("Sekvenser", 1.0),
        ("Tabeller", 0.0),
    ]
    assert [(c.text, c.fraction) for c in attention.choices][:2] == [("Bilder", 0.5), ("Sekvenser", 0.5)]
    assert attention.all_or_nothing and not conv.all_or_nothing
    assert [conv.max_points, lstm.max_points, attention.max_points] == [0.25, 0.25, 0.5]


def test_qti2_match_naming_a_choice_it_does_not_have_is_an_error_at_the_item(tmp_path: Path) -> None:
    path = tmp_path / "broken_match.xml"
    original = (REAL / "qti21_onyx_match_characters_and_plays.xml").read_text(encoding="utf-8")
    path.write_text(original.replace('mapKey="P T"', 'mapKey="P Q"'), encoding="utf-8")
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    [error] = raised.value.errors
    assert (error.line, error.field) == (
        2,
        "item 'id63c1aa3b-3b8f-42fd-bc63-a26bed21202f' (Characters and Plays)",
    )
    assert error.reason == "matching pair 'P Q' names a choice the interaction does not have"
    assert not error.unsupported


def test_blackboard_matching_reads_the_right_match_block_by_label_position() -> None:
    """Blackboard 6 matching (was: refused as unsupported): an item's n-th label is the n-th answer of
    the RIGHT_MATCH_BLOCK; cat is a mammal, frog and newt amphibians, as Moodle's importer reads them;
    the 3 points shared equally."""
    notes: list[str] = []
    cat, frog, newt = import_file(REAL / "blackboard_qti_matching_excerpt.dat", notes=notes).questions
    assert cat.prompt == {"en": "Classify the animals.\n\ncat → _____"}
    assert [c.text for c in cat.choices] == ["insect", "mammal", "amphibian"]
    assert [_right(q.choices) for q in (cat, frog, newt)] == [["mammal"], ["amphibian"], ["amphibian"]]
    assert [q.max_points for q in (cat, frog, newt)] == [1.0, 1.0, 1.0]
    assert cat.id == "9C5DBA6A142A4B5887C61D333CFFEDA9-1"
    assert [note.removeprefix(f"{REAL}/") for note in notes] == [
        "blackboard_qti_matching_excerpt.dat:5: item '9C5DBA6A142A4B5887C61D333CFFEDA9': a matching "
        "question with 3 items: imported as 3 questions, one per item, each asking it as _____ and worth "
        "its points"
    ]  # Blackboard's items have no ident: the object id names it


def test_blackboard_matching_whose_answer_label_is_missing_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "res00001.dat"
    original = (REAL / "blackboard_qti_matching_excerpt.dat").read_text(encoding="utf-8")
    path.write_text(
        original.replace('">8A9B69A93B0943AFAB890702199AB290</varequal>', '">NOT-A-LABEL</varequal>'),
        encoding="utf-8",
    )
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    [error] = raised.value.errors
    assert error.line == 5
    assert error.reason == (
        "matching item 'frog' (0933892218204F5AB561E62A27701447) has no right answer among the answers"
    )


def test_gift_matching_with_text_after_the_answers_asks_each_item_with_one_blank(tmp_path: Path) -> None:
    """Moodle's GIFT matching with words after its '}' (was: the text's own _____ and the item's, two
    blanks in one question): the text is read without a blank, each item asked after it as before."""
    source = DATA_DIR / "real4" / "gift_moodle_questions.gift"
    path = tmp_path / "matching_text_after.gift"
    path.write_text(
        source.read_text(encoding="utf-8").replace(
            "    = -> Chat\n}", "    = -> Chat\n} (Chat is left over.)"
        ),
        encoding="utf-8",
    )
    questions = import_file(path, skipped=[]).questions  # its essay has no model answer
    forum = next(question for question in questions if "Forum" in _right(question.choices))
    assert forum.prompt_in("en") == (
        "Match the activity to the description. (Chat is left over.)\n\n"
        "An activity supporting asynchronous discussions. → _____"
    )
    assert forum.prompt_in("en").count("_____") == 1
    short = tmp_path / "short_answer_text_after.gift"
    short.write_text("Two plus two is {=four =4} in base ten.\n", encoding="utf-8")
    (blank,) = import_file(short).questions
    assert blank.prompt_in(next(iter(blank.prompt))) == "Two plus two is _____ in base ten."  # still a blank


def test_qti3_match_from_the_1edtech_examples_reads_like_its_qti21_export() -> None:
    """QTI 3's kebab-case match interaction: the same four questions as ONYX's QTI 2.1 copy, worth the
    mapped 1/0.5/0.5/1 (no MAXSCORE: the mapping's most, 3); the choice text wrapped over two lines reads
    as one."""
    characters = import_file(REAL / "qti3_ims_match.xml").questions
    assert [_right(question.choices) for question in characters] == [
        ["Romeo and Juliet"],
        ["A Midsummer-Night's Dream"],
        ["A Midsummer-Night's Dream"],
        ["The Tempest"],
    ]
    assert [c.text for c in characters[0].choices][-1] == "The Tempest"
    assert [question.max_points for question in characters] == [1.0, 0.5, 0.5, 1.0]


def test_qti3_gap_match_becomes_a_choice_per_gap_with_the_text_around_it() -> None:
    """1EdTech's gap_match (was: refused as unsupported): one question per gap, the quote shown with that
    gap as _____ and the other as […], choosing among the four words; G1 worth its mapped 1 point, G2 2;
    the mapping's default -1 makes each wrong word cost (as a share of the gap's points)."""
    notes: list[str] = []
    first, second = import_file(REAL / "qti3_ims_gap_match.xml", notes=notes).questions
    assert first.prompt_in("en") == (
        "Identify the missing words in this famous quote from Shakespeare's Richard III.\n\n"
        "Now is the _____ of our discontent\nMade glorious […] by this sun of York;\n"
        "And all the clouds that lour'd upon our house\nIn the deep bosom of the ocean buried."
    )
    assert "Now is the […] of our discontent\nMade glorious _____ by" in second.prompt_in("en")
    assert [(c.text, c.fraction) for c in first.choices] == [
        ("winter", 1.0),
        ("spring", -1.0),
        ("summer", -1.0),
        ("autumn", -1.0),
    ]
    assert [(c.text, c.fraction) for c in second.choices][2] == ("summer", 1.0)
    assert [c.fraction for c in second.choices if c.text != "summer"] == [-0.5, -0.5, -0.5]
    assert (first.id, first.max_points, second.id, second.max_points) == (
        "gapMatch-1",
        1.0,
        "gapMatch-2",
        2.0,
    )
    assert (
        len(notes) == 1
        and "a gap match question with 2 gaps: imported as 2 questions, one per gap" in notes[0]
    )


def test_a_gap_match_whose_key_names_a_missing_gap_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "gap_match.xml"
    original = (REAL / "qti3_ims_gap_match.xml").read_text(encoding="utf-8")
    path.write_text(original.replace('map-key="Su G2"', 'map-key="Su G9"'), encoding="utf-8")
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    [error] = raised.value.errors
    assert error.reason == "matching pair 'Su G9' names a choice the interaction does not have"


def test_moodle_drag_and_drop_matching_reads_like_matching() -> None:
    """The qtype_ddmatch plugin's own fixture (was: refused as unsupported): one choice per animal among
    the four classes (the empty item makes 'insect' a distractor), a third of the point each, its
    right/wrong feedback kept."""
    notes: list[str] = []
    frog, cat, newt = import_file(REAL / "moodle_ddmatch.xml", notes=notes).questions
    assert cat.prompt_in(next(iter(cat.prompt))) == "Classify the animals.\n\ncat → _____"
    assert [c.text for c in cat.choices] == ["amphibian", "mammal", "insect"]
    assert [_right(q.choices) for q in (frog, cat, newt)] == [["amphibian"], ["mammal"], ["amphibian"]]
    assert frog.max_points == pytest.approx(1 / 3)
    assert frog.topics == ("Test questions",)
    assert frog.general_feedback == "General feedback."
    assert frog.outcome_feedback == OutcomeFeedback(
        correct="Well done!", incorrect="That is not right at all."
    )
    assert len(notes) == 1 and "a drag-and-drop matching question with 3 items" in notes[0]


def test_qti21_associate_whose_pairs_are_one_to_one_becomes_a_choice_per_first_end() -> None:
    """The IMS 'Shakespearian Rivals' associate item (was: refused as unsupported): its right pairs A-P,
    C-M, D-L match Antonio, Capulet and Demetrius one to one with Prospero, Montague and Lysander, so each
    of the three is asked among the other side, worth its mapped value (2, 1, 1 of the mapping's 4)."""
    notes: list[str] = []
    rivals = import_file(REAL / "qti21_ims_associate_rivals.xml", notes=notes).questions
    assert [question.id for question in rivals] == ["associate-1", "associate-2", "associate-3"]
    assert [question.prompt["en"].rsplit("\n", 1)[-1] for question in rivals] == [
        "Antonio → _____",
        "Capulet → _____",
        "Demetrius → _____",
    ]
    assert (
        rivals[0]
        .prompt["en"]
        .startswith(
            "Hidden in this list of characters from famous Shakespeare plays are three pairs of rivals. "
        )
    )
    assert all(question.type is QuestionType.MULTIPLE_CHOICE for question in rivals)
    assert [c.text for c in rivals[0].choices] == ["Lysander", "Montague", "Prospero"]
    assert [_right(question.choices) for question in rivals] == [["Prospero"], ["Montague"], ["Lysander"]]
    assert [question.max_points for question in rivals] == [2.0, 1.0, 1.0]
    assert any("3 questions" in note for note in notes)


def test_qti21_associate_offers_the_choices_no_pair_names_as_distractors() -> None:
    """EPAM's CAP theorem associate item: three concepts paired with their definitions, a fourth
    definition (Scalability) in no pair is offered as a wrong answer to each."""
    concepts = import_file(REAL / "qti21_epam_associate_cap_theorem.xml").questions
    assert [question.prompt["en"].rsplit("\n", 1)[-1] for question in concepts] == [
        "Consistency → _____",
        "Availability → _____",
        "Partition Tolerance → _____",
    ]
    assert [len(question.choices) for question in concepts] == [4, 4, 4]
    assert concepts[0].choices[-1].text == "Ability to handle increased load by adding resources"
    assert [_right(question.choices) for question in concepts] == [
        ["Ensures all nodes see the same data at the same time"],
        ["Ensures that every request receives a response, even in case of partial failure"],
        ["Ensures the system continues to operate despite network partitions"],
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"D L" mappedValue="1"/>', '"D L" mappedValue="1"/><mapEntry mapKey="D P" mappedValue="1"/>'),
        ('"D L" mappedValue="1"/>', '"D L" mappedValue="1"/><mapEntry mapKey="A C" mappedValue="-1"/>'),
    ],
)
def test_qti21_associate_that_is_no_one_to_one_matching_is_still_refused(
    tmp_path: Path, old: str, new: str
) -> None:
    """Pairs sharing a choice, or a scored pair joining two items to match, have no matching question:
    the item is refused as unsupported, naming the interaction, as before."""
    path = tmp_path / "associate.xml"
    original = (REAL / "qti21_ims_associate_rivals.xml").read_text(encoding="utf-8")
    assert old in original
    path.write_text(original.replace(old, new), encoding="utf-8")
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    [error] = raised.value.errors
    assert error.unsupported
    assert error.reason == (
        "associate (pairing, not one to one) items (associateInteraction) are not supported by tenta; "
        "remove or convert this item"
    )
