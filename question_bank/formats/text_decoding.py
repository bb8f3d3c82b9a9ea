"""Bytes a person saved as text, decoded by one set of rules; only what to do with text that is not UTF-8
differs between readers, so it is a policy argument.

A question bank or a dataset read with the wrong letters would be stored wrong for good, so those readers
refuse such text or take it silently as Windows-1252 where Windows tools write it; a student's answer must
never be lost, so the submissions reader reads on and warns the teacher, naming the line.
"""

from __future__ import annotations

import re
import unicodedata
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
    """Exchange files from Windows tools (Excel, Notepad): UTF-16 with a BOM, else Windows-1252 (a byte
    undefined there read as Latin-1 reads it), or Mac Roman where the bytes say so (Excel for Mac saves its
    plain "Comma Separated Values" in Mac Roman). Text with NUL bytes is a binary file and stays an
    error."""
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
    windows = raw.decode("latin-1").translate(_WINDOWS_1252_OVER_LATIN_1)
    return DecodedText(windows, not_utf8_line=line, encoding="Windows-1252")


_WINDOWS_1252_OVER_LATIN_1 = {
    byte: char for byte in range(0x80, 0xA0) if (char := bytes([byte]).decode("cp1252", errors="ignore"))
}
"""Windows-1252 read as Latin-1 and translated: the five bytes Windows leaves undefined (0x81 0x8D 0x8F
0x90 0x9D) keep Latin-1's reading, so one stray byte no longer turns the file's every €, – and curly
quote into a control character (the whole file was read as Latin-1 then)."""


def _looks_like_mac_roman(raw: bytes) -> bool:
    """True when the text reads more like European writing in Mac Roman than in Windows-1252.

    Both give every byte below 0x80 as ASCII and differ above it, where the same byte is a letter in one
    and often a letter in the other too: b'Du\\x9aan' is 'Dušan' in Windows-1252 and 'Duöan' in Mac Roman,
    b'Fr\\x8cga' is 'FrŒga' and 'Fråga'. Counting bytes cannot tell these apart; reading the characters
    in their place can: a capital inside a lower-case word, a math sign glued to a word, a control
    character or a quote mark between letters is what a wrong guess produces, a letter in a word or a
    quote at a word's edge is what people write. A tie (b'Du\\x9aan' alone) stays Windows-1252, which far
    more files are written in."""
    mac_text, windows_text = raw.decode("mac_roman"), raw.decode("cp1252", errors="replace")
    lead = 0
    for match in _HIGH_BYTE.finditer(raw):
        index = match.start()
        lead += _char_score(mac_text, index) - _char_score(windows_text, index)
        if abs(lead) >= _DECISIVE_LEAD:
            break
    return lead > 0


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_DECISIVE_LEAD = 120
"""A lead this large (some twenty words that read right one way and wrong the other) decides: a file is
in one encoding, and reading a large one to its end took seconds."""

_COMMON_LETTERS = frozenset("áàâäåæçéèêíñóôöøúüßÁÀÄÅÆÇÉÈÍÑÓÖØÚÜšžŠŽœŒ")
"""Letters beyond ASCII that Swedish and other European writing uses often (Swedish, Danish, Norwegian,
German, French, Spanish, Czech/Slovak/Balkan names). The rest of Latin-1's and Latin Extended-A's letters
('ì', 'î', 'õ', 'Ò', 'Ð') count less: they are what Windows-1252's quotes and dashes read as in Mac Roman,
and Mac Roman's read as in Windows-1252."""
_NAME_INITIALS = frozenset("šž")
"""Lower-case letters that Windows-1252 text holds mostly inside Central European names ('Dušan', 'Miloš'),
which begin with a capital: a word beginning with one is rarely what was written, while the same byte in
Mac Roman is 'ö' ('över', 'öppen') or 'û'."""
_ONE_LETTER_WORDS = frozenset("åöàéè")
"""Letters beyond ASCII that are words on their own: Swedish 'å' (river) and 'ö' (island), French 'à',
Portuguese 'é', Italian 'è'. Windows-1252 reads Mac Roman's 'å' and 'ö' as 'Œ' and 'š', no word alone."""
_QUOTES = frozenset("“”‘’„«»‹›")
_DASHES = frozenset("–—")
_CURRENCY = frozenset("€£")
_OTHER_MARKS = frozenset("…•°§½¼¾±×¿¡\u00a0")
"""Marks beyond ASCII that ordinary text holds; with _QUOTES, _DASHES and _CURRENCY, everything else that
is not a letter (math signs, accents on their own, ligatures, Greek, controls) counts against a reading."""


def _char_score(text: str, index: int) -> int:
    """How much one character read from a byte above 0x7F looks like written text, given its neighbours:
    from -6 (a control character, or a replacement for a byte the encoding leaves undefined) to +3 (a
    common letter inside a word, a mark in its usual place). An ellipsis glued to the start of a word
    that follows another ('Eva …berg') counts little: an ellipsis opening a word opens a line, a field or a
    quotation, while Mac Roman's 'Ö' (the same byte) begins a surname ('Eva Öberg')."""
    char = text[index]
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if "\u00c0" <= char <= "\u017f" and char.isalpha():
        return _letter_score(char, before, after)
    if char == "’" and before.isalpha() and after.isalpha():
        return 3 if _is_elision(text, index) else 1
    if char == "…" and before == " " and after.isalpha() and text[index - 2 : index - 1].isalpha():
        return 1
    if char in _QUOTES or char in _DASHES or char in _CURRENCY or char in _OTHER_MARKS:
        return _mark_score(char, before, after)
    if char == "\ufffd" or unicodedata.category(char) == "Cc":
        return -6
    return -6 if before.isalpha() or after.isalpha() else -3


def _letter_score(char: str, before: str, after: str) -> int:
    """A letter of Latin-1 or Latin Extended-A: a capital after a lower-case letter ('FrŒga', 'hÂll')
    is a wrong reading; a letter in a word counts by how common it is, a little less where it is a vowel
    between two vowels or a consonant between two consonants ('Duöan', 'Bjšrn') or ending a word after one
    ('Malmš'); a letter alone counts little. A word's first letter gets no such doubt: Czech 'Štefan' and
    Swedish 'äta' both begin that way; only a lower-case 'š' or 'ž' beginning a word counts less
    (_NAME_INITIALS), and a letter that is a word alone counts more (_ONE_LETTER_WORDS), so 'över' and 'ö'
    are no longer ties that Windows-1252's 'šver' and 'š' won."""
    if char.isupper() and before.islower():
        return -4
    if not (before.isalpha() or after.isalpha()):
        return 2 if char in _ONE_LETTER_WORDS else 1
    if char in _NAME_INITIALS and not before.isalpha():
        return 2
    if char not in _COMMON_LETTERS:
        return 1
    vowel = _is_vowel(char)
    if before.isalpha() and (
        (after.isalpha() and _is_vowel(before) == vowel == _is_vowel(after))
        or (not after.isalpha() and not vowel and not _is_vowel(before))
    ):
        return 2
    return 3


def _is_vowel(letter: str) -> bool:
    """'ö', 'é', 'æ' and 'y' are vowels (Swedish counts 'y' as one); 'š', 'ß', 'ñ' are consonants."""
    return unicodedata.normalize("NFD", letter)[0].lower() in "aeiouyæøœ"


_ELIDED_ENDINGS = frozenset({"s", "t", "d", "m", "ll", "re", "ve"})
"""What follows an apostrophe in English contractions ('it’s', 'don’t', 'we’re')."""


def _is_elision(text: str, index: int) -> bool:
    """True for an apostrophe between letters as English and French write it: 'it’s', 'don’t' (a short
    ending after it) or 'l’été', 'O’Brien', 'qu’il' (one letter, or 'qu', before it). Mac Roman's 'í'
    (Windows-1252's ’) in 'Martínez' is neither."""
    start = index
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    end = index + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    before = text[start:index].lower()
    return len(before) == 1 or before == "qu" or text[index + 1 : end].lower() in _ELIDED_ENDINGS


def _mark_score(char: str, before: str, after: str) -> int:
    """A quote at a word's edge, a dash or an ellipsis beside a space or a digit, a currency sign beside
    a number or a space: each in its usual place counts as much as a letter in a word; out of place it
    counts little, and a mark that splits a word counts nothing."""
    inside_word = before.isalpha() and after.isalpha()
    if char in _QUOTES or char == "…":
        return 0 if inside_word else 3 if before.isalnum() != after.isalnum() else 1
    if char in _DASHES:
        return 3 if not (before.isalpha() or after.isalpha()) else 1
    if char in _CURRENCY:
        return 3 if before.isdigit() or after.isdigit() or before == " " or after == " " else 1
    return 0 if inside_word else 1


def _byte_line(raw: bytes, offset: int) -> int:
    """1-based line of a byte offset."""
    return raw.count(b"\n", 0, offset) + 1
