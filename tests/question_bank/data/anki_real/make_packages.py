"""Write the Anki packages in this folder with Anki's own backend, as Anki's File > Export does.

Not part of tenta and not run by the test suite: it needs the `anki` package, which tenta does not depend
on. Run it from a scratch virtual environment outside the repository:

    python3 -m venv /tmp/ankienv && /tmp/ankienv/bin/pip install anki
    /tmp/ankienv/bin/python tests/question_bank/data/anki_real/make_packages.py

It builds one collection in a temporary folder (a deck "Kurs" with subdecks "Kurs::Vecka 1" for the
Basic note types and "Kurs::Vecka 2" for Cloze and Image Occlusion), then exports it: each subdeck in
today's package format, the whole deck in the legacy format ("Support older Anki versions"), and the whole
collection as a .colpkg. Anki stamps ids, guids and times, so a rerun writes different bytes and note
guids; the tests check content, not ids.
"""

from __future__ import annotations

import struct
import sys
import tempfile
import wave
import zlib
from pathlib import Path

from anki.buildinfo import version as anki_version
from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

HERE = Path(__file__).resolve().parent


def tiny_png() -> bytes:
    """A 4x4 red PNG, written by hand so the script needs nothing but anki."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def tiny_wav(folder: Path) -> bytes:
    """A tenth of a second of silence."""
    path = folder / "tyst.wav"
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * 800)
    return path.read_bytes()


def add(col: Collection, notetype: str, deck_id: int, fields: dict[str, str], tags: list[str]) -> None:
    model = col.models.by_name(notetype)
    if model is None:
        sys.exit(f"this Anki has no note type {notetype!r}")
    note = col.new_note(model)
    for name, value in fields.items():
        note[name] = value
    note.tags = tags
    col.add_note(note, deck_id)


def fill_week_1(col: Collection, deck_id: int, picture: str, sound: str) -> None:
    add(
        col,
        "Basic",
        deck_id,
        {
            "Front": "Vad gör <b>ReLU</b> med negativa värden?",
            "Back": "Den sätter dem till noll:<br><ul><li>f(x) = max(0, x)</li>"
            "<li>gradienten är 0 för x&nbsp;&lt;&nbsp;0</li></ul>",
        },
        ["aktivering", "vecka1"],
    )
    add(
        col,
        "Basic (and reversed card)",
        deck_id,
        {"Front": "överanpassning", "Back": "overfitting &amp; high variance"},
        ["ordlista"],
    )
    add(
        col,
        "Basic (optional reversed card)",
        deck_id,
        {"Front": "Vad är en <i>epok</i>?", "Back": "Ett varv genom hela träningsdatan.", "Add Reverse": "y"},
        ["träning"],
    )
    add(
        col,
        "Basic (type in the answer)",
        deck_id,
        {"Front": "Vilken aktiveringsfunktion ger värden mellan 0 och 1?", "Back": "sigmoid"},
        ["aktivering"],
    )
    add(
        col,
        "Basic",
        deck_id,
        {
            "Front": f'Vilken kurva visar bilden?<br><img src="{picture}"> [sound:{sound}]',
            "Back": "Förlustkurvan &ndash; den sjunker för varje epok.",
        },
        ["bilder"],
    )


def fill_week_2(col: Collection, deck_id: int, picture: str) -> None:
    add(
        col,
        "Cloze",
        deck_id,
        {
            "Text": "{{c1::Backpropagation}} beräknar {{c2::gradienten::vad?}} med {{c1::kedjeregeln}}.",
            "Back Extra": "Se föreläsning 3.",
        },
        ["gradienter"],
    )
    add(
        col,
        "Cloze",
        deck_id,
        {
            "Text": "Dropout stänger av neuroner med sannolikheten {{c1::<b>p</b>::en parameter}}"
            " under träning.",
            "Back Extra": "Vid test används {{c2::alla neuroner}}.",
        },
        ["regularisering"],
    )
    col.add_image_occlusion_notetype()
    model = col.models.by_name("Image Occlusion")
    if model is None:
        sys.exit("this Anki has no Image Occlusion note type")
    col.add_image_occlusion_note(
        notetype_id=model["id"],
        image_path=str(Path(col.media.dir()) / picture),
        occlusions="{{c1::image-occlusion:rect:left=.1:top=.1:width=.4:height=.4:oi=1}}",
        header="Vilket lager är dolt?",
        back_extra="Det första faltningslagret.",
        tags=["bilder"],
    )
    col.decks.select(deck_id)  # add_image_occlusion_note adds to the current deck
    last = max(col.find_notes(""))
    col.set_deck(col.card_ids_of_note(last), deck_id)


def export_deck(col: Collection, deck_id: int, name: str, legacy: bool) -> None:
    options = ExportAnkiPackageOptions(
        with_scheduling=False, with_deck_configs=False, with_media=True, legacy=legacy
    )
    col.export_anki_package(out_path=str(HERE / name), options=options, limit=DeckIdLimit(deck_id))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="make-anki-") as folder:
        work = Path(folder)
        col = Collection(str(work / "collection.anki2"))
        picture = col.media.write_data("förlustkurva.png", tiny_png())
        sound = col.media.write_data("uttal.wav", tiny_wav(work))
        course = col.decks.id("Kurs")
        week_1 = col.decks.id("Kurs::Vecka 1")
        week_2 = col.decks.id("Kurs::Vecka 2")
        assert course and week_1 and week_2
        fill_week_1(col, week_1, picture, sound)
        col.decks.select(week_2)
        fill_week_2(col, week_2, picture)
        export_deck(col, week_1, "vecka1_basic.apkg", legacy=False)
        export_deck(col, week_2, "vecka2_cloze.apkg", legacy=False)
        export_deck(col, course, "kurs_legacy.apkg", legacy=True)
        col.export_collection_package(str(HERE / "kurs.colpkg"), include_media=True, legacy=False)
    print(f"wrote 4 packages with anki {anki_version} into {HERE}")


if __name__ == "__main__":
    main()
