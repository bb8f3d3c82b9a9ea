"""The bytes of an imported bank's pictures and sound, read from the file it was imported from.

Importers only list file names on each question (`Question.media`), so a bank stays small and
validating a file never holds its media in memory; `read_media` fetches the bytes when the bank is
installed. Each format keeps media its own way: an Anki package in numbered zip members, Moodle XML as
base64 `<file>` elements, a QTI package in the members its items refer to (a single QTI file in the files
beside it), a native YAML/JSON bank in the media folder beside it (as `tenta bank import`
leaves it). Every file and the total are bounded in size.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path

from question_bank.errors import InputFileError
from question_bank.formats.anki import read_anki_media
from question_bank.formats.detect import detect_format
from question_bank.formats.media_files import (
    MAX_MEDIA_FILE_BYTES,
    MAX_MEDIA_TOTAL_BYTES,
    media_folder,
)
from question_bank.formats.moodle_xml import read_moodle_media
from question_bank.formats.qti import read_qti_media

MediaReader = Callable[[Path, Collection[str]], Iterable[tuple[str, bytes]]]


def _read_beside(path: Path, names: Collection[str]) -> Iterator[tuple[str, bytes]]:
    """A native bank's media: the files in the media folder next to the bank file."""
    folder = media_folder(path)
    for name in names:
        file = folder / name
        if not file.is_file():
            continue
        if file.stat().st_size > MAX_MEDIA_FILE_BYTES:
            raise InputFileError(file, f"larger than {MAX_MEDIA_FILE_BYTES // 2**20} MB; refusing to read it")
        yield name, file.read_bytes()


MEDIA_READERS: dict[str, MediaReader] = {
    "anki": read_anki_media,
    "moodle-xml": read_moodle_media,
    "qti": read_qti_media,
    "yaml": _read_beside,
    "json": _read_beside,
}
"""Readers of the media a file holds, by format name (a key of detect.FORMATS). Another importer that
lists media adds its reader here."""


def read_media(path: Path | str, names: Iterable[str], format_name: str | None = None) -> dict[str, bytes]:
    """The bytes of each named file held by `path`; an InputFileError when one is missing or too large."""
    path = Path(path)
    wanted = list(dict.fromkeys(names))
    if not wanted:
        return {}
    format_name = format_name or detect_format(path)
    reader = MEDIA_READERS.get(format_name)
    if reader is None:
        raise InputFileError(path, f"{format_name} files hold no media, but media {wanted[0]!r} is listed")
    found: dict[str, bytes] = {}
    total = 0
    for name, content in reader(path, set(wanted)):
        total += len(content)
        if total > MAX_MEDIA_TOTAL_BYTES:
            raise InputFileError(
                path,
                f"media files add up to more than {MAX_MEDIA_TOTAL_BYTES // 2**20} MB; refusing to read them",
            )
        found[name] = content
    missing = [name for name in wanted if name not in found]
    if missing:
        where = f"the media folder {media_folder(path)}" if reader is _read_beside else "the file"
        raise InputFileError(path, f"media {missing[0]!r} is listed but not in {where}")
    return found
