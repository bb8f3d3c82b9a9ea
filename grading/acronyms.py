"""Acronyms a question's own texts define, spelt out where an answer uses them bare.

A student who answers "CNN" names the concept the reference spells "Convolutional Neural Networks
(CNNs)", but an embedding of the bare acronym sits far from it (the seed exam's "CNN" got 0.24 of 2 where
"A convolutional neural network." got 0.82 and the teachers gave 1). Only acronyms the reference answers,
key points or prompts define ("Long Form (ABBR)" or "ABBR (Long Form)", the long form's words starting
with the acronym's letters in order) are spelt out, so an acronym the course never defines (a wrong "RNN"
where only CNNs are named) is graded as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_ACRONYM = r"[A-Z][A-Z0-9]{1,5}"
_PARENTHESISED_ACRONYM = re.compile(rf"\(\s*({_ACRONYM})s?\s*\)")
_LONG_FORM_REACH = 120
"""Characters before the parenthesis searched for the long form (a few words)."""
_ACRONYM_THEN_LONG = re.compile(rf"\b({_ACRONYM})s?\s*\(\s*([^\W\d_][\w\s-]{{2,80}}?)\s*\)")
_WORDS = re.compile(r"[^\W\d_][\w]*")
_BARE = re.compile(rf"(?<![\w(])({_ACRONYM})(s?)(?![\w)])")


def _abbreviates(acronym: str, words: list[str]) -> bool:
    """True when every word starts with the next letter of the acronym and the acronym's other letters
    come, in order, from inside those words ('MLP' ~ 'Multilayer Perceptron', 'CNN' ~ 'Convolutional
    Neural Network')."""
    letters = acronym.lower()

    def match(letter: int, word: int, inside: str) -> bool:
        if letter == len(letters):
            return word == len(words)
        starts_word = word < len(words) and words[word][0].lower() == letters[letter]
        if starts_word and match(letter + 1, word + 1, words[word][1:].lower()):
            return True
        position = inside.find(letters[letter])
        return position >= 0 and match(letter + 1, word, inside[position + 1 :])

    return bool(words) and match(0, 0, "")


def _long_form(acronym: str, before: str) -> str | None:
    """The shortest run of words ending `before` that the acronym abbreviates."""
    words = _WORDS.findall(before)
    for count in range(1, min(len(words), len(acronym) + 2) + 1):
        candidate = words[-count:]
        if _abbreviates(acronym, candidate):
            return " ".join(candidate)
    return None


def defined_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Acronym → long form, for every acronym the texts define (the first definition wins)."""
    glossary: dict[str, str] = {}
    for text in texts:
        for match in _PARENTHESISED_ACRONYM.finditer(text):
            acronym = match.group(1)
            long_form = _long_form(acronym, text[max(0, match.start() - _LONG_FORM_REACH) : match.start()])
            if long_form and acronym not in glossary:
                glossary[acronym] = long_form
        for match in _ACRONYM_THEN_LONG.finditer(text):
            acronym, words = match.group(1), _WORDS.findall(match.group(2))
            if acronym not in glossary and _abbreviates(acronym, words):
                glossary[acronym] = " ".join(words)
    return glossary


def spell_out(answer: str, glossary: Mapping[str, str]) -> str:
    """The answer with each bare acronym of the glossary followed by its long form, unless the answer
    already spells it out."""
    if not glossary:
        return answer
    lowered = answer.lower()

    def expand(match: re.Match[str]) -> str:
        long_form = glossary.get(match.group(1))
        if long_form is None or long_form.lower() in lowered:
            return match.group(0)
        return f"{long_form} ({match.group(0)})"

    return _BARE.sub(expand, answer)
