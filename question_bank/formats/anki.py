"""Anki deck packages (.apkg) and collection exports (.colpkg): one free-text question per note.

A package is a zip holding an SQLite collection: `collection.anki21b` (zstd-compressed, schema 18, Anki
>= 2.1.50, next to a dummy `collection.anki2` telling old versions to upgrade), `collection.anki21`
(Anki 2.1 "support older versions") or `collection.anki2` (Anki 2.0). The newest one present is read. The
collection is copied out to a temporary file, opened read-only, and only SELECTed from.

Media: the package's `media` member maps numbered members to file names (JSON; in anki21b packages a
zstd-compressed protobuf list whose members are zstd-compressed too). Pictures and sound the prompt field
refers to (`<img src>`, `[sound:…]`, `<audio>`/`<video>`/`<source>`) and the package holds become the
question's media, under safe bank-wide names; the prompt says "[image: name]" / "[sound: name]" where they
were. `read_anki_media` reads their bytes, each bounded in size. Media of the answer side is not attached
(showing it during the quiz would give the answer away).

Each note becomes one question, however many cards it makes (Basic-and-reversed is still one question): the
Front/Question/Text field (else the first) is the prompt and Back/Answer/Svar (else the next field) the
reference answer, as in the CSV importer's Anki text export. A cloze note is asked with its deletions blanked
out and answered with them filled in. A note whose card asks to type the answer in (`{{type:Back}}`, the
"Basic (type in the answer)" note type) is an exact short answer, as Anki compares what was typed. Extra /
Back Extra fields become feedback (a cloze there filled in). A note whose prompt, answer or feedback uses
formatting plain text loses (<b>, <i>, <code>, lists, links: Anki's editor, tenta's export of a Markdown
question) is read as Markdown keeping it (<br> a line break), else as plain text. Image Occlusion notes, whose
answers are masks on a picture, are unsupported: they refuse the package unless the caller asks to skip them.
The note's deck below the package's common deck (Anki's `A::B` kept) and its tags are topics; the common deck
titles the bank. An Id field holding a valid id (tenta's own export writes one) is the question id; otherwise
the note's guid, which Anki keeps across exports, gives a stable one. Every unusable note is reported by its
first field, and nothing is imported while any is.
"""

from __future__ import annotations

import html
import io
import json
import re
import sqlite3
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

import zstandard

from question_bank.errors import InputFileError
from question_bank.formats.common import (
    ImportProblems,
    QuestionDraft,
    anki_note_id,
    bank_languages,
    build_bank,
    common_prefix,
    has_cloze,
    holds_markdown_markup,
    html_to_markdown,
    html_to_text,
    replace_clozes,
    slugify,
    title_from_path,
    unreadable_zip,
)
from question_bank.formats.csv_rows import COLUMN_ALIASES
from question_bank.formats.media_files import (
    MAX_MEDIA_FILE_BYTES,
    UniqueNames,
    file_name_of_url,
    name_images,
    plain_media_name,
)
from question_bank.keypoints import propose_key_points
from question_bank.language import detect_bank_languages
from question_bank.models import Bank, QuestionType

COLLECTION_MEMBERS = ("collection.anki21b", "collection.anki21", "collection.anki2")
MAX_MEMBER_BYTES = 500 * 1024 * 1024
_COPY_CHUNK = 1024 * 1024
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_DEFAULT_DECK_ID = 1

PROMPT_FIELDS = (*COLUMN_ALIASES["question"], "text", "word", "ord")
ANSWER_FIELDS = (*COLUMN_ALIASES["reference_answer"], "meaning", "betydelse", "extra")
ID_FIELDS = ("id", "question_id")
FEEDBACK_FIELDS = (*COLUMN_ALIASES["feedback"], "extra", "back_extra", "notes", "note", "comments")
IGNORED_TAGS = frozenset({"leech", "marked"})  # Anki's own scheduling markers, not subjects
_SOUND = re.compile(r"\[sound:([^\]]*)\]")
_MEDIA_REFERENCE = re.compile(
    r"""<(?:img|audio|video|source)\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))|\[sound:([^\]]*)\]""",
    re.IGNORECASE,
)
_MEDIA_MAP_MEMBER = "media"
MAX_MEDIA_MAP_BYTES = 64 * 1024 * 1024
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}")
_TYPED_FIELD = re.compile(r"\{\{type:(?:nc:)?(?!cloze:)([^}]+)\}\}")  # not {{type:cloze:Text}}


@dataclass
class _PackageMedia:
    """The media a package holds: how notes name each file, and where its bytes are."""

    bank_names: dict[str, str] = field(default_factory=dict)  # name as fields write it -> bank-wide name
    members: dict[str, str] = field(default_factory=dict)  # bank-wide name -> zip member

    def lookup(self, reference: str) -> str | None:
        """The bank-wide name of a file a field refers to (Anki's editor may percent-encode it)."""
        reference = html.unescape(reference).strip()
        for candidate in (reference, unquote(reference)):
            found = self.bank_names.get(unicodedata.normalize("NFC", candidate))
            if found is not None:
                return found
        return None


@dataclass
class _NoteType:
    name: str
    field_names: list[str]
    typed_fields: set[str] = field(default_factory=set)  # fields a card asks to type in: {{type:Back}}


@dataclass
class _Note:
    number: int
    guid: str
    fields: list[str]
    note_type: _NoteType
    tags: list[str]
    deck: list[str] = field(default_factory=list)  # deck path components; empty for the Default deck

    def label(self) -> str:
        """The note by its number and first field (an Image Occlusion note by its header, not its masks)."""
        shown = self.fields[0] if self.fields else ""
        if "image-occlusion:" in shown:
            keys = [_field_key(name) for name in self.note_type.field_names[: len(self.fields)]]
            shown = self.fields[keys.index("header")] if "header" in keys else ""
        first = re.sub(r"\s+", " ", _clean(shown))
        shortened = first if len(first) <= 50 else first[:49].rstrip() + "…"
        return f"note {self.number} ({shortened!r})" if shortened else f"note {self.number}"


def _field_key(name: str) -> str:
    return re.sub(r"[\s\-_.]+", "_", name.strip().lower()).strip("_")


def _clean(markup: str, media: _PackageMedia | None = None, *, markdown: bool = False) -> str:
    """Field HTML as readable text (or Markdown, keeping bold, italics, code, lists and links): images as
    [image: alt or file name], sounds the package holds as [sound: name], other sounds dropped."""

    def sound(match: re.Match[str]) -> str:
        name = media.lookup(match.group(1)) if media is not None else None
        return f" [sound: {name}] " if name else ""

    def image(source: str) -> str:
        found = media.lookup(source) if media is not None else None
        return found or file_name_of_url(source)

    read = html_to_markdown if markdown else html_to_text
    return read(name_images(_SOUND.sub(sound, markup), image)).strip()


def _media_of(markup: str, media: _PackageMedia) -> list[str]:
    """Bank-wide names of the package's files a field shows or plays, in order of appearance."""
    references = [
        next(value for value in match.groups() if value is not None)
        for match in _MEDIA_REFERENCE.finditer(markup)
    ]
    found = (media.lookup(reference) for reference in references)
    return list(dict.fromkeys(name for name in found if name is not None))


def _pick(names: Sequence[str], wanted: Sequence[str], skip: set[int]) -> int | None:
    """Position of the field whose name comes first in `wanted`, ignoring positions in `skip`."""
    keys = [_field_key(name) for name in names]
    for candidate in wanted:
        for position, key in enumerate(keys):
            if key == candidate and position not in skip:
                return position
    return None


def _question_data(note: _Note, problems: ImportProblems, media: _PackageMedia) -> dict[str, Any] | None:
    """One note as question fields (prompt/reference still strings), or None after reporting it. A note
    whose prompt, answer or feedback fields use formatting plain text loses (<b>, <i>, <code>, lists,
    links) is read as Markdown keeping it; key points and a typed-in answer come from the plain text."""
    names = note.note_type.field_names[: len(note.fields)]
    names += [f"Field {index + 1}" for index in range(len(names), len(note.fields))]
    prompt_at = _pick(names, PROMPT_FIELDS, set())
    if prompt_at is None:
        prompt_at = 0
    raw_prompt = note.fields[prompt_at] if note.fields else ""
    used = {prompt_at}
    if "image-occlusion:" in raw_prompt:
        problems.unsupported(
            "image occlusion notes cannot be asked as text (their answers are masks drawn on a picture)",
            line=note.number,
            field=note.label(),
        )
        return None
    shown_markup = replace_clozes(raw_prompt, filled=False) if has_cloze(raw_prompt) else raw_prompt
    if has_cloze(raw_prompt):
        answer_markup, answer_name = replace_clozes(raw_prompt, filled=True), names[prompt_at]
    else:
        answer_at = _pick(names, ANSWER_FIELDS, used)
        if answer_at is None:
            answer_at = next((index for index in range(len(names)) if index not in used), None)
        answer_markup = note.fields[answer_at] if answer_at is not None else ""
        answer_name = names[answer_at] if answer_at is not None else "Back"
        if answer_at is not None:
            used.add(answer_at)
    feedback_markup = [  # a cloze there is not asked on its own card: shown filled in, as on the back
        replace_clozes(note.fields[index], filled=True)
        for index, name in enumerate(names)
        if index not in used and _field_key(name) in FEEDBACK_FIELDS
    ]
    markdown = any(
        holds_markdown_markup(markup) for markup in (shown_markup, answer_markup, *feedback_markup)
    )
    prompt = _clean(shown_markup, media, markdown=markdown)
    reference = _clean(answer_markup, markdown=markdown)
    if not prompt:
        problems.add(f"prompt (field {names[prompt_at]!r}) is empty", field=note.label())
    if not reference:
        problems.add(f"reference answer (field {answer_name!r}) is empty", field=note.label())
    if not prompt or not reference:
        return None
    plain_reference = _clean(answer_markup)  # what Anki compares a typed answer with; key points' source
    typed_in = (
        not has_cloze(raw_prompt)
        and answer_name in note.note_type.typed_fields
        and "\n" not in plain_reference
    )
    id_at = _pick(names, ID_FIELDS, used)
    given_id = _clean(note.fields[id_at]) if id_at is not None else ""
    if id_at is not None:
        used.add(id_at)
    data: dict[str, Any] = {
        "number": note.number,
        "id": given_id if _IDENTIFIER.fullmatch(given_id) else anki_note_id(note.guid, note.number),
        "prompt": prompt,
        "reference_answer": reference,
        # fields with bold, code, lists … are read as Markdown; else as plain text ('2*3*4' no emphasis)
        "text_format": "markdown" if markdown else "plain",
    }
    if typed_in:  # Anki compares the typed answer with the field: tenta's exact short answer
        data["type"] = QuestionType.SHORT_EXACT.value
        data["choices"] = [{"text": plain_reference, "fraction": 1.0}]
    else:
        data["rubric"] = [point.model_dump() for point in propose_key_points(plain_reference)]
    shown = _media_of(shown_markup, media)  # not a cloze's hidden picture: that is the answer
    if shown:
        data["media"] = shown
    feedback = [_clean(markup, markdown=markdown) for markup in feedback_markup]
    if any(feedback):
        data["general_feedback"] = "\n\n".join(text for text in feedback if text)
    return data


def _deck_parts(name: str) -> list[str]:
    """'A::B' (schema 11) or 'A\\x1fB' (schema 18) as ['A', 'B']."""
    return [part.strip() for part in re.split(r"::|\x1f", name) if part.strip()]


def _topics(note: _Note, root: Sequence[str]) -> list[str]:
    below_root = note.deck[len(root) :]
    topics = ["::".join(below_root)] if below_root else []
    for tag in note.tags:
        if tag.lower() not in IGNORED_TAGS and tag not in topics:
            topics.append(tag)
    return topics


# --- reading the package -------------------------------------------------------------------------


def _copy_limited(
    source: IO[bytes], target: IO[bytes], path: Path, member: str, limit: int | None = None
) -> None:
    limit = MAX_MEMBER_BYTES if limit is None else limit
    written = 0
    while chunk := source.read(_COPY_CHUNK):
        written += len(chunk)
        if written > limit:
            raise InputFileError(
                path, f"{member} unpacks to more than {limit // 2**20} MB; refusing to read it"
            )
        target.write(chunk)


@contextmanager
def _open_package(path: Path) -> Iterator[zipfile.ZipFile]:
    """The package as a zip; unreadable archives and members become one clean InputFileError."""
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except FileNotFoundError:
        raise InputFileError(path, "file not found") from None
    except IsADirectoryError:
        raise InputFileError(path, "is a directory, expected a file") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError):
        raise InputFileError(path, f"not an Anki package (.apkg/.colpkg): {unreadable_zip(path)}") from None
    except (NotImplementedError, RuntimeError) as error:  # unsupported compression, encryption
        raise InputFileError(path, f"cannot unpack the Anki package: {error}") from None


def _read_member(archive: zipfile.ZipFile, member: str, path: Path, what: str, limit: int) -> bytes:
    """A member's bytes, unpacking zstd by its magic number; never more than `limit` bytes."""
    if archive.getinfo(member).file_size > limit:
        raise InputFileError(path, f"{what} is larger than {limit // 2**20} MB; refusing to read it")
    raw = io.BytesIO()
    with archive.open(member) as source:
        _copy_limited(source, raw, path, what, limit)
    if not raw.getvalue().startswith(_ZSTD_MAGIC):
        return raw.getvalue()
    unpacked = io.BytesIO()
    raw.seek(0)
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        _copy_limited(reader, unpacked, path, what, limit)
    except zstandard.ZstdError as error:
        raise InputFileError(path, f"{what} is corrupt (zstd: {error})") from None
    return unpacked.getvalue()


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7


def _protobuf_fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message: varints as int, length-delimited as bytes."""
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, position = _varint(data, position)
            yield number, value
        elif wire_type == 2:
            length, position = _varint(data, position)
            if position + length > len(data):
                raise ValueError("truncated field")
            yield number, data[position : position + length]
            position += length
        elif wire_type in (1, 5):
            position += 8 if wire_type == 1 else 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
    if position > len(data):
        raise ValueError("truncated field")


def _protobuf_media_entries(data: bytes) -> list[tuple[str, str]]:
    """(zip member, file name) of anki21b's MediaEntries { repeated MediaEntry entries = 1 }, where
    MediaEntry { string name = 1; uint32 size = 2; bytes sha1 = 3; optional uint32 legacy_zip_filename
    = 255 } and the member is the entry's position unless legacy_zip_filename says otherwise."""
    entries = []
    messages = [value for number, value in _protobuf_fields(data) if number == 1 and isinstance(value, bytes)]
    for position, message in enumerate(messages):
        name, member = "", str(position)
        for number, value in _protobuf_fields(message):
            if number == 1 and isinstance(value, bytes):
                name = value.decode("utf-8")
            elif number == 255 and isinstance(value, int):
                member = str(value)
        entries.append((member, name))
    return entries


def _media_entries(archive: zipfile.ZipFile, path: Path) -> list[tuple[str, str]]:
    """(zip member, file name) pairs of the package's media map; none when it has no map."""
    if _MEDIA_MAP_MEMBER not in archive.namelist():
        return []
    with archive.open(_MEDIA_MAP_MEMBER) as source:
        packed = source.read(len(_ZSTD_MAGIC)) == _ZSTD_MAGIC  # anki21b: protobuf; older: JSON
    raw = _read_member(archive, _MEDIA_MAP_MEMBER, path, "the media map", MAX_MEDIA_MAP_BYTES)
    if packed:
        try:
            return _protobuf_media_entries(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise InputFileError(path, f"the package's media list is corrupt ({error})") from None
    try:
        mapping = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputFileError(path, "the package's media map is not valid JSON") from None
    if not isinstance(mapping, dict):
        raise InputFileError(path, "the package's media map is not a JSON object")
    return [(str(member), name) for member, name in mapping.items() if isinstance(name, str)]


def _package_media(archive: zipfile.ZipFile, path: Path) -> _PackageMedia:
    """The package's media files that are really there, each under a safe bank-wide name."""
    members = set(archive.namelist()) - {*COLLECTION_MEMBERS, _MEDIA_MAP_MEMBER, "meta"}
    media = _PackageMedia()
    unique = UniqueNames()
    for member, name in _media_entries(archive, path):
        safe = plain_media_name(name)
        if safe is None or member not in members:
            continue
        bank_name = unique.add(safe, member)
        media.bank_names.setdefault(unicodedata.normalize("NFC", name), bank_name)
        media.members.setdefault(bank_name, member)
    return media


def read_anki_media(path: Path, names: Collection[str]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of the named media files of a package (names as the importer listed them)."""
    with _open_package(path) as archive:
        media = _package_media(archive, path)
        for name in names:
            if name in media.members:
                yield (
                    name,
                    _read_member(
                        archive, media.members[name], path, f"media file {name!r}", MAX_MEDIA_FILE_BYTES
                    ),
                )


def _extract_collection(path: Path, folder: Path) -> tuple[Path, _PackageMedia]:
    """The package's newest collection as a plain SQLite file in `folder`, and the media it holds."""
    with _open_package(path) as archive:
        names = set(archive.namelist())
        member = next((name for name in COLLECTION_MEMBERS if name in names), None)
        if member is None:
            raise InputFileError(
                path, "not an Anki package: the zip holds no collection.anki21b/.anki21/.anki2"
            )
        if archive.getinfo(member).file_size > MAX_MEMBER_BYTES:
            raise InputFileError(
                path, f"{member} is larger than {MAX_MEMBER_BYTES // 2**20} MB; refusing to read it"
            )
        raw = folder / "collection.raw"
        with archive.open(member) as source, raw.open("wb") as target:
            _copy_limited(source, target, path, member)
        media = _package_media(archive, path)
    return _decompressed(raw, folder, path, member), media


def _decompressed(raw: Path, folder: Path, path: Path, member: str) -> Path:
    """The SQLite file, unpacking zstd (collection.anki21b) by its magic number rather than its name."""
    with raw.open("rb") as source:
        magic = source.read(len(_SQLITE_MAGIC))
    if magic.startswith(_ZSTD_MAGIC):
        database = folder / "collection.sqlite"
        try:
            with raw.open("rb") as source, database.open("wb") as target:
                reader = zstandard.ZstdDecompressor().stream_reader(source, read_across_frames=True)
                _copy_limited(reader, target, path, member)
        except zstandard.ZstdError as error:
            raise InputFileError(path, f"{member} is corrupt (zstd: {error})") from None
        raw.unlink()
    else:
        database = raw
    with database.open("r+b") as handle:
        header = handle.read(len(_SQLITE_MAGIC) + 4)
        if not header.startswith(_SQLITE_MAGIC):
            raise InputFileError(path, f"{member} is not an SQLite collection")
        if header[18:20] == b"\x02\x02":  # WAL mode: switch our private copy to rollback mode to open it ro
            handle.seek(18)
            handle.write(b"\x01\x01")
    return database


def _unicase(left: str, right: str) -> int:
    left, right = left.casefold(), right.casefold()
    return (left > right) - (left < right)


@contextmanager
def _read_only(database: Path, path: Path) -> Iterator[sqlite3.Connection]:
    uri = database.resolve().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise InputFileError(path, f"cannot open the Anki collection: {error}") from None
    with closing(connection):
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.create_collation("unicase", _unicase)  # Anki's collation on name columns
        yield connection


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _legacy_json(connection: sqlite3.Connection, column: str, path: Path) -> dict[str, Any]:
    row = connection.execute(f"SELECT {column} FROM col LIMIT 1").fetchone()
    try:
        value = json.loads(row[0]) if row and row[0] else {}
    except (json.JSONDecodeError, TypeError):
        raise InputFileError(path, f"Anki collection's col.{column} is not valid JSON") from None
    if not isinstance(value, dict):
        raise InputFileError(path, f"Anki collection's col.{column} is not a JSON object")
    return value


def _note_types(connection: sqlite3.Connection, tables: set[str], path: Path) -> dict[int, _NoteType]:
    """Note types with their field names in order: schema 18 tables, or schema 11 JSON in col.models."""
    if {"notetypes", "fields"} <= tables:
        types = {
            ntid: _NoteType(name, []) for ntid, name in connection.execute("SELECT id, name FROM notetypes")
        }
        for ntid, _, name in connection.execute("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"):
            types.setdefault(ntid, _NoteType("", [])).field_names.append(name)
        if "templates" in tables:
            for ntid, config in connection.execute("SELECT ntid, config FROM templates"):
                if ntid in types:
                    types[ntid].typed_fields |= _typed_fields(_question_format(config, path))
        return types
    types = {}
    for key, model in _legacy_json(connection, "models", path).items():
        fields = sorted(model.get("flds") or [], key=lambda item: item.get("ord", 0))
        typed = {
            name for card in model.get("tmpls") or [] for name in _typed_fields(str(card.get("qfmt", "")))
        }
        types[int(model.get("id", key))] = _NoteType(
            str(model.get("name", "")), [str(item.get("name", "")) for item in fields], typed
        )
    return types


def _question_format(config: object, path: Path) -> str:
    """The question side of a schema 18 card template: field 1 (q_format) of its TemplateConfig protobuf."""
    if not isinstance(config, bytes):
        return ""
    try:
        return next(
            (
                value.decode("utf-8")
                for number, value in _protobuf_fields(config)
                if number == 1 and isinstance(value, bytes)
            ),
            "",
        )
    except (ValueError, UnicodeDecodeError) as error:
        raise InputFileError(path, f"a card template of the collection is corrupt ({error})") from None


def _typed_fields(question_format: str) -> set[str]:
    """Names of the fields a card's front asks the student to type in."""
    return {name.strip() for name in _TYPED_FIELD.findall(question_format)}


def _deck_names(connection: sqlite3.Connection, tables: set[str], path: Path) -> dict[int, str]:
    if "decks" in tables:
        return {did: name for did, name in connection.execute("SELECT id, name FROM decks")}
    return {
        int(deck.get("id", key)): str(deck.get("name", ""))
        for key, deck in _legacy_json(connection, "decks", path).items()
    }


def _read_notes(connection: sqlite3.Connection, path: Path) -> list[_Note]:
    tables = _tables(connection)
    missing = {"notes", "cards", "col"} - tables
    if missing:
        raise InputFileError(path, f"not an Anki collection: no {', '.join(sorted(missing))} table")
    note_types = _note_types(connection, tables, path)
    decks = _deck_names(connection, tables, path)
    first_deck = {}  # the deck of each note's first card: later rows (lower ord) overwrite
    for note_id, deck_id in connection.execute("SELECT nid, did FROM cards ORDER BY ord DESC, id DESC"):
        first_deck[note_id] = deck_id
    notes = []
    rows = connection.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
    for number, (note_id, guid, mid, tags, flds) in enumerate(rows, start=1):
        deck_id = first_deck.get(note_id)
        deck = _deck_parts(decks.get(deck_id, "")) if deck_id not in (None, _DEFAULT_DECK_ID) else []
        notes.append(
            _Note(
                number=number,
                guid=str(guid or ""),
                fields=str(flds or "").split("\x1f"),
                note_type=note_types.get(mid, _NoteType("", [])),
                tags=str(tags or "").split(),
                deck=deck,
            )
        )
    return notes


def _read_package(path: Path) -> tuple[list[_Note], _PackageMedia]:
    """Every note of an Anki package, read from a private read-only copy of its collection, and its media."""
    with tempfile.TemporaryDirectory(prefix="tenta-anki-") as folder:
        database, media = _extract_collection(path, Path(folder))
        try:
            with _read_only(database, path) as connection:
                return _read_notes(connection, path), media
        except sqlite3.Error as error:
            raise InputFileError(path, f"not a readable Anki collection: {error}") from None


def import_anki(path: Path, *, skipped: list[InputFileError] | None = None) -> Bank:
    """A bank of free-text questions from an Anki .apkg/.colpkg; every note is checked before returning.

    With a `skipped` list, Image Occlusion notes are recorded there and left out instead of failing."""
    path = Path(path)
    notes, media = _read_package(path)
    problems = ImportProblems(path, skipped=skipped)
    parsed = [(note, data) for note in notes if (data := _question_data(note, problems, media)) is not None]
    root = common_prefix([note.deck for note in notes])
    prompt_language, answer_language = detect_bank_languages(
        (data["prompt"] for _, data in parsed), (data["reference_answer"] for _, data in parsed)
    )
    drafts = []
    seen_ids: dict[str, str] = {}
    for note, data in parsed:
        if data["id"] in seen_ids:  # an Id field used twice: the guid tells the notes apart
            data["id"] = anki_note_id(note.guid, note.number)
        if data["id"] in seen_ids:
            problems.add(f"same guid as {seen_ids[data['id']]}", field=note.label())
            continue
        seen_ids[data["id"]] = note.label()
        topics = _topics(note, root)
        if topics:
            data["topics"] = topics
        data["prompt"] = {prompt_language: data["prompt"]}
        reference = data.pop("reference_answer")
        if "choices" not in data:  # an exact short answer is graded by its accepted choice alone
            data["reference_answer"] = {answer_language: reference}
        drafts.append(QuestionDraft(line=note.number, data=data, label=note.label()))
    languages = bank_languages(prompt_language, answer_language)
    title = root[-1] if root else title_from_path(path)
    bank_fields = {"id": slugify(title), "title": title, "languages": languages}
    return build_bank(path, drafts, bank_fields=bank_fields, problems=problems)
