"""Swedish typed without å, ä and ö, given its letters back from the question's own Swedish words.

A student on an English keyboard writes "Man foljer valideringsfelet under traningen och avbryter nar
det borjar oka". To the embedding model "traningen", "overanpassa" and "oka" are other tokens than
"träningen", "överanpassa" and "öka": on the held-out examiner set
(tests/data/dl_course_answers_heldout.jsonl) that answer got 0.23 of 2 as typed and 1.62 with its
letters back, and an AI/ML/DL answer 0.89 against 1.88. Only words the course itself writes with those
letters (the question's Swedish prompt, reference and key-point wordings) and common Swedish function
words ("är", "på", "för", "när", "då") are restored, and only in an answer that has none of the letters
and reads as Swedish, so English answers ("for") and words that are Swedish as typed ("man", "var") are
left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from grading.text import SWEDISH_STOPWORDS, guess_language

_SWEDISH_LETTERS = "åäöÅÄÖ"
_FOLD = str.maketrans(_SWEDISH_LETTERS, "aaoAAO")
_WORD = re.compile(r"[^\W\d_]+")
COMMON_WORDS = frozenset(
    [
        "är",
        "på",
        "för",
        "när",
        "då",
        "så",
        "där",
        "också",
        "även",
        "över",
        "många",
        "mycket",
        "själv",
        "både",
        "någon",
        "några",
        "något",
        "får",
        "går",
        "gör",
        "göra",
        "måste",
        "första",
        "än",
        "sådan",
        "sådana",
    ]
)
"""Common Swedish words with these letters whose form typed without them is no common word of its own
in a Swedish answer, which may mix in English terms: 'väl' (val, validation), 'åt' (at) and 'år' (ar, which
is 'är') are not among them."""


def fold(word: str) -> str:
    """The word as typed without Swedish letters ("överanpassa" -> "overanpassa")."""
    return word.translate(_FOLD)


def swedish_accents(swedish_texts: Iterable[str]) -> dict[str, str]:
    """Folded word -> the word with its letters, for every word of the texts and of COMMON_WORDS that has
    å, ä or ö. A folded form that is itself a Swedish word of the texts or a function word ("man", "var",
    "har") is left out, and of two words that fold alike the more frequent in the texts wins (a common
    word counts once more), a tie leaving the form out."""
    counts: Counter[str] = Counter(COMMON_WORDS)
    for text in swedish_texts:
        counts.update(word.lower() for word in _WORD.findall(text))
    plain = {word for word in (*counts, *SWEDISH_STOPWORDS) if not any(c in _SWEDISH_LETTERS for c in word)}
    candidates: dict[str, list[tuple[int, str]]] = {}
    for word, count in counts.items():
        folded = fold(word)
        if folded != word and folded not in plain:
            candidates.setdefault(folded, []).append((count, word))
    accents = {}
    for folded, options in candidates.items():
        ranked = sorted(options, reverse=True)
        if len(ranked) == 1 or ranked[0][0] > ranked[1][0]:
            accents[folded] = ranked[0][1]
    return accents


MIN_RESTORED_WHEN_UNCLEAR = 2
"""Words that must get their letters back in an answer whose language is unclear as typed: one alone
("Pooling over windows" -> "över") says nothing about the language."""


def restore_accents(answer: str, accents: Mapping[str, str], language: str | None) -> str:
    """The answer with its Swedish letters given back, when it has none and reads as Swedish: as typed
    (`language`, the grader's guess_language, passed in as the grader has it already), or, when that is
    unclear, once at least MIN_RESTORED_WHEN_UNCLEAR words are restored. Otherwise the answer itself."""
    if not accents or language not in ("sv", None) or any(c in _SWEDISH_LETTERS for c in answer):
        return answer
    restored_words = 0

    def restore(match: re.Match[str]) -> str:
        nonlocal restored_words
        word = match.group(0)
        restored = accents.get(word.lower())
        if restored is None:
            return word
        restored_words += 1
        if word.isupper() and len(word) > 1:
            return restored.upper()
        return restored[0].upper() + restored[1:] if word[0].isupper() else restored

    restored = _WORD.sub(restore, answer)
    if language is None and restored_words < MIN_RESTORED_WHEN_UNCLEAR:
        return answer
    return restored if restored_words and guess_language(restored) == "sv" else answer
