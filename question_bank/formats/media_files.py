"""What the importers share about pictures and sound: safe file names, size limits, where a bank keeps them.

A name taken from a package (Anki's media map, a Moodle `<file name=…>`) is never used as a path as it
stands: `plain_media_name` keeps its last path component and replaces what no file system or the Question
model accepts, so "../../x.png" is stored as "x.png" inside the bank's media folder and nowhere else.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from urllib.parse import unquote

from question_bank.models import Bank

MAX_MEDIA_FILE_BYTES = 64 * 1024 * 1024
MAX_MEDIA_TOTAL_BYTES = 512 * 1024 * 1024
MAX_NAME_CHARS = 255
_UNSAFE_CHARS = re.compile(r"[:\x00-\x1f\x7f]")
_IMAGE_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(alt|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def plain_media_name(raw: str) -> str | None:
    """A file name safe to create inside a media folder, or None when nothing usable is left."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_CHARS.sub("_", name).strip()
    if name in ("", ".", ".."):
        return None
    if len(name) <= MAX_NAME_CHARS:
        return name
    stem, dot, suffix = name.rpartition(".")
    return stem[: MAX_NAME_CHARS - len(suffix) - 1] + "." + suffix if dot and len(suffix) < 16 else None


def media_folder(bank_file: Path) -> Path:
    """Where a bank file's media lives: <folder>/media beside <folder>/bank.yaml, else <name>.media."""
    if bank_file.stem == "bank":
        return bank_file.parent / "media"
    return bank_file.with_suffix(".media")


_DATA_URI_IMAGE = re.compile(r"data:image/([a-z+.-]+);base64,([A-Za-z0-9+/=\s]+)$", re.IGNORECASE)
_IMAGE_SUFFIXES = {"jpeg": "jpg", "svg+xml": "svg", "x-icon": "ico"}


def data_uri_image(url: str) -> tuple[str, str] | None:
    """(file name, base64 content) of a picture written into the page as a data: URI (pasted into
    Moodle's editor), named by its content so the same picture gets the same name; None for other URLs."""
    match = _DATA_URI_IMAGE.match(url.strip())
    if match is None:
        return None
    kind, encoded = match.group(1).lower(), "".join(match.group(2).split())
    digest = hashlib.sha256(encoded.encode("ascii")).hexdigest()[:12]
    return f"image-{digest}.{_IMAGE_SUFFIXES.get(kind, kind)}", encoded


_IMAGE_SOURCE = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def image_sources(markup: str) -> Iterator[str]:
    """The src of every <img> in an HTML fragment, its character references decoded."""
    for double_quoted, single_quoted in _IMAGE_SOURCE.findall(markup):
        yield html.unescape(double_quoted or single_quoted)


def file_name_of_url(url: str) -> str:
    """The decoded last path component of a URL or path ('@@PLUGINFILE@@/my%20fig.png' -> 'my fig.png'),
    or the name data_uri_image gives a picture written as a data: URI."""
    if (embedded := data_uri_image(url)) is not None:
        return embedded[0]
    return unquote(url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0].split("#", 1)[0])


def name_images(markup: str, name_of: Callable[[str], str] = file_name_of_url) -> str:
    """Give images without alt text their file name (`name_of` their src) as alt, so '[image:
    diagram.png]' says which one."""

    def named(match: re.Match[str]) -> str:
        tag = match.group(0)
        attributes = {name.lower(): a or b for name, a, b in _ATTRIBUTE.findall(tag)}
        if attributes.get("alt", "").strip() or not attributes.get("src"):
            return tag
        file_name = name_of(attributes["src"])
        return f'<img alt="{file_name.replace(chr(34), "")}">' if file_name else tag

    return _IMAGE_TAG.sub(named, markup)


class UniqueNames:
    """Gives each distinct file one bank-wide name: a later file reusing a name for other content
    becomes 'name-2.ext'. The same input order always gives the same names, so an importer and the
    media reader agree without storing anything."""

    def __init__(self) -> None:
        self._content_of: dict[str, Hashable] = {}

    def add(self, name: str, content: Hashable) -> str:
        """The bank-wide name for `content` first called `name`."""
        stem, dot, suffix = name.rpartition(".")
        if not stem:
            stem, dot, suffix = name, "", ""
        candidate, counter = name, 1
        while candidate in self._content_of and self._content_of[candidate] != content:
            counter += 1
            candidate = f"{stem}-{counter}{dot}{suffix}"
        self._content_of[candidate] = content
        return candidate

    def content(self, name: str) -> Hashable | None:
        return self._content_of.get(name)

    def names(self) -> list[str]:
        return list(self._content_of)


def bank_media_names(bank: Bank) -> list[str]:
    """Every media file the bank's questions list, once each, in question order."""
    return list(dict.fromkeys(name for question in bank.questions for name in question.media))
