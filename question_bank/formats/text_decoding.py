"""Bytes a person saved as text, decoded by one set of rules; only what to do with text that is not UTF-8
differs between readers, so it is a policy argument.

A question bank or a dataset read with the wrong letters would be stored wrong for good, so those readers
refuse such text or take it silently as Windows-1252 where Windows tools write it; a student's answer must
never be lost, so the submissions reader reads on and warns the teacher, naming the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from question_bank.errors import InputFileError

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class NotUtf8(Enum):
    """What a reader does with text that is neither UTF-8 nor (where Windows files come in) UTF-16."""

    REFUSE = "refuse"
    """tenta's own YAML/JSON and datasets: UTF-8 only (BOM tolerated); anything else is an error."""
    WINDOWS = "windows"
    """Exchange files from Windows tools (Excel, Notepad): UTF-16 with a BOM, else Windows-1252 (Latin-1
    where a byte is undefined there), or Mac Roman where the bytes say so (Excel for Mac saves its plain
    "Comma Separated Values" in Mac Roman). Text with NUL bytes is a binary file and stays an error."""
    REPLACE = "replace"
    """Student submissions: UTF-16 with a BOM, else Mac Roman where the bytes say so (as for WINDOWS: a class
    list exported on a Mac), else Windows-1252 with undefined bytes replaced (U+FFFD), never an error, so
    every answer is read; the caller warns with `DecodedText.not_utf8_line` and `DecodedText.encoding`."""


@dataclass(frozen=True)
class DecodedText:
    """The decoded text, and where it stopped being UTF-8 when it was read as Windows-1252 instead."""

    text: str
    not_utf8_line: int | None = None
    """1-based line of the first byte that is not UTF-8; None when the text is UTF-8 or UTF-16."""
    encoding: str = "UTF-8"
    """The encoding the text was read as, named for people ('Mac Roman', 'Windows-1252'), so a warning
    about a file that is not UTF-8 can say how it was read."""


def decode_text(path: Path, raw: bytes, *, policy: NotUtf8) -> DecodedText:
    """`raw` (the contents of `path`) as text under `policy`; newlines are left as they are.

    Raises InputFileError naming the line of the first byte that cannot be read, or of the first NUL
    character (text never holds one; a workbook or other binary file saved under a text name does)."""
    try:
        decoded = _decode(raw, policy)
    except UnicodeDecodeError as error:
        raise InputFileError(
            path, "not UTF-8 text (save the file as UTF-8)", line=_byte_line(raw, error.start)
        ) from None
    text = decoded.text
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputFileError(path, "contains NUL bytes; is this a binary file?", line=line)
    return decoded


def _decode(raw: bytes, policy: NotUtf8) -> DecodedText:
    """UTF-16 (BOM) and UTF-8 first; then Windows-1252 as far as `policy` allows (UnicodeDecodeError
    where it does not)."""
    if policy is not NotUtf8.REFUSE and raw.startswith(_UTF16_BOMS):
        return DecodedText(raw.decode("utf-16"), encoding="UTF-16")
    try:
        return DecodedText(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        if policy is NotUtf8.REFUSE or (policy is NotUtf8.WINDOWS and b"\x00" in raw):
            raise
        line = _byte_line(raw, error.start)
    if _looks_like_mac_roman(raw):
        return DecodedText(raw.decode("mac_roman"), not_utf8_line=line, encoding="Mac Roman")
    if policy is NotUtf8.REPLACE:
        replaced = raw.decode("cp1252", errors="replace")
        return DecodedText(replaced, not_utf8_line=line, encoding="Windows-1252")
    try:
        return DecodedText(raw.decode("cp1252"), not_utf8_line=line, encoding="Windows-1252")
    except UnicodeDecodeError:
        return DecodedText(raw.decode("latin-1"), not_utf8_line=line, encoding="Latin-1")


_UNDEFINED_IN_WINDOWS = frozenset(b"\x81\x8d\x8f\x90\x9d")
"""Bytes Windows-1252 leaves undefined, letters in Mac Roman (Å ç è ê ù)."""
_MAC_ROMAN_LETTERS = frozenset(b"\x87\x88\x89\x8a\x8c\x8e\x9a\x9f")
"""Bytes that are common letters in Mac Roman (á à â ä å é ö ü) but rare in Windows-1252 (‡ ˆ ‰ Š Œ Ž š
Ÿ), which names like 'Škoda' begin with: they count after an ASCII letter, inside a word ('Fr', 0x8C, 'ga').
Mac Roman's € … † and curly quotes and dashes share bytes with Windows-1252's punctuation and tell
nothing."""
_WINDOWS_LETTERS = frozenset(b"\xc4\xc5\xd6\xe0\xe1\xe4\xe5\xe6\xe7\xe8\xe9\xf1\xf6\xf8\xfc")
"""Bytes that are common letters in Windows-1252 (Ä Å Ö à á ä å æ ç è é ñ ö ø ü) but symbols in Mac Roman
(ƒ ≈ ÷ ‡ · ‰ Â Ê Á Ë È Ò ˆ ˜ ¸)."""


def _looks_like_mac_roman(raw: bytes) -> bool:
    """True when more of the text's letters beyond ASCII read as letters in Mac Roman than in Windows-1252:
    'Fråga' saved by Excel for Mac has å as byte 0x8C, which Windows-1252 reads 'FrŒga'. A tie, as in a text
    whose only such bytes are quotes and dashes, stays Windows-1252."""
    mac = sum(
        1
        for index, byte in enumerate(raw)
        if byte in _UNDEFINED_IN_WINDOWS
        or (byte in _MAC_ROMAN_LETTERS and index > 0 and raw[index - 1 : index].isalpha())
    )
    windows = sum(1 for byte in raw if byte in _WINDOWS_LETTERS)
    return mac > windows


def _byte_line(raw: bytes, offset: int) -> int:
    """1-based line of a byte offset."""
    return raw.count(b"\n", 0, offset) + 1
