"""Anki packages written by Anki itself (anki 26.9.3, data/anki_real/make_packages.py): what each note
becomes in tenta, for today's zstd package, the legacy "support older versions" one and a .colpkg."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.anki import import_anki, read_anki_media
from question_bank.formats.detect import import_file
from question_bank.models import Bank, Question, QuestionType

DATA = Path(__file__).parent / "data" / "anki_real"
WEEK_1 = DATA / "vecka1_basic.apkg"
WEEK_2 = DATA / "vecka2_cloze.apkg"
LEGACY = DATA / "kurs_legacy.apkg"
COLLECTION = DATA / "kurs.colpkg"

# prompt -> what tenta should make of the note (topics below the package's common deck, then tags)
BASIC_NOTES: dict[str, dict[str, Any]] = {
    "Vad gör **ReLU** med negativa värden?": {  # Basic: <b> (kept as Markdown), <br>, a list, &nbsp;, &lt;
        "reference": "Den sätter dem till noll:\n\n- f(x) = max(0, x)\n- gradienten är 0 för x < 0",
        "tags": ("aktivering", "vecka1"),
    },
    "överanpassning": {  # Basic (and reversed card): two cards, one question
        "reference": "overfitting & high variance",
        "tags": ("ordlista",),
    },
    "Vad är en *epok*?": {  # Basic (optional reversed card): "Add Reverse" is no answer; <i> kept
        "reference": "Ett varv genom hela träningsdatan.",
        "tags": ("träning",),
    },
    "Vilken kurva visar bilden?\n[image: förlustkurva.png] [sound: uttal.wav]": {
        "reference": "Förlustkurvan – den sjunker för varje epok.",
        "tags": ("bilder",),
        "media": ("förlustkurva.png", "uttal.wav"),
    },
}
TYPED_PROMPT = "Vilken aktiveringsfunktion ger värden mellan 0 och 1?"  # Basic (type in the answer)
CLOZE_NOTES: dict[str, dict[str, Any]] = {
    "_____ beräknar _____ (vad?) med _____.": {  # c1 twice, c2 with a hint
        "reference": "Backpropagation beräknar gradienten med kedjeregeln.",
        "tags": ("gradienter",),
        "feedback": "Se föreläsning 3.",
    },
    "Dropout stänger av neuroner med sannolikheten _____ (en parameter) under träning.": {
        # <b>p</b> in the cloze
        "reference": "Dropout stänger av neuroner med sannolikheten **p** under träning.",
        "tags": ("regularisering",),
        "feedback": "Vid test används alla neuroner.",  # a cloze in Back Extra, shown filled in
    },
}


def _by_prompt(bank: Bank) -> dict[str, Question]:
    return {question.prompt["sv"]: question for question in bank.questions}


def _import_skipping(path: Path) -> tuple[Bank, list[InputFileError]]:
    skipped: list[InputFileError] = []
    return import_anki(path, skipped=skipped), skipped


def _check_notes(bank: Bank, expected: dict[str, dict[str, Any]], deck_topic: str | None) -> None:
    questions = _by_prompt(bank)
    for prompt, want in expected.items():
        question = questions[prompt]
        assert question.type is QuestionType.FREE_TEXT
        assert question.reference_answer == {"sv": want["reference"]}
        assert question.topics == ((deck_topic,) if deck_topic else ()) + want["tags"]
        assert question.media == want.get("media", ())
        assert question.general_feedback == want.get("feedback", "")
        assert question.rubric, prompt


def _check_typed(bank: Bank, deck_topic: str | None) -> None:
    question = _by_prompt(bank)[TYPED_PROMPT]
    assert question.type is QuestionType.SHORT_EXACT
    assert [(choice.text, choice.fraction) for choice in question.choices] == [("sigmoid", 1.0)]
    assert question.reference_answer == {}
    assert not question.rubric
    assert question.topics == ((deck_topic,) if deck_topic else ()) + ("aktivering",)


def test_the_packages_are_the_formats_the_readme_names() -> None:
    def members(path: Path) -> set[str]:
        with zipfile.ZipFile(path) as archive:
            return set(archive.namelist())

    for modern in (WEEK_1, WEEK_2, COLLECTION):
        assert {"collection.anki21b", "collection.anki2", "meta"} <= members(modern)
    assert "collection.anki21" in members(LEGACY)
    assert "collection.anki21b" not in members(LEGACY)


def test_basic_note_types_from_todays_package() -> None:
    bank = import_file(WEEK_1)
    assert (bank.id, bank.title, bank.languages) == ("vecka-1", "Vecka 1", ("sv",))
    assert len(bank.questions) == 5  # five notes, six cards
    _check_notes(bank, BASIC_NOTES, deck_topic=None)
    _check_typed(bank, deck_topic=None)


def test_picture_and_sound_bytes_come_out_of_the_zstd_media() -> None:
    pictures = dict(read_anki_media(WEEK_1, ["förlustkurva.png", "uttal.wav"]))
    assert pictures["förlustkurva.png"].startswith(b"\x89PNG\r\n\x1a\n")
    assert pictures["uttal.wav"][:4] == b"RIFF" and pictures["uttal.wav"][8:12] == b"WAVE"


def test_image_occlusion_refuses_the_package_naming_the_note() -> None:
    with pytest.raises(InputFileErrors) as caught:
        import_anki(WEEK_2)
    [error] = caught.value.errors
    assert error.unsupported
    assert error.line == 3
    assert "note 3 ('Vilket lager är dolt?')" in error.message  # its header, not its mask markup
    assert "image occlusion notes cannot be asked as text" in error.message


def test_bank_import_skip_unsupported_leaves_image_occlusion_out() -> None:
    """What `tenta bank import --skip-unsupported` calls."""
    skipped: list[InputFileError] = []
    bank = import_file(COLLECTION, skipped=skipped)
    assert [error.line for error in skipped] == [8]
    assert len(bank.questions) == 7


@pytest.mark.parametrize("path", [WEEK_2, LEGACY, COLLECTION], ids=lambda path: path.name)
def test_image_occlusion_is_left_out_when_asked(path: Path) -> None:
    bank, skipped = _import_skipping(path)
    assert len(skipped) == 1
    assert "image occlusion" in skipped[0].message
    assert not any("image-occlusion" in question.prompt["sv"] for question in bank.questions)


def test_cloze_notes_from_todays_package() -> None:
    bank, _ = _import_skipping(WEEK_2)
    assert (bank.id, bank.title) == ("vecka-2", "Vecka 2")
    assert len(bank.questions) == 2
    _check_notes(bank, CLOZE_NOTES, deck_topic=None)


@pytest.mark.parametrize("path", [LEGACY, COLLECTION], ids=lambda path: path.name)
def test_whole_course_with_subdecks_as_topics(path: Path) -> None:
    bank, _ = _import_skipping(path)
    assert (bank.id, bank.title) == ("kurs", "Kurs")
    assert len(bank.questions) == 7
    _check_notes(bank, BASIC_NOTES, deck_topic="Vecka 1")
    _check_typed(bank, deck_topic="Vecka 1")
    _check_notes(bank, CLOZE_NOTES, deck_topic="Vecka 2")
    pictures = dict(read_anki_media(path, ["förlustkurva.png"]))
    assert pictures["förlustkurva.png"].startswith(b"\x89PNG")


def test_the_same_note_keeps_its_id_in_every_format() -> None:
    """Anki keeps a note's guid across exports, so re-importing updates rather than duplicates."""
    week_1 = {question.prompt["sv"]: question.id for question in import_anki(WEEK_1).questions}
    for path in (LEGACY, COLLECTION):
        bank, _ = _import_skipping(path)
        assert {
            question.prompt["sv"]: question.id
            for question in bank.questions
            if question.prompt["sv"] in week_1
        } == week_1
