"""Anki export: the written .apkg is a real Anki 2.1 package (zip + SQLite collection) that tenta's own
Anki importer reads back with the same prompts, reference answers and media bytes."""

from __future__ import annotations

import html
import json
import os
import sqlite3
import tempfile
import zipfile
from contextlib import closing
from pathlib import Path

import genanki
import pytest

from question_bank.errors import TentaError
from question_bank.formats.anki import import_anki
from question_bank.formats.anki_export import FIELDS, deck_id, note_guid, note_type_id, write_anki_package
from question_bank.formats.export_losses import export_losses
from question_bank.formats.media import read_media
from question_bank.formats.media_files import bank_media_names
from question_bank.loader import BankCatalog
from question_bank.models import Bank
from tests.question_bank.test_media import ANATOMY_FILES, ANATOMY_NOTES, MP3, PNG, write_media_package


def _collection(package: Path, folder: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", folder)
    return sqlite3.connect(folder / "collection.anki2")


def _notes(package: Path, folder: Path) -> list[dict[str, str]]:
    """Each note's fields by name, plus its guid and tags."""
    with closing(_collection(package, folder)) as connection:
        rows = connection.execute("SELECT guid, tags, flds FROM notes ORDER BY id").fetchall()
    return [
        {**dict(zip(FIELDS, fields.split("\x1f"), strict=True)), "guid": guid, "tags": tags.strip()}
        for guid, tags, fields in rows
    ]


@pytest.fixture(scope="module")
def dl_course() -> Bank:
    return BankCatalog(None).load("dl-course")


def test_dl_course_round_trips_through_tentas_anki_importer(dl_course: Bank, tmp_path: Path) -> None:
    package = tmp_path / "dl.apkg"
    assert write_anki_package(dl_course, package) == []
    again = import_anki(package)
    main = dl_course.languages[0]
    assert again.title == dl_course.title
    assert len(again.questions) == len(dl_course.questions) == 12
    for original, read in zip(dl_course.questions, again.questions, strict=True):
        assert list(read.prompt.values()) == [original.prompt_in(main)], original.id
        assert list(read.reference_answer.values()) == [original.reference_in(main)], original.id
        assert read.topics == original.topics
    assert [question.id for question in again.questions] == [q.id for q in dl_course.questions]


def test_package_is_a_zip_with_an_anki_collection_of_one_note_per_question(
    dl_course: Bank, tmp_path: Path
) -> None:
    package = tmp_path / "dl.apkg"
    write_anki_package(dl_course, package)
    mask = os.umask(0)
    os.umask(mask)
    assert package.stat().st_mode & 0o777 == 0o666 & ~mask  # a plain new file, not mkstemp's 0600
    with zipfile.ZipFile(package) as archive:
        assert archive.testzip() is None
        assert set(archive.namelist()) == {"collection.anki2", "media"}
        assert json.loads(archive.read("media")) == {}
    with closing(_collection(package, tmp_path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM notes").fetchone() == (12,)
        assert connection.execute("SELECT count(*) FROM cards").fetchone() == (12,)
        decks_json, models_json = connection.execute("SELECT decks, models FROM col").fetchone()
        card_decks = {row[0] for row in connection.execute("SELECT DISTINCT did FROM cards")}
    decks = json.loads(decks_json)
    assert decks[str(deck_id(dl_course))]["name"] == dl_course.title
    assert card_decks == {deck_id(dl_course)}
    model = json.loads(models_json)[str(note_type_id(dl_course))]
    assert [field["name"] for field in model["flds"]] == list(FIELDS)


def test_note_fields_show_both_languages_code_and_weighted_key_points(
    dl_course: Bank, tmp_path: Path
) -> None:
    package = tmp_path / "dl.apkg"
    write_anki_package(dl_course, package)
    notes = {note["Id"]: note for note in _notes(package, tmp_path)}
    with_code = next(question for question in dl_course.questions if question.code is not None)
    note = notes[with_code.id]
    assert note["Prompt"] == with_code.prompt["sv"]
    assert note["OtherPrompt"] == with_code.prompt["en"]
    assert note["Answer"] == html.escape(with_code.reference_answer["sv"]).replace("\n", "<br>")
    assert note["OtherAnswer"] == html.escape(with_code.reference_answer["en"]).replace("\n", "<br>")
    assert note["Code"].startswith('<pre><code class="language-python">from tensorflow.keras')
    assert "activation=&#x27;relu&#x27;" in note["Code"] and "\n" in note["Code"]
    assert note["guid"] == note_guid(dl_course, with_code)
    assert note["tags"].split() == list(with_code.topics)
    first_point = with_code.rubric[0]
    assert note["KeyPoints"].startswith("<ul><li>")
    assert note["KeyPoints"].count("<li>") == len(with_code.rubric)
    points = round(first_point.weight * with_code.max_points, 3)
    assert f"({first_point.weight * 100:.3g}%, {points:g} p)" in note["KeyPoints"]
    assert note["Choices"] == ""


def test_ids_are_stable_so_a_new_export_updates_the_notes(dl_course: Bank, tmp_path: Path) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    write_anki_package(dl_course, first)
    updated = dl_course.model_copy(update={"version": "2"})
    write_anki_package(updated, second)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert [note["guid"] for note in _notes(first, tmp_path / "a")] == [
        note["guid"] for note in _notes(second, tmp_path / "b")
    ]
    other = dl_course.model_copy(update={"id": "other-course"})
    assert deck_id(other) != deck_id(dl_course) and note_type_id(other) != note_type_id(dl_course)
    assert 2**30 <= deck_id(dl_course) < 2**31 and 2**30 <= note_type_id(dl_course) < 2**31
    guids = {note_guid(dl_course, question) for question in dl_course.questions}
    assert len(guids) == 12


def _exact_types_bank() -> Bank:
    return Bank.model_validate(
        {
            "id": "mixed",
            "title": "Mixed <types>",
            "languages": ["en"],
            "questions": [
                {
                    "id": "mc",
                    "type": "multiple_choice",
                    "prompt": {"en": "Which are activation functions?\nPick all & only those."},
                    "choices": [
                        {"text": "ReLU", "fraction": 0.5},
                        {"text": "Adam", "fraction": -0.5, "feedback": "An optimizer."},
                        {"text": "a < b", "fraction": 0},
                        {"text": "sigmoid", "fraction": 0.5},
                    ],
                    "topics": ["neural networks"],
                },
                {
                    "id": "num",
                    "type": "numerical",
                    "prompt": {"en": "How many weights has Dense(3) on 4 inputs, biases included?"},
                    "numerical": [{"value": 15, "tolerance": 0}],
                },
                {
                    "id": "exact",
                    "type": "short_exact",
                    "prompt": {"en": "Name the optimizer with momentum and RMS scaling."},
                    "choices": [{"text": "Adam", "fraction": 1}],
                },
            ],
        }
    )


def test_choices_are_lettered_on_the_front_and_correct_answers_on_the_back(tmp_path: Path) -> None:
    bank = _exact_types_bank()
    package = tmp_path / "mixed.apkg"
    write_anki_package(bank, package)
    mc, num, exact = _notes(package, tmp_path)
    assert mc["Prompt"] == "Which are activation functions?<br>Pick all &amp; only those."
    assert mc["Choices"] == '<ol type="A"><li>ReLU</li><li>Adam</li><li>a &lt; b</li><li>sigmoid</li></ol>'
    assert mc["Answer"] == '<div class="correct">Correct:<br>A. ReLU (50%)<br>D. sigmoid (50%)</div>'
    assert mc["tags"] == "neural_networks"
    assert num["Answer"] == '<div class="correct">Accepted: 15</div>'
    assert exact["Choices"] == ""  # the accepted answers of a short answer are not shown before answering
    assert exact["Answer"] == '<div class="correct">Accepted: Adam</div>'
    again = import_anki(package)
    assert again.title == "Mixed <types>"
    assert [question.reference_in("en") for question in again.questions] == [
        "Correct:\nA. ReLU (50%)\nD. sigmoid (50%)",
        "Accepted: 15",
        "Accepted: Adam",
    ]
    assert again.questions[0].prompt_in("en") == "Which are activation functions?\nPick all & only those."


def test_self_graded_loss_is_one_line_for_the_bank(dl_course: Bank) -> None:
    mixed = _exact_types_bank()
    mixed = mixed.model_copy(
        update={
            "questions": (
                mixed.questions[0].model_copy(update={"all_or_nothing": True}),
                *mixed.questions[1:],
            )
        }
    )
    losses = export_losses(mixed, "anki")
    assert len(losses) == 1
    assert losses[0].startswith("Anki cards are self-graded")
    assert losses[0].endswith("the feedback on single choices and values is left out")
    assert export_losses(dl_course, "anki") == [losses[0].split(";")[0]]


def _anatomy(tmp_path: Path) -> tuple[Bank, dict[str, Path]]:
    """A bank with a picture and a sound, imported from an Anki package; its media files in a folder."""
    source = write_media_package(tmp_path / "anatomy.apkg", ANATOMY_NOTES, ANATOMY_FILES, latest=True)
    bank = import_anki(source)
    folder = tmp_path / "anatomy.media"
    folder.mkdir()
    files = {}
    for name, content in read_media(source, bank_media_names(bank)).items():
        files[name] = folder / name
        files[name].write_bytes(content)
    return bank, files


def test_media_go_into_the_package_and_survive_the_round_trip(tmp_path: Path) -> None:
    bank, files = _anatomy(tmp_path)
    package = tmp_path / "out" / "anatomy-export.apkg"
    package.parent.mkdir()
    assert write_anki_package(bank, package, files) == ["femur x-ray.png", "uttal.mp3"]
    bone = _notes(package, tmp_path)[0]
    assert bone["Prompt"] == 'Which bone is this? <img src="femur x-ray.png"> [sound:uttal.mp3]'
    with zipfile.ZipFile(package) as archive:
        media_map = json.loads(archive.read("media"))
        assert {name: archive.read(member) for member, name in media_map.items()} == {
            "femur x-ray.png": PNG,
            "uttal.mp3": MP3,
        }
    again = import_anki(package)
    assert again.questions[0].prompt_in("en") == bank.questions[0].prompt_in("en")
    assert again.questions[0].media == ("femur x-ray.png", "uttal.mp3")
    assert read_media(package, bank_media_names(again)) == {"femur x-ray.png": PNG, "uttal.mp3": MP3}


def test_media_no_marker_places_is_shown_after_the_prompt(tmp_path: Path) -> None:
    bank, files = _anatomy(tmp_path)
    bone = bank.questions[0]
    unmarked = bone.model_copy(update={"prompt": {"en": "Which bone is this?"}})
    bank = bank.model_copy(update={"questions": (unmarked, *bank.questions[1:])})
    package = tmp_path / "unmarked.apkg"
    write_anki_package(bank, package, files)
    assert _notes(package, tmp_path)[0]["Prompt"] == (
        'Which bone is this?<br><img src="femur x-ray.png"> [sound:uttal.mp3]'
    )


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(dl_course: Bank, tmp_path: Path) -> None:
    bank, files = _anatomy(tmp_path)
    target = tmp_path / "out"
    target.mkdir()
    package = target / "deck.apkg"
    package.write_bytes(b"the previous export")
    files["uttal.mp3"].unlink()  # vanishes between listing and packing
    with pytest.raises(TentaError, match="cannot write"):
        write_anki_package(bank, package, files)
    assert package.read_bytes() == b"the previous export"
    assert [path.name for path in target.iterdir()] == ["deck.apkg"]
    with pytest.raises(TentaError, match="cannot write"):
        write_anki_package(dl_course, tmp_path / "missing-folder" / "deck.apkg")


def test_importer_takes_an_id_field_and_falls_back_to_the_guid_when_it_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decks other tools make with genanki often carry an ID field: reused or unusable ids give way."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # genanki leaves its temporary collection behind
    model = genanki.Model(
        1_607_392_319,
        "Vocab",
        fields=[{"name": "ID"}, {"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{Back}}"}],
    )
    deck = genanki.Deck(2_059_400_110, "Words")
    for fields, guid in [
        (["w-1", "hund", "dog"], "g1"),
        (["w-1", "katt", "cat"], "g2"),
        (["w 3!", "ko", "cow"], "g3"),
    ]:
        deck.add_note(genanki.Note(model=model, fields=fields, guid=guid))
    package = tmp_path / "words.apkg"
    genanki.Package(deck).write_to_file(package)
    bank = import_anki(package)
    assert [question.id for question in bank.questions] == ["w-1", "g2", "g3"]
    assert [question.reference_in("en") for question in bank.questions] == ["dog", "cat", "cow"]
