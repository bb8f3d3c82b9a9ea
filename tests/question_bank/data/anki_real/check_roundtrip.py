"""Check that packages `tenta bank export --format anki` writes go into a real Anki collection whole.

Not run by the test suite: it needs the `anki` package, which tenta does not depend on. From the
repository root, with a scratch virtual environment outside it:

    python3 -m venv /tmp/ankienv && /tmp/ankienv/bin/pip install anki
    /tmp/ankienv/bin/python tests/question_bank/data/anki_real/check_roundtrip.py

In a temporary TENTA_DATA_DIR it imports two banks with pictures or sound (a Moodle XML export and an Anki
package Anki wrote), exports them and the bundled dl-course with the repository's `.venv/bin/tenta`, then
imports each package into a fresh collection with Anki's own importer, as File > Import does. It prints
what Anki holds (notes, fields, tags, decks, media), checks every question became one note whose Id
field is the question id, that every card renders, that Anki's media check finds no missing or unused
file, and that importing the same package, or a later export of the bank, again adds no copies. It exits
non-zero on the first mismatch.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from anki.buildinfo import version as anki_version
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
TENTA = REPO / ".venv" / "bin" / "tenta"
BANKS_TO_IMPORT = (
    REPO / "tests/question_bank/data/moodle_export_dl.xml",  # a picture
    HERE / "vecka1_basic.apkg",  # a picture and a sound
)


def tenta(data_dir: Path, *arguments: str) -> str:
    environment = {**os.environ, "TENTA_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    done = subprocess.run(
        [str(TENTA), *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"tenta {' '.join(arguments)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def fail(message: str) -> None:
    sys.exit(f"MISMATCH: {message}")


def import_into_anki(col: Collection, package: Path) -> tuple[int, int, int]:
    """(new, updated, unchanged) notes of one import, as Anki's File > Import with default options."""
    request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
    log = col.import_anki_package(request).log
    return len(log.new), len(log.updated), len(log.duplicate)


def check_bank(work: Path, data_dir: Path, bank_id: str) -> None:
    package = work / f"{bank_id}.apkg"
    print(tenta(data_dir, "bank", "export", bank_id, "--format", "anki", "--out", str(package)).strip())
    bank_file = data_dir / "banks" / f"{bank_id}.yaml"
    if bank_file.exists():
        bank = yaml.safe_load(bank_file.read_text(encoding="utf-8"))
    else:  # the bundled bank: ask tenta for it
        bank = yaml.safe_load(tenta(data_dir, "bank", "export", bank_id, "--format", "yaml"))
    questions = {question["id"]: question for question in bank["questions"]}
    listed_media = {name for question in questions.values() for name in question.get("media", [])}

    (work / f"{bank_id}-anki").mkdir()
    col = Collection(str(work / f"{bank_id}-anki" / "collection.anki2"))
    new, updated, _ = import_into_anki(col, package)
    print(f"  Anki import: {new} new notes, {updated} updated")
    note_ids = col.find_notes("")
    if new != len(questions) or len(note_ids) != len(questions):
        fail(f"{bank_id}: {len(questions)} questions but {new} new notes, {len(note_ids)} in the collection")
    decks = sorted(
        name for name in (deck.name for deck in col.decks.all_names_and_ids()) if name != "Default"
    )
    print(f"  decks: {decks}")
    if decks != [bank["title"].strip()]:
        fail(f"{bank_id}: decks {decks}, expected the bank title {bank['title']!r}")
    media_dir = Path(col.media.dir())
    in_anki = sorted(path.name for path in media_dir.iterdir())
    print(f"  media in Anki: {in_anki} (bank lists {sorted(listed_media)})")
    if set(in_anki) != listed_media:
        fail(f"{bank_id}: media in Anki {in_anki} != media the bank lists {sorted(listed_media)}")
    media_check = col.media.check()
    if media_check.missing or media_check.unused:
        missing, unused = list(media_check.missing), list(media_check.unused)
        fail(f"{bank_id}: Anki's media check: missing {missing}, unused {unused}")
    for note_id in note_ids:
        note = col.get_note(note_id)
        question = questions.get(note["Id"])
        if question is None:
            fail(f"{bank_id}: note {note_id} has Id {note['Id']!r}, no question of the bank")
            return
        expected_tags = sorted({re.sub(r"\s+", "_", topic.strip()) for topic in question.get("topics", [])})
        if sorted(note.tags) != sorted(expected_tags):
            fail(f"{bank_id}/{note['Id']}: tags {note.tags} != topics {expected_tags}")
        for card in note.cards():
            card.question()
            card.answer()  # raises if the template cannot render
        for name in question.get("media", []):
            if name not in note["Prompt"]:
                fail(f"{bank_id}/{note['Id']}: the Prompt field does not show {name!r}")
        shown = {name: value[:70] for name, value in note.items() if value}
        print(f"  {note['Id']}: tags {note.tags}; fields {shown}")
    for what, again in (
        ("the same package", package),
        ("a later export", export_later(data_dir, bank_id, work)),
    ):
        new_again, updated_again, unchanged = import_into_anki(col, again)
        notes_now = len(col.find_notes(""))
        media_now = sorted(path.name for path in media_dir.iterdir())
        print(f"  {what} again: {new_again} new, {updated_again} updated, {unchanged} unchanged")
        if new_again or notes_now != len(questions) or media_now != in_anki:
            fail(f"{bank_id}: importing {what} again left {notes_now} notes, media {media_now}")
    col.close()


def export_later(data_dir: Path, bank_id: str, work: Path) -> Path:
    """The bank exported again a second later: Anki updates notes whose package copy is newer."""
    time.sleep(1.1)
    package = work / f"{bank_id}-later.apkg"
    tenta(data_dir, "bank", "export", bank_id, "--format", "anki", "--out", str(package))
    return package


def main() -> None:
    print(f"anki {anki_version}, tenta {TENTA}")
    with tempfile.TemporaryDirectory(prefix="tenta-anki-roundtrip-") as folder:
        work = Path(folder)
        data_dir = work / "tenta-data"
        for source in BANKS_TO_IMPORT:
            said = tenta(data_dir, "bank", "import", str(source)).splitlines()
            print(" ".join(line.strip() for line in said if not line.startswith("/")))
        for bank_id in ("dl-course", "moodle-export-dl", "vecka-1"):
            check_bank(work, data_dir, bank_id)
    print("OK: every bank came through")


if __name__ == "__main__":
    main()
