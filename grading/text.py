"""Text handling for grading: cleaning, sentence splitting, language guess and content words.

Everything here is deterministic and needs no embedding model, so it is cheap enough to run on every
answer and safe on any input (control characters, code, megabytes of text).
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable

from question_bank.language import identify_language, swedish_or_english_is_clear

MAX_ANSWER_CHARS = 6000
"""Longer answers are truncated before grading (and flagged); ~900 words is far past any exam answer."""


def _word_list(text: str) -> list[str]:
    """Whitespace-separated words of a literal block (keeps long word lists readable)."""
    return text.split()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_FENCE = re.compile(r"```.*?(?:```|$)", re.DOTALL)
_BULLET = re.compile(r"^\s*(?:[-*•●◦▪+–]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)])\s+")
_ABBREVIATIONS = tuple(
    _word_list("""
    e.g. i.e. etc. vs. cf. fig. eq. approx. no. dr. mr. mrs. prof. t.ex. d.v.s. dvs. bl.a. m.m.
    s.k. o.s.v. osv. t.o.m. m.fl. ca. jfr. resp. inkl. exkl. ev. st. kap.
""")
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"'(\[]?[A-ZÅÄÖÉ0-9a-zåäö])")
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_CODE_LINE = re.compile(
    r"(^\s*(?:def |class |import |from \S+ import|for .*:|if .*:|return\b|#|//)"
    r"|[;{}]\s*$|\w+\(.*\)|\w+\s*=\s*\S)"
)

ENGLISH_STOPWORDS = frozenset(
    _word_list("""
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not of off on once only or other our out over own same she should so some such than that
    the their them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours may might must shall
    one also thus therefore however since us let via per whether within without upon onto
""")
)
SWEDISH_STOPWORDS = frozenset(
    _word_list("""
    och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi
    så kan man när år säger hon under också efter eller nu sin där vid mot ska skulle kommer ut får
    finns vara hade alla andra mycket än här då sedan över bara in blir upp även vad få två vill ha
    många hur mer går sverige kronor detta nya procent skriver hans utan sina något svenska allt
    första fick måste mellan blev bli dag någon några sitt stora varit dem bland bra tre ta genom
    del hela annat fram gör ingen stockholm göra enligt mig redan inom kom du helt ju samma kanske
    själv oss tidigare se miljoner dock denna både tid kunna fått stor olika ser flera plats kunde
    gå ur gäller honom aldrig barn varje lite sätt just väl tar åt mest per står frågan kronor ge
    ligger dessa vilket vilka vilken sådan sådana eftersom därför alltså dvs t.ex bl.a
""")
)
STOPWORDS = ENGLISH_STOPWORDS | SWEDISH_STOPWORDS

_SWEDISH_MARKERS = frozenset(
    _word_list("""
    och att det som är på för med inte den har av till ett om kan man när eller också vad hur där
    vilket används genom mellan detta eftersom därför alltså
""")
)
_ENGLISH_MARKERS = frozenset(
    _word_list("""
    the and is are of to that it with for as this be by on not or which can an from when used into
    more than they their these
""")
)

_ENGLISH_SUFFIXES = tuple(
    _word_list("""
    ational ization fulness iveness ements ically ations ement ation ness ment ings able ible ally
    ies ing ers ed er ly es s e
""")
)
_SWEDISH_SUFFIXES = tuple(
    _word_list("""
    heterna heten heter arnas ernas ornas andes andet arens ande ning erna arna orna aste ast are
    het ens ets ern ar er or en et na at a e t s
""")
)


def clean(text: str) -> str:
    """Unicode-normalised text without control characters, with collapsed whitespace per line."""
    text = unicodedata.normalize("NFC", text.encode("utf-8", "replace").decode("utf-8"))
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    lines = (re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


NO_ATTEMPT_ANSWERS = frozenset(
    line.strip()
    for line in """
    i don't know
    i dont know
    i do not know
    don't know
    dont know
    idk
    no idea
    i have no idea
    no clue
    not sure
    i'm not sure
    pass
    skip
    n/a
    vet inte
    jag vet inte
    vet ej
    vet ej svaret
    jag vet inte svaret
    ingen aning
    har ingen aning
    jag har ingen aning
    inget svar
    kan inte
    jag kan inte
    osäker
    jag är osäker
    """.strip().splitlines()
)
"""Whole answers that only say the student does not know (English and Swedish), after is_no_attempt's
normalising. Embedding similarity gives such a text some credit with high confidence; a grader gives 0."""


def is_no_attempt(text: str) -> bool:
    """True when the whole answer says only "I don't know" (or "vet inte", "no idea", …), not an attempt."""
    said = " ".join(clean(text).casefold().replace("\u2019", "'").replace("`", "'").split())
    return said.strip(" .!?,;:-–—()*_\"'") in NO_ATTEMPT_ANSWERS


def truncate(text: str, limit: int = MAX_ANSWER_CHARS) -> tuple[str, bool]:
    """Cut `text` at a word boundary before `limit` characters; the flag says whether anything was cut."""
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(), True


def split_sentences(text: str, max_words: int = 60) -> list[str]:
    """Sentences of an answer: bullets and lines are units, code blocks stay whole, abbreviations don't split.

    Very long run-on sentences are cut into windows of `max_words` words so one point can still be found.
    """
    text = clean(text)
    if not text:
        return []
    sentences: list[str] = []
    position = 0
    for fence in _FENCE.finditer(text):
        sentences.extend(_split_prose(text[position : fence.start()]))
        code = _unfence(fence).strip()
        if code:
            sentences.append(code)
        position = fence.end()
    sentences.extend(_split_prose(text[position:]))
    return [window for sentence in sentences for window in _windows(sentence, max_words)]


def _split_prose(text: str) -> list[str]:
    units: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        merged: list[str] = []
        for line in lines:
            is_bullet = bool(_BULLET.match(line))
            stripped = _BULLET.sub("", line).strip().strip("*#").strip()
            if not stripped:
                continue
            continues = bool(merged) and not is_bullet and not merged[-1].endswith((".", "!", "?", ":", ";"))
            if continues and not stripped.startswith("#") and stripped[:1].islower():
                merged[-1] = f"{merged[-1]} {stripped}"
            else:
                merged.append(stripped)
        for block in merged:
            units.extend(_split_block(block))
    return [unit for unit in units if any(char.isalnum() for char in unit)]


def _split_block(block: str) -> list[str]:
    protected = block
    for number, abbreviation in enumerate(_ABBREVIATIONS):
        pattern = re.compile(rf"(?<![\w.]){re.escape(abbreviation)}", re.IGNORECASE)
        protected = pattern.sub(f"\x00{number}\x00", protected)
    protected = re.sub(r"(\d)\.(\d)", "\\1\x01\\2", protected)
    pieces = _SENTENCE_END.split(protected)
    restored: list[str] = []
    for piece in pieces:
        text = re.sub(r"\x00(\d+)\x00", _restore_abbreviation, piece).replace("\x01", ".").strip()
        if text:
            restored.append(text)
    return restored


def _restore_abbreviation(match: re.Match[str]) -> str:
    return _ABBREVIATIONS[int(match.group(1))]


def _windows(sentence: str, max_words: int) -> list[str]:
    words = sentence.split()
    if len(words) <= max_words:
        return [sentence]
    step = max_words * 3 // 4
    return [
        " ".join(words[start : start + max_words]) for start in range(0, len(words) - max_words // 4, step)
    ]


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits, inner hyphens and apostrophes kept)."""
    return [match.group(0).lower() for match in _WORD.finditer(text)]


def guess_language(text: str) -> str | None:
    """'sv' or 'en' from function words and Swedish letters (the rule the grader was fitted with), another
    language's code when the text is clearly in one (question_bank.language), None when too little to tell."""
    tokens = words(text)
    if not tokens:
        return None
    if not swedish_or_english_is_clear(text):
        other = identify_language(text)
        if other not in (None, "sv", "en"):
            return other
    swedish: float = sum(token in _SWEDISH_MARKERS for token in tokens)
    english = sum(token in _ENGLISH_MARKERS for token in tokens)
    swedish += sum(1 for token in tokens if any(char in "åäö" for char in token)) * 0.5
    if swedish == english == 0:
        return None
    return "sv" if swedish > english else "en"


def stem(token: str, language: str | None = None) -> str:
    """A light suffix-stripping stem, good enough to match 'layers'/'layer' and 'lagren'/'lager'."""
    suffixes = _SWEDISH_SUFFIXES if language == "sv" else _ENGLISH_SUFFIXES
    for suffix in suffixes:
        if len(token) - len(suffix) >= 3 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def content_words(text: str, language: str | None = None) -> list[str]:
    """Stemmed tokens of `text` without stopwords (both languages') and one-letter tokens."""
    return [stem(token, language) for token in words(text) if token not in STOPWORDS and len(token) > 1]


def content_set(texts: Iterable[str], language: str | None = None) -> set[str]:
    """The union of content words over several texts."""
    return {token for text in texts for token in content_words(text, language)}


def is_code_only(text: str) -> bool:
    """True when every non-empty line of the answer looks like source code rather than prose."""
    stripped = _FENCE.sub(_unfence, text)
    lines = [line for line in stripped.split("\n") if line.strip()]
    if not lines:
        return False
    code_lines = sum(1 for line in lines if _CODE_LINE.search(line) and not _looks_like_prose(line))
    return code_lines == len(lines)


COPIED_CODE_SHARE = 0.8
"""Share of an answer's lines found in the question's own code for the answer to count as a copy of it."""
MIN_COPIED_LINE = 6
"""Shorter lines ("x", "})") say nothing about copying."""


def copies_code(text: str, code: str) -> bool:
    """True when the answer is (nearly) only lines of the code shown with the question: pasting the code
    back explains nothing, so it earns nothing (as restating the question does). Lines are compared
    without whitespace, so re-indented or re-wrapped statements still count as copied."""
    given = "".join(code.split())
    lines = ["".join(line.split()) for line in _FENCE.sub(_unfence, text).split("\n") if line.strip()]
    if not given or not lines:
        return False
    copied = sum(len(line) >= MIN_COPIED_LINE and line in given for line in lines)
    return copied >= COPIED_CODE_SHARE * len(lines) and copied >= 3


def _unfence(match: re.Match[str]) -> str:
    """The code inside a fence, without the fence's language tag."""
    return re.sub(r"^[A-Za-z0-9_+-]*\n", "", match.group(0).strip("`"))


def _looks_like_prose(line: str) -> bool:
    tokens = words(line)
    if len(tokens) >= 6 and sum(token in STOPWORDS for token in tokens) >= len(tokens) / 4:
        return True
    if _mostly_plain_words(line):
        return True
    return all(_DEFINITION.fullmatch(part) for part in re.split(r"[,;]", line.strip().rstrip(".")))


def _mostly_plain_words(line: str) -> bool:
    """True for a line that names a call or a formula among ordinary words, as notes do: 'monitor val_loss
    each epoch; stop when it has not gone below min(val_loss) for 5 epochs', 'class definitions are placed
    here', 'save(): model -> disk (architecture + weights + optimizer state)'. Such a line holds at least
    three bare words that are no code keyword, at least half of its pieces, and few statement marks (';',
    '=', braces); a statement ('if x is not None:', 'activation = relu', 'import numpy as np',
    'if (right > left) { mid = (right + left) / 2; ...') does not."""
    pieces = line.split()
    plain = [word for piece in pieces if _is_plain_word(word := piece.strip(_PIECE_EDGES), piece)]
    marks = len(_STATEMENT_MARK.findall(line))
    return len(plain) >= 3 and len(plain) >= len(pieces) / 2 and marks < len(plain) / 4


def _is_plain_word(word: str, piece: str) -> bool:
    """A word of prose: letters only once the punctuation around it is off, not a call ('main()', both
    brackets in one piece), not a single letter and no code keyword."""
    calls = "(" in piece and ")" in piece
    return word.isalpha() and len(word) > 1 and not calls and word.lower() not in _CODE_KEYWORDS


_STATEMENT_MARK = re.compile(r"[;{}]|(?<![=<>!-])=(?![=>])")
_PIECE_EDGES = "-.,;:!?\"'()[]{}<>*"
"""Punctuation around a word in notes ('(architecture', 'state)'), taken off before asking for a word."""
_CODE_KEYWORDS = frozenset(word.lower() for word in keyword.kwlist) | frozenset(
    {"const", "let", "var", "new", "null", "void", "public", "private", "static", "self", "int", "float"}
    | {"double", "char", "bool", "string"}
)
"""Words that make a statement, not a sentence: Python's keywords and the common ones of C, Java and
JavaScript."""


_DEFINITION = re.compile(r"\s*[^\W\d_]+\s*=\s*[^\W\d_]+(?:[ -][^\W\d_]+)+\s*")
"""'CPU = central processing unit': a term defined in words. Code assigns one name or an expression
('lr = 0.01', 'model = Sequential()'), never several bare words, so such a line is prose."""
