"""Round 4 of real exchange files written by other tools (tests/question_bank/data/real4, sources in its
README): each imported and checked question by question against what the file means."""

from __future__ import annotations

import pytest

from question_bank.errors import InputFileError
from question_bank.formats.detect import import_file
from question_bank.models import OutcomeFeedback, QuestionType
from tests.question_bank.conftest import DATA_DIR

REAL = DATA_DIR / "real4"


def test_moodle_short_answer_keeps_partial_credit_answers_and_their_feedback() -> None:
    (question,) = import_file(REAL / "moodle_shortanswer_fractions_wildcard.xml").questions
    assert (question.id, question.type, question.topics) == (
        "shortanswer-001",
        QuestionType.SHORT_EXACT,
        ("Test questions",),
    )
    assert [(c.text, c.fraction, c.feedback) for c in question.choices][:2] == [
        ("frog", 1.0, "Frog is a very good answer."),
        ("toad", 0.8, "Toad is an OK good answer."),
    ]
    assert question.general_feedback.startswith("Generalfeedback: frog or toad would have been OK.")


def test_moodle_true_false_feedback_goes_to_each_answer() -> None:
    (question,) = import_file(REAL / "moodle_truefalse_feedback.xml").questions
    assert question.type is QuestionType.TRUE_FALSE
    assert [(c.text, c.fraction, c.feedback) for c in question.choices] == [
        ("True", 1.0, "This is the right answer."),
        ("False", 0.0, "This is the wrong answer."),
    ]
    assert question.general_feedback == "You should have selected true."


def test_moodle_default_right_wrong_wordings_are_dropped_and_hints_kept() -> None:
    """Moodle writes 'Your answer is correct.' … when the author left them as they were: they say no more
    than the score, so only the general feedback and the hints for another try are kept."""
    (question,) = import_file(REAL / "moodle_oumultiresponse.xml").questions
    assert [(c.text, c.fraction) for c in question.choices if c.fraction > 0] == [
        ("London", 0.5),
        ("Paris", 0.5),
    ]
    assert question.general_feedback == "Berlin, Paris and London"
    assert question.outcome_feedback is None  # Moodle's default wordings only
    assert question.hints == ("First hint", "Second hint")


def test_moodle_matching_becomes_a_choice_per_item() -> None:
    """Each item to match is a choice among all the answers (the item without text is a distractor),
    worth an equal share; the right/partly right/wrong feedback is kept (was: left out as unsupported)."""
    notes: list[str] = []
    items = import_file(REAL / "moodle_matching.xml", notes=notes).questions
    assert [item.id for item in items] == ["matching-001-1", "matching-001-2", "matching-001-3"]
    assert [item.prompt_in(next(iter(item.prompt))) for item in items] == [
        "Classify the animals.\n\nfrog → _____",
        "Classify the animals.\n\ncat → _____",
        "Classify the animals.\n\nnewt → _____",
    ]
    assert [(c.text, c.fraction) for c in items[1].choices] == [
        ("amphibian", 0.0),
        ("mammal", 1.0),
        ("insect", 0.0),
    ]
    assert all(item.max_points == pytest.approx(1 / 3) for item in items)
    assert items[0].general_feedback == "General feedback."
    assert items[0].outcome_feedback == OutcomeFeedback(
        correct="Well done!",
        partially_correct="Parts, but only parts, of your response are correct.",
        incorrect="That is not right at all.",
    )
    assert [note.removeprefix(f"{REAL}/") for note in notes] == [
        "moodle_matching.xml:12: matching-001: a matching question with 3 items: imported as 3 questions, "
        "one per item, each asking it as _____ and worth its points"
    ]


def test_gift_moodle_export_in_a_category_with_escaped_html() -> None:
    skipped: list[InputFileError] = []
    notes: list[str] = []
    bank = import_file(REAL / "gift_moodle_questions_in_category.gift", skipped=skipped, notes=notes)
    *activities, greeting, user, acronym = bank.questions
    # matching (was: refused as unsupported): one choice among all five answers per description
    assert [question.id for question in activities] == [f"moodle-activities-{n}" for n in range(1, 5)]
    assert activities[3].prompt_in("en") == (
        "Match the activity to the description.\n\n"
        "A collection of web pages that anyone can add to or edit. → _____"
    )
    assert [(c.text, c.fraction) for c in activities[3].choices] == [
        ("Forum", 0.0),
        ("Choice", 0.0),
        ("Database", 0.0),
        ("Wiki", 1.0),
        ("Chat", 0.0),  # '= -> Chat': a distractor no description takes
    ]
    assert [question.max_points for question in activities] == [0.25] * 4
    assert [note.removeprefix(f"{REAL}/") for note in notes] == [
        "gift_moodle_questions_in_category.gift:5: Moodle activities: a matching question with 4 items: "
        "imported as 4 questions, one per item, each asking it as _____ and worth its points"
    ]
    assert greeting.prompt_in("en") == "Listen to this greeting:\n\nWhat language is being spoken?"
    assert [(c.text, c.fraction, c.feedback) for c in greeting.choices][:2] == [
        ("English", 0.0, "Sorry, listen again."),
        ("French", 1.0, "Yes, well done!"),
    ]
    assert (user.type, [(c.text, c.fraction) for c in user.choices]) == (
        QuestionType.SHORT_EXACT,
        [("Moodler", 1.0)],
    )
    assert acronym.type is QuestionType.TRUE_FALSE
    assert acronym.prompt_in("en") == (
        "Moodle is an acronym for Modular Object-Oriented Dynamic Learning Environment."
    )
    assert skipped == []


def test_gift_moodle_import_fixture_weights_ranges_and_true_false_feedback() -> None:
    skipped: list[InputFileError] = []
    questions = {q.id: q for q in import_file(REAL / "gift_moodle_questions.gift", skipped=skipped).questions}
    assert [(c.text, c.fraction) for c in questions["colours"].choices] == [
        ("yellow", 0.5),
        ("red", -1.0),
        ("off-beige", 0.5),
        ("blue", -1.0),
    ]
    assert [(n.value, n.tolerance) for n in questions["Q5"].numerical] == [(3.0, 2.0)]
    assert questions["Q5"].general_feedback == ""
    assert questions["Q5"].outcome_feedback == OutcomeFeedback(incorrect="Completely wrong")  # '~#…'
    assert [(c.text, c.fraction) for c in questions["Shortanswer"].choices][:2] == [
        ("Frog", 1.0),
        ("Cat", 0.5),
    ]
    # TRUE/FALSE feedback: the first is shown for the wrong answer, the second for the right one
    assert [(c.text, c.fraction, c.feedback) for c in questions["Q1"].choices] == [
        ("True", 0.0, "42 is the Ultimate Answer."),
        ("False", 1.0, "You gave the right answer."),
    ]
    assert questions["Q1"].general_feedback == (
        "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    )
    assert [(problem.line, problem.field) for problem in skipped] == [(2, "Q8")]  # an essay without answer
    # a matching item keeps its own [format]: [html] and [moodle] HTML read, [markdown] and [plain] as written
    activities = [questions[f"moodle-activities-{n}"] for n in range(1, 5)]
    assert [q.prompt_in("en").split("\n\n")[-1] for q in activities] == [
        "An activity supporting asynchronous discussions. → _____",
        "A teacher asks a question and specifies a choice of multiple responses. → _____",
        "A bank of record entries which participants can add to. → _____",
        "A collection of web pages that anyone can add to or edit. → _____",
    ]
    assert [c.text for c in activities[0].choices] == ["Forum", "Choice", "Database", "Wiki", "Chat"]


def test_canvas_question_groups_import_each_question_once_and_say_what_the_quiz_draws() -> None:
    notes: list[str] = []
    bank = import_file(REAL / "canvas_question_groups.xml", notes=notes)
    assert len(bank.questions) == len({q.id for q in bank.questions}) == 10
    assert [q.topics for q in bank.questions].count(("Group 1 (1/4)",)) == 4
    assert [q.topics for q in bank.questions].count(("Group 2(3/5)",)) == 5
    assert bank.questions[-1].prompt_in("en") == "Question! 5"
    assert {q.max_points for q in bank.questions} == {1.0}
    assert [note.removeprefix(f"{REAL}/") for note in notes] == [
        "canvas_question_groups.xml:11: question group 'Group 1 (1/4)': the quiz draws 1 of these 4 "
        "questions at random (1 point each); all 4 are imported, and tenta's full exam asks every one",
        "canvas_question_groups.xml:215: question group 'Group 2(3/5)': the quiz draws 3 of these 5 "
        "questions at random (1 point each); all 5 are imported, and tenta's full exam asks every one",
    ]


def test_canvas_numeric_answers_without_type_metadata_are_numbers_with_their_margins() -> None:
    """A `render_fib fibtype="Decimal"` blank scored by ranges is a numerical question (was: short exact
    text '42.0', '1000.00', '77.0' with the range answer 3.9-4.1 lost)."""
    first, second = import_file(REAL / "canvas_numeric_answer_feedback.xml").questions
    assert first.type is second.type is QuestionType.NUMERICAL
    assert [(n.value, n.tolerance, n.feedback) for n in first.numerical] == [
        (42.0, 0.0, "Exact answer comment"),
        (1000.0, 0.005, "Precision answer comment"),
        (77.0, 7.0, "Margin of error answer comment"),
        (4.0, 0.1, "Range answer comment"),
    ]
    assert first.general_feedback == "General Feedback"
    assert first.outcome_feedback == OutcomeFeedback(correct="General Correct Feedback")
    assert [(n.value, n.feedback) for n in second.numerical] == [
        (10.0, "First answer comment"),
        (20.0, ""),
        (30.0, "Third answer comment"),
    ]


def test_qti2_hint_and_right_wrong_feedback_are_kept_in_their_fields() -> None:
    """The hint (shown on request) was taken as general feedback and the right/wrong feedback dropped."""
    (question,) = import_file(REAL / "qti22_hint_and_outcome_feedback.xml").questions
    assert [(c.text, c.fraction) for c in question.choices if c.fraction] == [("Vicente Fox", 1.0)]
    assert question.choices[0].feedback == "No, he is the President of the USA."
    assert question.general_feedback == ""
    assert question.outcome_feedback == OutcomeFeedback(
        correct="Yes, that is correct.", incorrect="No, the correct answer is Vicente Fox."
    )
    assert question.hints == ("Tony lives in the United Kingdom and George lives in Washington.",)


def test_qti2_feedback_the_processing_sets_after_testing_the_answer() -> None:
    (question,) = import_file(REAL / "qti22_modal_feedback_true_false.xml").questions
    assert (question.type, question.max_points) == (QuestionType.TRUE_FALSE, 10.0)
    assert question.general_feedback == ""
    assert question.outcome_feedback == OutcomeFeedback(correct="correct", incorrect="incorrect")


def test_qti21_extended_text_scorer_rubric_is_the_marking_guide() -> None:
    notes: list[str] = []
    (question,) = import_file(REAL / "qti21_extended_text_rubric.xml", notes=notes).questions
    assert (question.type, question.max_points) == (QuestionType.FREE_TEXT, 3.0)  # 'Max Score: 3.0 points'
    reference = question.reference_in("en")
    assert "Scoring Guidelines" not in reference and "Max Score" not in reference
    assert [point.text for point in question.rubric] == [
        "When not all 3 questions are answered in the response: -1 for each missing",
        "Check for gramatical errors: -0.1 per error",
        "Possibly add in .1 increments extra bonus points for extra good answers",
    ]
    assert question.prompt_in("en").endswith("Write Sam a postcard. Answer the questions. Write 25-35 words.")
    assert [note.split(": ", 1)[0] for note in notes] == [str(REAL / "qti21_extended_text_rubric.xml")]
    assert "'images/postcard.png' is not in the folder" in notes[0]


def test_gift_weights_with_decimals_are_read_as_written() -> None:
    (question,) = import_file(REAL / "gift_multiple_answers_float.gift").questions
    assert question.prompt_in("en") == "Select all of the options below which name a continent:"
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("Africa", 0.3333333),  # was 0.33333329999999994
        ("Asia", 0.3333333),
        ("China", -1.0),
        ("Antarctica", 0.3333333),
        ("America", -1.0),
    ]


def test_gift_short_answer_with_the_blank_first() -> None:
    untitled, titled = import_file(REAL / "gift_short_first_embedded_html.gift").questions
    assert (untitled.id, titled.id) == ("q1", "Continents")
    for question in (untitled, titled):
        assert question.type is QuestionType.SHORT_EXACT
        assert question.prompt_in(next(iter(question.prompt))) == "_____ is the largest continent."
        assert [(c.text, c.fraction, c.feedback) for c in question.choices] == [("Asia", 1.0, "")]


def test_blackboard_right_and_wrong_item_feedback_is_kept() -> None:
    """Blackboard's itemfeedback 'correct'/'incorrect', shown by the scoring conditions, was dropped."""
    (question,) = import_file(REAL / "blackboard_qti_true_false_excerpt.dat").questions
    assert question.id == "E03EE0034702442C9306629CBF618049"
    assert question.type is QuestionType.TRUE_FALSE
    assert [(c.text, c.fraction) for c in question.choices] == [("true", 0.0), ("false", 1.0)]
    assert question.general_feedback == ""
    assert question.outcome_feedback == OutcomeFeedback(
        correct="You gave the right answer.", incorrect="42 is the Ultimate Answer."
    )


def test_canvas_items_without_metadata_keep_the_term_an_answer_field_asks_about() -> None:
    skipped: list[InputFileError] = []
    dropdown, matched, pair = import_file(REAL / "canvas_edge_cases.xml", skipped=skipped).questions
    assert dropdown.prompt_in("en") == "Question 6, Multiple Dropdowns, Answers is C: [C]"  # 'C' said already
    assert [(c.text, c.fraction) for c in dropdown.choices] == [("C", 1.0), ("D", 0.0)]
    assert pair.prompt_in("en") == "EEE\n\nB"  # was 'EEE': the term to match was lost
    assert [(c.text, c.fraction) for c in pair.choices] == [("BB", 1.0), ("EEE", 0.0)]
    # Canvas matching with a single item (was: refused): that item asked among both answers, as the same
    # item without metadata is read
    assert matched.prompt_in("en") == "EEE\n\nB → _____"
    assert (matched.max_points, [(c.text, c.fraction) for c in matched.choices]) == (
        1.0,
        [("BB", 1.0), ("EEE", 0.0)],
    )
    assert [(problem.line, problem.field) for problem in skipped] == [
        (11, "item 'i2fcd1e9d01e3b1529bf9bfbe56e513dd' (Fill Multiple Blanks w/o metadata)"),
    ]
    assert "2 answer fields" in skipped[0].reason


def test_canvas_essay_grading_notes_are_its_model_answer() -> None:
    """Canvas New Quizzes writes an essay's grading notes as qtimetadata 'grading_notes' (was: the essay
    was left out as having no model answer)."""
    (question,) = import_file(REAL / "canvas_essay_grading_notes.xml").questions
    assert question.type is QuestionType.FREE_TEXT
    assert question.prompt_in("en") == "Here is an essay question."
    assert question.reference_in("en") == "this is the remix"


def test_a_file_that_is_not_well_formed_xml_is_refused_at_its_line() -> None:
    with pytest.raises(InputFileError) as refused:
        import_file(REAL / "canvas_choice_zero_points.xml")
    assert (refused.value.path.name, refused.value.line) == ("canvas_choice_zero_points.xml", 1)
    assert "not well-formed XML" in refused.value.reason


def test_canvas_short_answer_spellings_keep_their_feedback_and_the_right_wrong_feedback() -> None:
    (question,) = import_file(REAL / "canvas_fib_feedback.xml").questions
    assert (question.type, question.max_points) == (QuestionType.SHORT_EXACT, 3.5)
    assert [(c.text, c.fraction, c.feedback) for c in question.choices] == [
        ("blank", 1.0, "Feedback on response 1226"),
        ("Blank", 1.0, "Feedback on response 5344"),
        ("BLANK", 1.0, "Feedback on response 3391"),
    ]
    assert question.general_feedback == "Generic feedback"
    assert question.outcome_feedback == OutcomeFeedback(
        correct="Correct Feedback", incorrect="Incorrect Feedback"
    )


def test_moodle_cloze_becomes_one_question_per_gap_graded_by_its_kind() -> None:
    """Every Cloze answer kind (was: the whole question left out as unsupported)."""
    notes: list[str] = []
    gaps = import_file(REAL / "moodle_cloze_all_types.xml", notes=notes).questions
    assert len(gaps) == 16
    assert [note.removeprefix(f"{REAL}/") for note in notes] == [
        "moodle_cloze_all_types.xml:4: All CLOZE types in one question: a Cloze question with 16 gaps: "
        "imported as 16 questions, one per gap, each asking it as _____ and worth its points"
    ]
    first = gaps[0]
    assert first.id == "all-cloze-types-in-one-question-1"
    assert (
        "imagine the times _____\n\nAsterix is best know to be a brave warrior. With his best friend […]"
        in (first.prompt_in("en"))
    )
    assert [(c.text, c.fraction, c.feedback) for c in first.choices][:2] == [
        ("200 B.C.", 0.0, "too early"),
        ("50 B.C.", 1.0, "Correct"),
    ]
    assert first.general_feedback.startswith("To get to know more about Asterix")
    # MULTIRESPONSE: the right answers share the points (Moodle lets each be 100 %)
    assert [(c.text, c.fraction) for c in gaps[6].choices] == [
        ("Marge", 0.5),
        ("Fred", 0.0),
        ("Lisa", 0.5),
        ("Anna", 0.0),
    ]
    assert [c.fraction for c in gaps[7].choices] == [0.6666667, 0.0, 0.3333333]  # %100% and %50%
    # NUMERICAL with tolerance and partial credit; the gap weight {3:…} is the question's points
    assert [(n.value, n.tolerance, n.fraction) for n in gaps[12].numerical] == [
        (1701.0, 0.0, 1.0),
        (1701.0, 20.0, 0.66),
        (1701.0, 50.0, 0.33),
    ]
    assert (gaps[12].max_points, gaps[0].max_points) == (3.0, 1.0)
    # SHORTANSWER: spellings with partial credit; HTML in an answer is read as text
    assert [(c.text, c.fraction) for c in gaps[15].choices] == [
        ("Whisky", 1.0),
        ("Whiskey", 1.0),
        ("Wiskey", 0.5),
        ("Wisky", 0.25),
    ]
    assert gaps[14].choices[0].text == "H2O"


def test_moodle_select_missing_words_becomes_a_choice_per_gap() -> None:
    """Gap [[n]] is answered by the n-th option among its group's; each gap gets an equal share of the
    question's points (was: left out as unsupported)."""
    notes: list[str] = []
    gaps = import_file(REAL / "moodle_gapselect.xml", notes=notes).questions
    assert [gap.prompt_in("en") for gap in gaps] == [
        "The _____ […] on the […].",
        "The […] _____ on the […].",
        "The […] […] on the _____.",
    ]
    options = ["cat", "sat", "mat", "dog", "table"]
    for gap, right in zip(gaps, ["cat", "sat", "mat"], strict=True):
        assert gap.type is QuestionType.MULTIPLE_CHOICE
        assert [(c.text, c.fraction) for c in gap.choices] == [(o, float(o == right)) for o in options]
        assert gap.max_points == pytest.approx(1 / 3)
        assert gap.general_feedback == "The cat sat on the mat."
        assert gap.hints == ("First hint", "Second hint")
    assert "a select-missing-words question with 3 gaps: imported as 3 questions" in notes[0]


def test_canvas_multiple_dropdowns_become_a_choice_per_blank() -> None:
    """One question per [blank], the others shown as […], each half the points (was: refused as
    'multiple dropdowns questions are not supported')."""
    notes: list[str] = []
    first, second = import_file(REAL / "canvas_multiple_dropdowns.xml", notes=notes).questions
    assert (first.id, second.id) == (
        "id9d8b63d85a03f2987646622805b61cf-1",
        "id9d8b63d85a03f2987646622805b61cf-2",
    )
    assert first.prompt_in("en") == "Roses are _____, violets are […]."
    assert second.prompt_in("en") == "Roses are […], violets are _____."
    assert [(c.text, c.fraction, c.feedback) for c in first.choices] == [
        ("red", 1.0, "Yes! Red."),
        ("plaid", 0.0, "I'm pretty sure you meant red."),
    ]
    assert [(c.text, c.fraction) for c in second.choices] == [("blue", 1.0), ("paisely", 0.0)]
    assert first.max_points == second.max_points == 0.5
    assert first.outcome_feedback is not None
    assert first.outcome_feedback.correct == "Completing the poem, is left to you."
    assert "Completing the poem" not in first.general_feedback
    assert "a question with 2 blanks: imported as 2 questions, one per blank" in notes[0]


def test_canvas_fill_in_multiple_blanks_accepts_every_listed_answer() -> None:
    first, second = import_file(REAL / "canvas_multiple_fib.xml").questions
    assert first.type is second.type is QuestionType.SHORT_EXACT
    assert first.prompt_in("en") == "Roses are _____, violets are […]"
    assert [(c.text, c.fraction) for c in first.choices] == [("red", 1.0), ("Red", 1.0)]
    assert [(c.text, c.fraction) for c in second.choices] == [("blue", 1.0), ("Blue", 1.0)]
    assert first.max_points == second.max_points == 0.5


def test_canvas_matching_with_empty_rows_distractors_and_pair_comments() -> None:
    """Canvas matching (was: refused as unsupported): one choice per item among every answer offered,
    Canvas's empty rows dropped, an equal share of the points; the pair's comment is shown for a wrong
    choice and the item-wide feedback kept."""
    notes: list[str] = []
    first, second = import_file(REAL / "canvas_matching_feedback.xml", notes=notes).questions
    assert [first.prompt_in("en"), second.prompt_in("en")] == ["A:1 B:2\n\nA → _____", "A:1 B:2\n\nB → _____"]
    assert [(c.text, c.fraction, c.feedback) for c in second.choices][:3] == [
        ("1", 0.0, "B:2"),
        ("2", 1.0, ""),
        ("C", 0.0, "B:2"),  # the empty answer row is not a choice
    ]
    assert [c.text for c in first.choices] == ["1", "2", "C", "D", "E", "F", "3", "4", "5", "6"]
    assert (first.max_points, second.max_points) == (0.5, 0.5)
    assert first.general_feedback == "Neutral"
    assert first.outcome_feedback == OutcomeFeedback(correct="Correct", incorrect="Incorrect")
    assert [note.removeprefix(f"{REAL}/") for note in notes] == [
        "canvas_matching_feedback.xml:11: item 'i43dbc4f8278e6ded31674b351f9a1c37' (Question): a matching "
        "question with 2 items: imported as 2 questions, one per item, each asking it as _____ and worth its "
        "points"
    ]


def test_canvas_matching_distractor_and_html_written_as_xml() -> None:
    light, electron = import_file(REAL / "canvas_matching_distractor.xml").questions
    assert light.id == "4772-1"
    assert electron.prompt_in("en") == (
        "Match the statements with the correct type of microscope\n\nElectron Microscopes → _____"
    )
    assert [c.fraction for c in electron.choices] == [0.0, 1.0, 0.0]
    assert electron.choices[2].text == "A distractor answer."  # offered to one item: a choice for every item
    assert [c.text for c in light.choices] == [c.text for c in electron.choices]
