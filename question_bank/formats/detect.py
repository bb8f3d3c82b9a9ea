"""`tenta bank import FILE`: pick the importer from the file's extension, or its content when ambiguous.

Moodle exports GIFT as .txt and people save exams as .txt or .md, so a .txt/.md file is sniffed:
a <quiz> root -> Moodle XML; a QTI root -> QTI; GIFT answer blocks, titles or categories -> GIFT; a CSV
header naming question and reference_answer, Blackboard's tab-separated upload lines (MC, TF …) or
Brightspace's question CSV (NewQuestion rows, formats/brightspace_csv.py) -> CSV;
`ANSWER: X` after options -> Aiken; otherwise a numbered Markdown/text exam, or, when its questions have
text2qti's answer markers (`*b)`, `[*]`, `____`) or it starts `Quiz title:`, a text2qti quiz (read under the
name markdown by formats/text2qti.py), or, when lettered answers are marked `*b.` or it has `Type:` lines or
an `Answers:` key, Respondus's Standard Format (formats/respondus_text.py). An .xml file is QTI when
its root is <questestinterop>, <assessmentItem> or <assessmentTest>, else Moodle XML. A Blackboard .dat
file is QTI or, from Blackboard 6, a <POOL> (formats/blackboard_pool.py), both imported under the name
qti. Anki packages (.apkg, .colpkg) and QTI packages (.zip) are zip files and go by their suffix only, as
do Excel workbooks (.xlsx, .xlsm).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from question_bank.errors import InputFileError
from question_bank.formats.aiken import dump_aiken, import_aiken, looks_like_aiken
from question_bank.formats.anki import import_anki
from question_bank.formats.anki_export import write_anki_package
from question_bank.formats.blackboard_pool import import_blackboard_pool, looks_like_blackboard_pool
from question_bank.formats.blackboard_upload import import_blackboard_upload, looks_like_blackboard_upload
from question_bank.formats.brightspace_csv import import_brightspace_csv, looks_like_brightspace_csv
from question_bank.formats.common import read_text, starts_like_zip
from question_bank.formats.csv_rows import import_csv, looks_like_csv
from question_bank.formats.gift import dump_gift, import_gift, looks_like_gift
from question_bank.formats.moodle_xml import dump_moodle_xml, import_moodle_xml, looks_like_moodle_xml
from question_bank.formats.qti import import_qti, looks_like_manifest, looks_like_qti, unpacked_manifest
from question_bank.formats.qti_export import write_qti_package
from question_bank.formats.respondus_text import import_respondus, written_for_respondus
from question_bank.formats.seed_markdown import import_seed_markdown
from question_bank.formats.spreadsheet import OTHER_SPREADSHEETS, WORKBOOK_SUFFIXES, import_xlsx
from question_bank.formats.text2qti import import_text2qti, looks_like_text2qti
from question_bank.formats.yaml_json import dump_json, dump_yaml, read_native
from question_bank.models import Bank

Importer = Callable[[Path], Bank]


class SkippingImporter(Protocol):
    """An importer of a format with question kinds tenta has no type for (Moodle's matching, Cloze …)."""

    def __call__(self, path: Path, *, skipped: list[InputFileError] | None = None) -> Bank: ...


FORMATS: dict[str, Importer] = {
    "yaml": read_native,
    "json": read_native,
    "gift": import_gift,
    "csv": import_csv,
    "markdown": import_seed_markdown,
    "moodle-xml": import_moodle_xml,
    "anki": import_anki,
    "qti": import_qti,
    "aiken": import_aiken,
    "xlsx": import_xlsx,
}
EXPORTERS: dict[str, Callable[[Bank], str]] = {
    "yaml": dump_yaml,
    "json": dump_json,
    "gift": dump_gift,
    "moodle-xml": dump_moodle_xml,
    "aiken": dump_aiken,
}
"""Writers of a bank, by format name (tenta's own YAML/JSON, and what Moodle imports)."""
PackageWriter = Callable[[Bank, Path, Mapping[str, Path]], list[str]]
PACKAGE_EXPORTERS: dict[str, PackageWriter] = {"anki": write_anki_package, "qti": write_qti_package}
"""Writers of a bank as a binary package file, by format name: (bank, file, media files by name) -> the
media names packed. They write the file atomically and cannot print to stdout."""
SKIPPING: dict[str, SkippingImporter] = {
    "anki": import_anki,  # Image Occlusion notes
    "csv": import_csv,
    "gift": import_gift,
    "moodle-xml": import_moodle_xml,
    "qti": import_qti,
}
_BY_SUFFIX = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".gift": "gift",
    ".csv": "csv",
    ".tsv": "csv",
    ".xml": "moodle-xml",
    ".mbz": "moodle-xml",  # a Moodle course backup: its question bank is read
    ".apkg": "anki",
    ".colpkg": "anki",
    ".zip": "qti",
    ".qti": "qti",
    ".imscc": "qti",
    **dict.fromkeys([*WORKBOOK_SUFFIXES, *OTHER_SPREADSHEETS], "xlsx"),  # the others get a clear error
}


def detect_format(path: Path) -> str:
    """The name of the format `path` is written in (a key of FORMATS)."""
    return _detect(path)[0]


def _detect(path: Path) -> tuple[str, str | None]:
    """The format's name and, when telling it took reading the file, the file's text: the importer takes
    it from there instead of reading the file again (which a pipe, `<(unzip -p …)`, cannot give twice)."""
    if path.is_dir() and unpacked_manifest(path):
        return "qti", None  # a package unpacked into a folder (macOS Safari unpacks a downloaded .zip)
    by_suffix = _BY_SUFFIX.get(path.suffix.lower())
    if by_suffix == "moodle-xml" and path.suffix.lower() == ".xml":
        text = read_text(path, windows_encodings=True)
        return ("qti" if looks_like_qti(text) or looks_like_manifest(text) else by_suffix), text
    if by_suffix == "qti" and path.suffix.lower() == ".zip" and _is_moodle_backup_zip(path):
        return "moodle-xml", None
    if by_suffix:
        return by_suffix, None
    text = read_text(path, windows_encodings=True)
    return _format_of_text(text), text


def _format_of_text(text: str) -> str:
    """The format of a file whose suffix does not tell, from its content."""
    stripped = text.lstrip()
    if looks_like_moodle_xml(text):
        return "moodle-xml"
    if looks_like_qti(text) or looks_like_blackboard_pool(text):
        return "qti"  # Blackboard's .dat files: QTI, or the older pool layout (read by its own module)
    if stripped.startswith(("{", "[")) and not looks_like_gift(text):
        return "json"
    if looks_like_csv(text) or looks_like_blackboard_upload(text) or looks_like_brightspace_csv(text):
        return "csv"  # Blackboard "Upload Questions" and Brightspace question CSVs: read under this name
    if looks_like_gift(text):
        return "gift"
    if looks_like_aiken(text):
        return "aiken"
    if stripped.startswith(("id:", "title:", "questions:", "---\nid:")):
        return "yaml"
    return "markdown"


_MOODLE_BACKUP_ROOTS = frozenset({"moodle.xml", "moodle_backup.xml"})
"""What a Moodle backup zip holds at its root: moodle.xml (Moodle 1.9, backup-<course>-<date>.zip) or
moodle_backup.xml (a .mbz of Moodle 2.0–2.5, a zip, renamed)."""


def _is_moodle_backup_zip(path: Path) -> bool:
    """A zip with a Moodle backup's root file and no QTI/Common Cartridge manifest."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False  # the QTI reader names what is wrong with the file
    return "imsmanifest.xml" not in names and bool(names & _MOODLE_BACKUP_ROOTS)


def _unpacked_text(path: Path) -> str | None:
    """The text of a file that is no zip package (whose members the importer reads), to tell a Blackboard
    pool from QTI or an upload file from CSV; None for a package, also a damaged one (whose importer
    says so, rather than calling its bytes text that is not UTF-8)."""
    if path.is_dir() or zipfile.is_zipfile(path) or starts_like_zip(path):
        return None
    return read_text(path, windows_encodings=True)


def import_file(
    path: Path | str,
    format_name: str | None = None,
    *,
    skipped: list[InputFileError] | None = None,
    notes: list[str] | None = None,
) -> Bank:
    """A validated Bank from any supported file; only TentaError subclasses escape, and nothing half-done.

    With a `skipped` list, questions of kinds tenta has no type for are recorded there and left out
    instead of failing the import (the other formats have no such questions). A `notes` list gets how
    the file was read where there was a choice (which sheet of a workbook) or what was left out (a
    picture a QTI package lacks, a Moodle description or QTI text-only item, which are no questions)."""
    path = Path(path)
    name, text = (format_name, None) if format_name else _detect(path)
    if name == "xlsx":
        return import_xlsx(path, notes=notes, skipped=skipped)
    if name in ("qti", "csv") and text is None:
        text = _unpacked_text(path)
    if name == "qti" and text is not None and looks_like_blackboard_pool(text):
        return import_blackboard_pool(path, text, skipped=skipped, notes=notes)
    if name == "qti":
        return import_qti(path, skipped=skipped, notes=notes)
    if name == "csv" and text is not None and looks_like_blackboard_upload(text):
        return import_blackboard_upload(path, text, skipped=skipped, notes=notes)
    if name == "csv" and text is not None and looks_like_brightspace_csv(text):
        return import_brightspace_csv(path, text, skipped=skipped, notes=notes)
    if name == "gift":
        return import_gift(path, skipped=skipped, notes=notes)
    if name == "moodle-xml":
        return import_moodle_xml(path, skipped=skipped, notes=notes)
    if name == "csv":
        return import_csv(path, skipped=skipped, notes=notes)
    if name == "markdown":
        text = read_text(path, windows_encodings=True) if text is None else text
        if written_for_respondus(text):
            return import_respondus(path, text, skipped=skipped, notes=notes)
        if looks_like_text2qti(text):
            return import_text2qti(path, text, skipped=skipped, notes=notes)
    if skipped is not None and name in SKIPPING:
        return SKIPPING[name](path, skipped=skipped)
    return FORMATS[name](path)
