"""Anki .apkg/.colpkg: packages built here with Anki's real schemas (11 in collection.anki2/.anki21,
18 zstd-compressed in collection.anki21b next to Anki's dummy collection.anki2)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import zstandard

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats import anki
from question_bank.formats.anki import import_anki

BASIC, REVERSED, CLOZE = 1001, 1002, 1003
NOTE_TYPES = {
    BASIC: ("Basic", ["Front", "Back"]),
    REVERSED: ("Basic (and reversed card)", ["Front", "Back"]),
    CLOZE: ("Cloze", ["Text", "Back Extra"]),
}
DEFAULT_DECK = 1


@dataclass
class Note:
    fields: list[str]
    guid: str
    note_type: int = BASIC
    tags: list[str] = field(default_factory=list)
    deck: int = DEFAULT_DECK
    card_decks: list[int] = field(default_factory=list)  # one card per entry (ord 0, 1, …); default: one


LEGACY_SCHEMA = """
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
  ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
  models text not null, decks text not null, dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
  usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
  flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null,
  ord integer not null, mod integer not null, usn integer not null, type integer not null,
  queue integer not null, due integer not null, ivl integer not null, factor integer not null,
  reps integer not null, lapses integer not null, left integer not null, odue integer not null,
  odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null,
  ease integer not null, ivl integer not null, lastIvl integer not null, factor integer not null,
  time integer not null,
  type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
"""
MODERN_TABLES = """
CREATE TABLE notetypes (id integer NOT NULL PRIMARY KEY, name text NOT NULL COLLATE unicase,
  mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL);
CREATE UNIQUE INDEX idx_notetypes_name ON notetypes (name);
CREATE TABLE fields (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE unicase,
  config blob NOT NULL, PRIMARY KEY (ntid, ord)) without rowid;
CREATE UNIQUE INDEX idx_fields_name_ntid ON fields (name, ntid);
CREATE TABLE decks (id integer PRIMARY KEY NOT NULL, name text NOT NULL COLLATE unicase,
  mtime_secs integer NOT NULL, usn integer NOT NULL, common blob NOT NULL, kind blob NOT NULL);
CREATE UNIQUE INDEX idx_decks_name ON decks (name);
"""


def _unicase(left: str, right: str) -> int:
    return (left.casefold() > right.casefold()) - (left.casefold() < right.casefold())


def write_collection(database: Path, notes: list[Note], decks: dict[int, str], *, modern: bool) -> None:
    """An Anki collection: schema 11 (note types and decks as JSON in col) or 18 (their own tables)."""
    connection = sqlite3.connect(database)
    connection.create_collation("unicase", _unicase)
    connection.executescript(LEGACY_SCHEMA + (MODERN_TABLES if modern else ""))
    decks = {DEFAULT_DECK: "Default", **decks}
    models = {
        str(ntid): {
            "id": ntid,
            "name": name,
            "type": 1 if ntid == CLOZE else 0,
            "flds": [{"name": field_name, "ord": ord_} for ord_, field_name in enumerate(names)],
        }
        for ntid, (name, names) in NOTE_TYPES.items()
    }
    deck_json = {str(did): {"id": did, "name": name, "dyn": 0} for did, name in decks.items()}
    connection.execute(
        "INSERT INTO col VALUES (1, 0, 0, 0, ?, 0, 0, 0, '{}', ?, ?, '{}', '{}')",
        (18 if modern else 11, "" if modern else json.dumps(models), "" if modern else json.dumps(deck_json)),
    )
    if modern:
        for ntid, (name, names) in NOTE_TYPES.items():
            config = b"\x08\x01" if ntid == CLOZE else b""
            connection.execute("INSERT INTO notetypes VALUES (?, ?, 0, 0, ?)", (ntid, name, config))
            connection.executemany(
                "INSERT INTO fields VALUES (?, ?, ?, x'')",
                [(ntid, ord_, field_name) for ord_, field_name in enumerate(names)],
            )
        connection.executemany(
            "INSERT INTO decks VALUES (?, ?, 0, 0, x'', x'')",
            [(did, name.replace("::", "\x1f")) for did, name in decks.items()],
        )
    card_id = 1
    for note_id, note in enumerate(notes, start=1700000000000):
        tags = f" {' '.join(note.tags)} " if note.tags else ""
        connection.execute(
            "INSERT INTO notes VALUES (?, ?, ?, 0, 0, ?, ?, ?, 0, 0, '')",
            (note_id, note.guid, note.note_type, tags, "\x1f".join(note.fields), note.fields[0]),
        )
        for ord_, deck in enumerate(note.card_decks or [note.deck]):
            connection.execute(
                "INSERT INTO cards VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                (card_id, note_id, deck, ord_),
            )
            card_id += 1
    connection.commit()
    connection.close()


def write_package(
    path: Path, notes: list[Note], decks: dict[int, str] | None = None, *, version: str = "legacy1"
) -> Path:
    """An .apkg as Anki writes it: 'legacy1' (2.0), 'legacy2' (2.1 compat) or 'latest' (>= 2.1.50)."""
    work = path.parent / f"{path.name}.work"
    work.mkdir()
    database = work / "collection.db"
    write_collection(database, notes, decks or {}, modern=version == "latest")
    dummy = work / "dummy.db"
    dummy_note = Note(["Please update to the latest Anki version, then import the .apkg again.", ""], "dummy")
    write_collection(dummy, [dummy_note], {}, modern=False)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if version == "latest":
            archive.writestr("meta", b"\x08\x03")  # PackageMetadata { version: LATEST }
            compressor = zstandard.ZstdCompressor()
            chunks = compressor.compressobj()  # streamed like Anki: no content size in the frame header
            compressed = chunks.compress(database.read_bytes()) + chunks.flush()
            archive.writestr("collection.anki21b", compressed, zipfile.ZIP_STORED)
            archive.writestr("collection.anki2", dummy.read_bytes(), zipfile.ZIP_STORED)
            archive.writestr("media", compressor.compress(b""), zipfile.ZIP_STORED)
        elif version == "legacy2":
            archive.write(database, "collection.anki21")
            archive.write(dummy, "collection.anki2")
            archive.writestr("media", "{}")
        else:
            archive.write(database, "collection.anki2")
            archive.writestr("media", json.dumps({"0": "relu.png"}))
            archive.writestr("0", b"\x89PNG fake image")
    return path


def test_legacy_basic_deck_with_html_tags_and_two_subdecks(tmp_path: Path) -> None:
    notes = [
        Note(
            [
                "<div>What does a <b>convolutional</b> layer learn?</div>",
                "Local filters shared across the image.<br>They detect edges and textures.",
            ],
            guid="f1aB2",
            tags=["cnn", "exam::2023", "leech"],
            deck=11,
        ),
        Note(
            [
                'Why use ReLU? <img src="relu.png" alt="ReLU plot">[sound:relu.mp3]',
                "It avoids vanishing gradients.",
            ],
            guid="Xy#9{q",
            deck=12,
        ),
    ]
    path = write_package(
        tmp_path / "dl.apkg",
        notes,
        {10: "Deep learning", 11: "Deep learning::CNN", 12: "Deep learning::Activations"},
    )
    bank = import_anki(path)
    assert (bank.id, bank.title, bank.languages) == ("deep-learning", "Deep learning", ("en",))
    first, second = bank.questions
    # <b> is kept as Markdown, <br> as its line break (test_anki_markdown.py)
    assert first.prompt == {"en": "What does a **convolutional** layer learn?"}
    assert first.reference_answer == {
        "en": "Local filters shared across the image.\\\nThey detect edges and textures."
    }
    assert first.topics == ("CNN", "cnn", "exam::2023")  # deck below the common deck, then tags; no 'leech'
    assert first.id == "f1aB2" and first.number == 1
    assert second.prompt["en"] == "Why use ReLU? [image: ReLU plot]"
    assert second.topics == ("Activations",)
    assert second.id.startswith("anki-")  # base91 guid made into a valid, stable id
    assert 1 <= len(first.rubric) <= 6


def test_reversed_note_is_one_question_not_one_per_card(tmp_path: Path) -> None:
    notes = [
        Note(["Epoch", "One pass over the whole training set."], "rev1", REVERSED, card_decks=[21, 22]),
        Note(["Batch", "The examples used for one gradient step."], "rev2", REVERSED, card_decks=[22, 21]),
    ]
    path = write_package(
        tmp_path / "terms.apkg", notes, {20: "Terms", 21: "Terms::Forward", 22: "Terms::Back"}
    )
    bank = import_anki(path)
    assert [(q.id, q.prompt["en"], q.topics) for q in bank.questions] == [
        ("rev1", "Epoch", ("Forward",)),  # the deck of the note's first card
        ("rev2", "Batch", ("Back",)),
    ]


def test_cloze_notes_are_blanked_in_the_prompt_and_filled_in_the_reference(tmp_path: Path) -> None:
    notes = [
        Note(
            [
                "{{c1::Dropout::teknik}} stänger av {{c2::slumpvisa neuroner}} under träningen.",
                "Minskar <i>överanpassning</i>.",
            ],
            "cz1",
            CLOZE,
        ),
        Note(["Nested: {{c1::outer {{c2::inner}} part}} done.", ""], "cz2", CLOZE),
    ]
    bank = import_anki(write_package(tmp_path / "cloze.apkg", notes))
    first, second = bank.questions
    assert first.prompt == {"sv": "_____ (teknik) stänger av _____ under träningen."}
    assert first.reference_answer == {"sv": "Dropout stänger av slumpvisa neuroner under träningen."}
    assert first.general_feedback == "Minskar *överanpassning*."  # <i> kept as Markdown
    assert second.prompt["sv"] == "Nested: _____ done."
    assert second.reference_answer["sv"] == "Nested: outer inner part done."
    assert bank.title == "cloze"  # everything in Anki's Default deck: titled by the file


def test_modern_anki21b_package_reads_fields_table_not_the_dummy(tmp_path: Path) -> None:
    notes = [
        Note(
            ["Vad är en aktiveringsfunktion?", "En icke-linjär funktion som appliceras på varje neuron."],
            "m1",
            deck=31,
        ),
        Note(
            ["Vad gör <b>max pooling</b>?", "Den behåller det största värdet i varje fönster."],
            "m2",
            deck=32,
            tags=["cnn"],
        ),
    ]
    decks = {30: "Kurs", 31: "Kurs::Grunder", 32: "Kurs::CNN::Pooling"}
    path = write_package(tmp_path / "kurs.apkg", notes, decks, version="latest")
    with zipfile.ZipFile(path) as archive:
        assert archive.read("collection.anki21b").startswith(b"\x28\xb5\x2f\xfd")  # really zstd
    bank = import_anki(path)
    assert (bank.title, bank.languages) == ("Kurs", ("sv",))
    assert [q.prompt["sv"] for q in bank.questions] == [
        "Vad är en aktiveringsfunktion?",
        "Vad gör **max pooling**?",  # <b> kept as Markdown
    ]
    assert bank.questions[1].reference_answer == {"sv": "Den behåller det största värdet i varje fönster."}
    assert [q.topics for q in bank.questions] == [("Grunder",), ("CNN::Pooling", "cnn")]


def test_legacy2_anki21_is_preferred_over_the_dummy_anki2(tmp_path: Path) -> None:
    notes = [Note(["Vad är en epok?", "Ett helt varv genom träningsdatan."], "l2", deck=5)]
    bank = import_anki(write_package(tmp_path / "epok.apkg", notes, {5: "Övningar"}, version="legacy2"))
    assert [(q.prompt, q.reference_answer) for q in bank.questions] == [
        ({"sv": "Vad är en epok?"}, {"sv": "Ett helt varv genom träningsdatan."})
    ]
    assert bank.title == "Övningar" and bank.id == "ovningar"


def test_colpkg_with_several_top_decks_is_titled_by_file_and_keeps_full_deck_paths(tmp_path: Path) -> None:
    notes = [
        Note(["What is a tensor?", "A multi-dimensional array of numbers."], "c1", deck=41),
        Note(
            ["What is backpropagation?", "Computing gradients layer by layer with the chain rule."],
            "c2",
            deck=42,
        ),
    ]
    decks = {40: "Math", 41: "Math::Linear algebra", 42: "Deep learning"}
    bank = import_anki(write_package(tmp_path / "my_collection.colpkg", notes, decks, version="latest"))
    assert bank.title == "my collection"
    assert [q.topics for q in bank.questions] == [("Math::Linear algebra",), ("Deep learning",)]


def test_empty_fields_are_reported_by_note_and_nothing_is_imported(tmp_path: Path) -> None:
    notes = [
        Note(["What is overfitting?", "Learning noise in the training data."], "ok1"),
        Note(
            ["What is a learning rate, and how do you choose a good one for SGD?", "<div><br></div>"], "bad1"
        ),
        Note(["[sound:only.mp3]", "An answer without a question."], "bad2"),
    ]
    with pytest.raises(InputFileErrors) as caught:
        import_anki(write_package(tmp_path / "bad.apkg", notes))
    messages = [error.message for error in caught.value.errors]
    assert messages == [
        f"{tmp_path / 'bad.apkg'}: note 2 ('What is a learning rate, and how do you choose a…'): "
        "reference answer (field 'Back') is empty",
        f"{tmp_path / 'bad.apkg'}: note 3: prompt (field 'Front') is empty",
    ]


def test_image_occlusion_notes_are_reported(tmp_path: Path) -> None:
    notes = [Note(["{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:height=.1}}", ""], "io1", CLOZE)]
    with pytest.raises(InputFileErrors, match="image occlusion notes cannot be asked as text"):
        import_anki(write_package(tmp_path / "io.apkg", notes))


def test_not_a_zip_and_zip_without_collection_are_clean_errors(tmp_path: Path) -> None:
    text = tmp_path / "deck.apkg"
    text.write_text("front\tback\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"deck\.apkg: not an Anki package .*not a readable zip"):
        import_anki(text)
    empty = tmp_path / "empty.apkg"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("media", "{}")
    with pytest.raises(
        InputFileError, match=r"empty\.apkg: not an Anki package: the zip holds no collection"
    ):
        import_anki(empty)
    garbage = tmp_path / "garbage.apkg"
    with zipfile.ZipFile(garbage, "w") as archive:
        archive.writestr("collection.anki2", b"this is not sqlite")
    with pytest.raises(InputFileError, match=r"garbage\.apkg: collection\.anki2 is not an SQLite collection"):
        import_anki(garbage)
    with pytest.raises(InputFileError, match="file not found"):
        import_anki(tmp_path / "missing.apkg")


def test_truncated_zstd_and_sqlite_without_anki_tables_are_clean_errors(tmp_path: Path) -> None:
    good = write_package(tmp_path / "good.apkg", [Note(["Q?", "A."], "g")], version="latest")
    with zipfile.ZipFile(good) as archive:
        compressed = archive.read("collection.anki21b")
    truncated = tmp_path / "truncated.apkg"
    with zipfile.ZipFile(truncated, "w") as archive:
        archive.writestr("collection.anki21b", compressed[: len(compressed) // 2])
    with pytest.raises(InputFileError, match=r"truncated\.apkg"):
        import_anki(truncated)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE things (id integer)")
    connection.close()
    foreign = tmp_path / "foreign.apkg"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.write(other, "collection.anki2")
    with pytest.raises(InputFileError, match="not an Anki collection: no cards, col, notes table"):
        import_anki(foreign)


def test_oversized_collection_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_package(tmp_path / "big.apkg", [Note(["Q?", "A."], "b")], version="latest")
    monkeypatch.setattr(anki, "MAX_MEMBER_BYTES", 4096)  # the collection unpacks to more than this
    with pytest.raises(InputFileError, match="unpacks to more than"):
        import_anki(path)


def test_ids_are_stable_across_reexports_and_edits(tmp_path: Path) -> None:
    notes = [
        Note(["What is a GPU good at?", "Parallel matrix multiplication."], "Ab3$x!"),
        Note(["What is a kernel?", "A small weight matrix slid over the input."], "k2"),
    ]
    first = import_anki(write_package(tmp_path / "one.apkg", notes))
    edited = [Note(["What is a kernel?", "A small filter slid over the input."], "k2"), notes[0]]
    second = import_anki(write_package(tmp_path / "two.apkg", edited, version="latest"))
    assert {q.id: q.prompt["en"] for q in first.questions} == {q.id: q.prompt["en"] for q in second.questions}
    assert first.question("k2").reference_answer != second.question("k2").reference_answer


def test_apkg_and_colpkg_are_recognised_by_tenta_bank_import(tmp_path: Path) -> None:
    from question_bank.formats.detect import detect_format, import_file

    notes = [Note(["Vad är en epok?", "Ett helt varv genom träningsdatat."], guid="ep0k", deck=10)]
    for name in ("kurs.apkg", "kurs.colpkg"):
        path = write_package(tmp_path / name, notes, {10: "Kurs"})
        assert detect_format(path) == "anki"
        assert import_file(path).questions[0].prompt == {"sv": "Vad är en epok?"}
