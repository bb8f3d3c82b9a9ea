"""Moodle XML: a realistic Moodle 4 export, unsupported types, hostile and broken files, YAML round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.formats.moodle_xml import import_moodle_xml, looks_like_moodle_xml
from question_bank.formats.yaml_json import dump_yaml, read_native
from question_bank.models import Bank, OutcomeFeedback, QuestionType
from tests.question_bank.conftest import DATA_DIR

EXPORT = DATA_DIR / "moodle_export_dl.xml"


def _choices(bank: Bank, key: str) -> list[tuple[str, float, str]]:
    return [(choice.text, choice.fraction, choice.feedback) for choice in bank.question(key).choices]


def _write(tmp_path: Path, body: str, name: str = "bank.xml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_export_keeps_ids_topics_points_and_skips_descriptions() -> None:
    bank = import_moodle_xml(EXPORT)
    assert [question.id for question in bank.questions] == [
        "DL-dropout-01",  # <idnumber>
        "regulariseringstekniker-flera-svar",  # slug of <name>
        "early-stopping",
        "aktivering",
        "inlarningstakt",  # å ä ö folded into an ASCII id
        "DL-cnn-essay",
    ]  # the "Instruktioner" description is not a question
    dropout = bank.question("DL-dropout-01")
    assert dropout.topics == ("Regularisering", "tenta-2024", "grundläggande")  # category, then tags
    assert bank.question("early-stopping").topics == ("Träning",)  # "$course$/top/Default for DL101" gone
    assert dropout.max_points == 2.0  # <defaultgrade>
    assert bank.languages == ("sv", "en")


def test_multichoice_with_html_feedback_and_negative_fraction() -> None:
    bank = import_moodle_xml(EXPORT)
    dropout = bank.question("DL-dropout-01")
    assert dropout.type is QuestionType.MULTIPLE_CHOICE
    assert dropout.prompt == {"sv": "Vad gör Dropout under träningen?"}  # <p>/<strong> markup gone
    assert dropout.general_feedback == "Dropout är en regulariseringsteknik (Srivastava m.fl. 2014)."
    assert _choices(bank, "DL-dropout-01") == [
        ("Stänger slumpvis av neuroner", 1.0, "Rätt!"),
        ("Ökar inlärningstakten", 0.0, ""),
        ("Tar bort lager permanent", -0.5, "Nej, lagren finns kvar."),
    ]


def test_multiple_answer_multichoice_keeps_partial_weights_and_names_the_image() -> None:
    bank = import_moodle_xml(EXPORT)
    several = bank.question("regulariseringstekniker-flera-svar")
    assert _choices(bank, "regulariseringstekniker-flera-svar") == [
        ("L2-regularisering", 0.5, ""),
        ("Early stopping", 0.5, ""),
        ("Fler epoker", -1.0, "Det ökar risken för överanpassning."),
    ]
    # an @@PLUGINFILE@@ image without alt text is named by its file; the base64 <file> blob is not text
    assert (
        several.prompt["sv"]
        == "Vilka av följande är regulariseringstekniker?\n\n[image: overfitting kurva.png]"
    )


def test_truefalse_shortanswer_and_numerical() -> None:
    bank = import_moodle_xml(EXPORT)
    assert bank.question("early-stopping").type is QuestionType.TRUE_FALSE
    assert _choices(bank, "early-stopping") == [
        ("True", 1.0, "Rätt."),
        ("False", 0.0, "Fel, läs om early stopping."),
    ]
    assert bank.question("aktivering").type is QuestionType.SHORT_EXACT
    assert _choices(bank, "aktivering") == [
        ("ReLU", 1.0, "Rätt"),
        ("rectifier*", 0.5, "Nästan, ge det vanliga namnet."),  # Moodle wildcard kept for the grader
    ]
    rate = bank.question("inlarningstakt")
    assert rate.type is QuestionType.NUMERICAL
    # the "*" (any other answer) entry is no accepted value; its feedback is kept for wrong answers
    assert [(a.value, a.tolerance, a.fraction, a.feedback) for a in rate.numerical] == [
        (0.001, 0.0001, 1.0, "Rätt."),
        (0.01, 0.001, 0.5, ""),
    ]
    assert rate.general_feedback == ""
    assert rate.outcome_feedback == OutcomeFeedback(incorrect="Se Kingma & Ba (2015).")


def test_essay_reference_comes_from_grader_info_as_readable_text() -> None:
    essay = import_moodle_xml(EXPORT).question("DL-cnn-essay")
    assert essay.type is QuestionType.FREE_TEXT
    assert essay.topics == ("CNN", "essä")
    assert essay.max_points == 5.0
    assert essay.reference_in("en") == (
        "A CNN applies learned convolution filters that slide over the image and detect local patterns "
        "such as edges.\n\n"
        "- Pooling layers reduce the spatial size and make the features robust to small shifts.\n"
        "- Deeper layers combine simple features into shapes and objects."
    )
    assert essay.general_feedback == "Se föreläsning 4."  # kept apart from the reference answer
    assert 2 <= len(essay.rubric) <= 6


def test_essay_falls_back_to_general_feedback_and_plain_xml_without_text_children(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """<quiz><question type="essay"><name>Backprop</name>
        <questiontext><text>Förklara backpropagation.</text></questiontext>
        <generalfeedback format="markdown"><text>Gradients flow backwards with the chain rule.</text>
        </generalfeedback></question></quiz>""",
    )
    essay = import_moodle_xml(path).question("Backprop")
    assert essay.reference_in("en") == "Gradients flow backwards with the chain rule."
    assert essay.general_feedback == ""


def test_unsupported_types_and_bad_questions_are_all_reported_and_nothing_imported() -> None:
    with pytest.raises(InputFileErrors) as caught:
        import_moodle_xml(DATA_DIR / "moodle_unsupported.xml")
    errors = {error.field: error for error in caught.value.errors}
    assert set(errors) == {"Order the layers", "Essay without model answer", "Bad fraction"}
    assert errors["Order the layers"].line == 9
    assert "ordering" in errors["Order the layers"].reason
    assert "not supported" in errors["Order the layers"].reason
    assert errors["Essay without model answer"].line == 15
    assert "reference answer" in errors["Essay without model answer"].reason
    assert errors["Bad fraction"].line == 21
    assert "'lots' is not a number" in errors["Bad fraction"].reason
    assert "moodle_unsupported.xml:9: Order the layers:" in str(caught.value)


def test_a_cloze_gap_tenta_cannot_read_is_named_in_the_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<?xml version="1.0"?>\n<quiz>\n<question type="cloze"><name><text>Städer</text></name>'
        "<questiontext><text>{1:SHORTANSWER:=Paris} och {1:SHORTANSWER:Lyon}</text></questiontext>"
        "</question>\n</quiz>",
    )
    with pytest.raises(InputFileErrors) as caught:
        import_moodle_xml(path)
    [error] = caught.value.errors
    assert (error.line, error.field) == (3, "Städer")
    assert error.reason.startswith("Cloze gap 2 ({1:SHORTANSWER:Lyon}): no right answer")


def test_a_cloze_question_with_one_gap_is_one_question(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<?xml version="1.0"?>\n<quiz>\n<question type="cloze"><name><text>Huvudstad</text></name>'
        '<questiontext format="html"><text><![CDATA[<p>Frankrikes huvudstad är '
        "{2:SA:=Paris#Rätt!~%50%paris\\}#Nästan}.</p>]]></text></questiontext>"
        "<idnumber>geo-1</idnumber></question>\n</quiz>",
    )
    notes: list[str] = []
    (question,) = import_file(path, notes=notes).questions
    assert (question.id, question.type, question.max_points) == ("geo-1", QuestionType.SHORT_EXACT, 2.0)
    assert question.prompt_in(next(iter(question.prompt))) == "Frankrikes huvudstad är _____."
    assert [(c.text, c.fraction, c.feedback) for c in question.choices] == [
        ("Paris", 1.0, "Rätt!"),
        ("paris}", 0.5, "Nästan"),  # \} is a literal brace
    ]
    assert notes == []  # one gap: nothing split


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "<quiz>\n  <question type='truefalse'>\n    <name><text>x</name>\n</quiz>\n")
    with pytest.raises(InputFileError) as caught:
        import_moodle_xml(path)
    assert caught.value.line == 3
    assert "not well-formed XML" in caught.value.reason
    assert str(path) in str(caught.value)


def test_entity_expansion_bomb_is_refused_quickly(tmp_path: Path) -> None:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10 if level > 1 else "&lol;" * 10}">'
        for level in range(1, 10)
    ]
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [\n'
        + "\n".join(entities)
        + "\n]>\n<quiz><question type='essay'><name><text>&lol9;</text></name></question></quiz>\n"
    )
    with pytest.raises(InputFileError) as caught:
        import_moodle_xml(_write(tmp_path, bomb))
    assert "entity" in caught.value.reason
    assert caught.value.line == 3  # the first entity declaration


def test_external_entity_cannot_read_local_files(tmp_path: Path) -> None:
    secret = _write(tmp_path, "top secret", "secret.txt")
    path = _write(
        tmp_path,
        f'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY s SYSTEM "file://{secret}">]>\n'
        "<quiz><question type='truefalse'><name><text>&s;</text></name></question></quiz>",
    )
    with pytest.raises(InputFileError) as caught:
        import_moodle_xml(path)
    assert "top secret" not in str(caught.value)


def test_other_xml_is_not_a_moodle_export(tmp_path: Path) -> None:
    path = _write(tmp_path, '<?xml version="1.0"?>\n<assessmentItem identifier="q1"/>\n')
    with pytest.raises(InputFileError, match=r"expected <quiz>"):
        import_moodle_xml(path)
    assert not looks_like_moodle_xml(path.read_text(encoding="utf-8"))
    assert looks_like_moodle_xml(EXPORT.read_text(encoding="utf-8"))
    assert looks_like_moodle_xml("\ufeff<!-- export -->\n<quiz>\n</quiz>")


def test_windows_1252_file_and_escaped_slash_in_category(tmp_path: Path) -> None:
    path = tmp_path / "fragor.xml"
    path.write_bytes(
        '<?xml version="1.0" encoding="windows-1252"?>\n<quiz>\n'
        '<question type="category"><category><text>$course$/top/Default for HT//VT 2024/Övning'
        "</text></category></question>\n"
        '<question type="truefalse"><name><text>Fråga</text></name>'
        "<questiontext><text>Är ReLU linjär för x &gt; 0?</text></questiontext>"
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        "</question>\n</quiz>\n".encode("cp1252")
    )
    question = import_moodle_xml(path).question("fraga")
    assert question.prompt == {"sv": "Är ReLU linjär för x > 0?"}
    assert question.topics == ("Övning",)  # "Default for HT/VT 2024" is one (dropped) category name


def test_round_trip_through_native_yaml(tmp_path: Path) -> None:
    bank = import_moodle_xml(EXPORT)
    path = tmp_path / "bank.yaml"
    path.write_text(dump_yaml(bank), encoding="utf-8")
    assert read_native(path) == bank


def test_moodle_xml_is_recognised_by_suffix_and_by_content(tmp_path: Path) -> None:
    from question_bank.formats.detect import detect_format, import_file

    assert detect_format(EXPORT) == "moodle-xml"
    saved_as_text = tmp_path / "export.txt"
    saved_as_text.write_bytes(EXPORT.read_bytes())
    assert detect_format(saved_as_text) == "moodle-xml"
    assert import_file(saved_as_text).questions == import_file(EXPORT).questions


def test_skipping_leaves_out_only_questions_tenta_has_no_type_for(tmp_path: Path) -> None:
    without_bad_fraction = tmp_path / "export.xml"
    text = (DATA_DIR / "moodle_unsupported.xml").read_text(encoding="utf-8")
    without_bad_fraction.write_text(
        text[: text.index('  <question type="multichoice">')] + "</quiz>\n", encoding="utf-8"
    )
    skipped: list[InputFileError] = []
    bank = import_moodle_xml(without_bad_fraction, skipped=skipped)
    assert [question.type for question in bank.questions] == [QuestionType.TRUE_FALSE]
    assert [(problem.line, problem.field) for problem in skipped] == [
        (9, "Order the layers"),
        (15, "Essay without model answer"),
    ]
    with pytest.raises(InputFileErrors) as caught:
        import_moodle_xml(DATA_DIR / "moodle_unsupported.xml", skipped=[])
    assert [error.field for error in caught.value.errors] == ["Bad fraction"]


def _moodle_round_trip(bank: Bank, tmp_path: Path) -> Bank:
    from question_bank.formats.moodle_xml import dump_moodle_xml

    path = tmp_path / "export.xml"
    path.write_text(dump_moodle_xml(bank), encoding="utf-8")
    return import_moodle_xml(path)


@pytest.mark.parametrize(
    "source", ["moodle_export_dl.xml", "moodle_export_dl.gift.txt", "handwritten_en.gift"]
)
def test_moodle_xml_round_trip_keeps_every_question_moodle_can_hold(source: str, tmp_path: Path) -> None:
    from question_bank.formats.detect import import_file

    bank = import_file(DATA_DIR / source)
    again = _moodle_round_trip(bank, tmp_path)
    assert len(again.questions) == len(bank.questions)
    for before, after in zip(bank.questions, again.questions, strict=True):
        assert (after.id, after.type, after.prompt, after.topics) == (
            before.id,
            before.type,
            before.prompt,
            before.topics,
        )
        assert (after.choices, after.numerical, after.max_points) == (
            before.choices,
            before.numerical,
            before.max_points,
        )
        assert (after.general_feedback, after.reference_answer) == (
            before.general_feedback,
            before.reference_answer,
        )


def test_moodle_xml_export_of_the_bundled_course_keeps_code_and_swedish_text(tmp_path: Path) -> None:
    from question_bank.loader import BankCatalog

    bank = BankCatalog(None).load("dl-course")
    again = _moodle_round_trip(bank, tmp_path)
    language = bank.languages[0]
    for before, after in zip(bank.questions, again.questions, strict=True):
        assert after.prompt_in(language) == before.prompt_in(language)
        assert after.code == before.code
        assert after.reference_in(language) == before.reference_in(language)
        assert after.max_points == before.max_points


def _question_xml(kind: str, name: str, answers: str, extra: str = "") -> str:
    return (
        f'<question type="{kind}"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text><![CDATA[<p>Which of these are {name}?</p>]]></text>'
        "</questiontext>"
        f"{extra}{answers}</question>"
    )


def test_multiple_response_plugins_become_multiple_choice_with_equal_shares(tmp_path: Path) -> None:
    """multichoiceset (all-or-nothing) and oumultiresponse mark every right answer 100 %."""
    answers = "".join(
        f'<answer fraction="{fraction}"><text>{text}</text></answer>'
        for text, fraction in (("two", 100), ("four", 100), ("three", 0))
    )
    path = _write(
        tmp_path,
        "<quiz>"
        + _question_xml("multichoiceset", "even", answers)
        + _question_xml("oumultiresponse", "doubles", answers)
        + "</quiz>",
    )
    bank = import_moodle_xml(path)
    assert _choices(bank, "even") == [("two", 0.5, ""), ("four", 0.5, ""), ("three", 0.0, "")]
    assert _choices(bank, "doubles") == [("two", 0.5, ""), ("four", 0.5, ""), ("three", -0.5, "")]
    assert bank.question("even").type is QuestionType.MULTIPLE_CHOICE
    assert bank.question("even").all_or_nothing and not bank.question("doubles").all_or_nothing


def test_moodle_19_image_element_is_named_in_the_prompt(tmp_path: Path) -> None:
    answers = '<answer fraction="100"><text>yes</text></answer><answer fraction="0"><text>no</text></answer>'
    extra = "<image>pics/net%20diagram.png</image><image_base64>iVBORw0KGgo=</image_base64>"
    path = _write(tmp_path, "<quiz>" + _question_xml("multichoice", "routers", answers, extra) + "</quiz>")
    assert import_moodle_xml(path).question("routers").prompt_in("en") == (
        "Which of these are routers?\n\n[image: net diagram.png]"
    )


def test_html_whitespace_collapses_but_auto_format_keeps_its_line_breaks(tmp_path: Path) -> None:
    body = (
        '<quiz><question type="truefalse"><name><text>html</text></name>'
        '<questiontext format="html"><text><![CDATA[<p>\n  TCP carries\n      email  (SMTP)?\n</p>]]></text>'
        "</questiontext>"
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        '</question><question type="truefalse"><name><text>auto</text></name>'
        '<questiontext format="moodle_auto_format"><text><![CDATA[Line <b>one</b>\nline two]]></text>'
        "</questiontext>"
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
        "</question></quiz>"
    )
    bank = import_moodle_xml(_write(tmp_path, body))
    assert bank.question("html").prompt_in("en") == "TCP carries email (SMTP)?"
    assert bank.question("auto").prompt_in("en") == "Line one\nline two"


def test_grader_information_with_a_marking_scheme_gives_weighted_key_points(tmp_path: Path) -> None:
    """Moodle's 'Information for graders' as teachers write it: a model answer, then criteria with points
    in a list. The criteria become the rubric; the question keeps its own default grade."""
    graderinfo = (
        "<p><strong>Modellsvar:</strong> Dropout stänger slumpmässigt av neuroner under träningen, vilket "
        "minskar överanpassning.</p><p><strong>Bedömning:</strong></p><ol>"
        "<li>Nämner att neuroner stängs av slumpmässigt (1 p)</li>"
        "<li>Förklarar att det minskar överanpassning (2 p)</li>"
        "<li>Att det bara sker under träning, inte vid prediktion (1 p)</li></ol>"
    )
    path = _write(
        tmp_path,
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        '  <question type="essay">\n'
        "    <name><text>Dropout</text></name>\n"
        '    <questiontext format="html"><text><![CDATA[<p>Vad gör dropout och varför används det?</p>]]>'
        "</text></questiontext>\n"
        "    <defaultgrade>4.0000000</defaultgrade>\n"
        f'    <graderinfo format="html"><text><![CDATA[{graderinfo}]]></text></graderinfo>\n'
        "  </question>\n</quiz>\n",
    )

    bank = import_moodle_xml(path)

    (question,) = bank.questions
    assert question.reference_answer == {
        "sv": "Dropout stänger slumpmässigt av neuroner under träningen, vilket minskar överanpassning."
    }
    assert [(point.text, point.weight) for point in question.rubric] == [
        ("Neuroner stängs av slumpmässigt", 0.25),  # shares of the question's 4 points
        ("Det minskar överanpassning", 0.5),
        ("Att det bara sker under träning, inte vid prediktion", 0.25),
    ]
    assert question.max_points == 4.0
    assert bank.languages == ("sv",)


def test_html_in_a_question_name_is_left_out_of_its_id(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """<quiz><question type="truefalse">
<name><text><![CDATA[Primes <strong>only</strong>: x > 1 & x < 2]]></text></name>
<questiontext format="html">
<text><![CDATA[<p>There is no integer strictly between 1 and 2.</p>]]></text></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
</question></quiz>""",
    )
    assert [question.id for question in import_moodle_xml(path).questions] == ["primes-only-x-1-x-2"]


def test_all_or_nothing_exports_as_core_multichoice_where_a_wrong_tick_costs_everything(
    tmp_path: Path,
) -> None:
    """Core Moodle has no all-or-nothing type (multichoiceset is a plugin a site may lack, and an unknown
    type stops Moodle's import): shares for the correct choices, -100 % for the others."""
    from question_bank.formats.moodle_xml import dump_moodle_xml
    from question_bank.models import Bank, Choice, Question

    question = Question(
        id="even",
        type=QuestionType.MULTIPLE_CHOICE,
        prompt={"en": "Which are even?"},
        choices=(Choice(text="two", fraction=1.0), Choice(text="three"), Choice(text="four", fraction=1.0)),
        all_or_nothing=True,
    )
    path = tmp_path / "out.xml"
    path.write_text(dump_moodle_xml(Bank(id="b", title="B", questions=(question,))), encoding="utf-8")
    assert '<question type="multichoice">' in path.read_text(encoding="utf-8")
    assert _choices(import_moodle_xml(path), "even") == [
        ("two", 0.5, ""),
        ("three", -1.0, ""),
        ("four", 0.5, ""),
    ]


def test_essay_grader_information_under_a_heading_has_its_criteria_as_reference(tmp_path: Path) -> None:
    """graderinfo '<h4>Grading notes</h4><p>Marking:</p><ul>…' gave the model answer 'Grading notes'."""
    path = _write(
        tmp_path,
        """<?xml version="1.0" encoding="UTF-8"?>
<quiz><question type="essay"><name><text>CNN weights</text></name>
  <questiontext format="html"><text>Why do CNNs need fewer weights than dense networks?</text></questiontext>
  <defaultgrade>4</defaultgrade>
  <graderinfo format="html"><text><![CDATA[<h4>Grading notes</h4><p>Marking:</p><ul>
    <li>(2 p) explains that weights are shared across positions</li>
    <li>(2 p) mentions local receptive fields</li></ul>]]></text></graderinfo>
</question></quiz>""",
    )
    (question,) = import_moodle_xml(path).questions
    assert question.reference_in("en") == "Weights are shared across positions. Local receptive fields."
    assert [(point.text, point.weight) for point in question.rubric] == [
        ("Weights are shared across positions", 0.5),
        ("Local receptive fields", 0.5),
    ]


def test_drag_and_drop_into_text_chooses_among_the_gaps_group(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """<?xml version="1.0"?>
<quiz><question type="ddwtos"><name><text>Lager</text></name>
<questiontext format="html">
<text><![CDATA[<p>[[1]] minskar upplösningen; [[2]] ger icke-linjäritet.</p>]]></text></questiontext>
<defaultgrade>2</defaultgrade>
<correctfeedback format="html"><text>Bra!</text></correctfeedback>
<dragbox><text>Pooling</text><group>1</group></dragbox>
<dragbox><text>ReLU</text><group>2</group></dragbox>
<dragbox><text>Dropout</text><group>1</group></dragbox>
<dragbox><text>Softmax</text><group>2</group></dragbox>
</question></quiz>""",
    )
    first, second = import_file(path).questions
    assert first.prompt_in(next(iter(first.prompt))) == "_____ minskar upplösningen; […] ger icke-linjäritet."
    assert [(c.text, c.fraction) for c in first.choices] == [("Pooling", 1.0), ("Dropout", 0.0)]
    assert [(c.text, c.fraction) for c in second.choices] == [("ReLU", 1.0), ("Softmax", 0.0)]
    assert (first.max_points, second.max_points) == (1.0, 1.0)
    assert first.general_feedback == ""
    assert first.outcome_feedback == second.outcome_feedback == OutcomeFeedback(correct="Bra!")


def test_a_gap_naming_no_option_is_an_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<?xml version="1.0"?>\n<quiz>\n<question type="gapselect"><name><text>Fel</text></name>'
        "<questiontext><text>The [[3]] sat.</text></questiontext>"
        "<selectoption><text>cat</text><group>1</group></selectoption></question>\n</quiz>",
    )
    with pytest.raises(InputFileErrors) as caught:
        import_moodle_xml(path)
    [error] = caught.value.errors
    assert (error.line, error.field) == (3, "Fel")
    assert error.reason == "gap [[3]] names no answer: the question has 1"


def test_the_category_a_moodle_export_was_made_of_titles_the_bank() -> None:
    """Moodle's own fixture of an export of category Iota with its subcategories (Kappa, Kappa/Lambda, Mu;
    Kappa's essay has no model answer and is left out): the bank is titled Iota (was: the file name, also
    under `tenta bank import --id`), its id still the file's. An export whose questions sit in sibling
    categories under Moodle's 'Default for DL101' names no category of its own and keeps the file name."""
    nested = import_file(DATA_DIR / "real3" / "moodle_nested_categories_with_questions.xml", skipped=[])
    assert (nested.id, nested.title) == ("moodle-nested-categories-with-questions", "Iota")
    assert {topic for question in nested.questions for topic in question.topics} == {
        "Iota",
        "Iota/Kappa",
        "Iota/Kappa/Lambda",
        "Iota/Mu",
    }
    assert import_moodle_xml(EXPORT).title == "moodle export dl"


def test_an_html_question_links_its_own_sound_file_as_a_sound(tmp_path: Path) -> None:
    """Moodle's editor links an uploaded recording as <a href="@@PLUGINFILE@@/…mp3">, which Moodle's media
    filter plays in place: the prompt marks it '[sound: name]' in HTML texts as in Markdown ones (it read
    as the bare link text 'uttal.mp3'); a link to another kind of file keeps its text."""
    path = _write(
        tmp_path,
        """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="essay">
    <name><text>Uttal</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Lyssna: <a href="@@PLUGINFILE@@/uttal.mp3">uttal.mp3</a>
        och läs <a href="@@PLUGINFILE@@/regler.pdf">reglerna</a>.</p>]]></text>
      <file name="uttal.mp3" path="/" encoding="base64">SUQz</file>
      <file name="regler.pdf" path="/" encoding="base64">JVBERi0=</file>
    </questiontext>
    <graderinfo format="html"><text>Ett svar.</text></graderinfo>
  </question>
</quiz>
""",
    )
    prompt = import_moodle_xml(path).questions[0].prompt_in("sv")
    assert "Lyssna: [sound: uttal.mp3]" in prompt
    assert "reglerna" in prompt and "[sound: regler" not in prompt
