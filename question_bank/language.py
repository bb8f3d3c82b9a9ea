"""Which language a text is written in, and its function words: shared by importers, key points and grading.

Exchange files come from Moodle sites and quiz tools in any language, so a Swedish/English guess is not
enough: a French export must not be labelled Swedish because "de" and "en" are Swedish words too. Two
signals are combined:

- py3langid's character n-gram model (shipped inside its wheel, no download), confident on a sentence or
  more in any of ~100 languages;
- function-word counts for the languages exam files are mostly written in, which still work on a few
  words, where the model is unsure.

Swedish against English keeps its long-standing stopword rule; Swedish against Danish/Norwegian (which the
n-gram model confuses) is settled by letters and words only one side uses. When nothing is clear the
answer is "undetermined" rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Protocol

UNDETERMINED = "und"
"""ISO 639 code for 'undetermined': what a bank gets when its text tells no language."""

CONFIDENT = 0.9
"""The n-gram model's probability above which its answer stands on its own."""
PLAUSIBLE = 0.6
"""Below CONFIDENT, the model's answer is taken only when no function words point anywhere."""
MIN_OTHER_VOTES = 1.25
"""Function-word votes a language other than Swedish or English needs when the model is unsure."""
MIN_MODEL_WORDS = 3
"""Fewer words than this are too little for the n-gram model to decide alone."""
MAX_DETECTED_CHARS = 20_000
"""A bank's language is read from this much of its text; more changes nothing but the time taken."""


def _word_list(text: str) -> frozenset[str]:
    return frozenset(text.split())


SWEDISH_WORDS = _word_list("""
    och är att det som en ett på för med av till inte den har de om kan man vad hur varför vilken vilka
    vilket när också eller sig så men skall ska från efter nedanstående förklara beskriv skriv ange jämför
    ge något detta dessa mellan där vid alla samt används använda olika hos bara både
""")
ENGLISH_WORDS = _word_list("""
    the and is are that it as a an of to in for with on by be this from what how why which when not or
    can does do used its their these those between into each explain describe write give was were has
    have will would should
""")
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "sv": SWEDISH_WORDS,
    "en": ENGLISH_WORDS
    | _word_list("""
        i you we they he she there because if so but all one some than then just also only about at no
        up out my your our his her think know dont same more been
    """),
    "da": _word_list("""
        og er at det som en et på for med af til ikke den har de om kan man hvad hvordan hvorfor hvilken
        hvilke hvilket når også eller sig så men skal fra efter forklar beskriv skriv angiv sammenlign
        noget dette disse mellem der ved alle samt bruges bruge forskellige hos kun både jeg vi meget nu
    """),
    "no": _word_list("""
        og er å det som en et ei på for med av til ikke den har de om kan man hva hvordan hvorfor hvilken
        hvilke hvilket når også eller seg så men skal fra etter forklar beskriv skriv oppgi sammenlign
        noe dette disse mellom der ved alle samt brukes bruke forskjellige hos bare både jeg vi mye nå
        ikkje kva korleis eg
    """),
    "de": _word_list("""
        der die das und ist sind ein eine einen einem einer zu den dem des nicht mit von für auf im in
        es sich auch wie was warum welche welcher welches wenn oder werden wird kann können zwischen
        bei aus nach durch dass erklären sie beschreiben nennen vergleichen diese dieser dieses
    """),
    "fr": _word_list("""
        le la les un une des du de et est sont que qui ne pas pour dans sur avec par au aux ce cette ces
        il elle ils on se sa son ses leur comme plus ou mais quoi quel quelle quels quelles pourquoi
        comment entre être peut expliquez décrivez citez comparez donnez qu'est-ce
    """),
    "es": _word_list("""
        el la los las un una unos unas de del y es son que en por para con no se su sus lo al como más
        pero o qué cuál cuáles por qué cómo cuándo entre ser está están puede explique describa
        compare mencione dé esta este estos estas
    """),
    "it": _word_list("""
        il lo la i gli le un uno una di del della dei delle e è sono che in per con non si suo sua al
        alla come più ma o cosa quale quali perché come quando tra fra essere può spiega descrivi
        confronta elenca questo questa questi queste nel nella
    """),
    "pt": _word_list("""
        o a os as um uma uns umas de do da dos das e é são que em por para com não se seu sua ao à
        como mais mas ou qual quais porque por quê quando entre ser está estão pode explique descreva
        compare cite este esta estes estas no na nos nas
    """),
    "nl": _word_list("""
        de het een en is zijn dat die van in op te voor met niet er aan om ook als bij door wat welke
        waarom hoe wanneer of maar wordt worden kan kunnen tussen leg uit beschrijf noem vergelijk
        deze dit
    """),
    "fi": _word_list("""
        ja on ei se että kun mikä mitä miksi miten kuinka mutta tai myös ovat oli ole voi sekä kuin
        jos tämä nämä joka jotka niin selitä kuvaile vertaa mainitse välillä avulla
    """),
}
"""Frequent short words of the languages exam files mostly come in; words several share count less."""

_LETTER_HINTS: dict[str, tuple[str, ...]] = {
    "å": ("sv", "da", "no"),
    "ä": ("sv", "de", "fi"),
    "ö": ("sv", "de", "fi"),
    "æ": ("da", "no"),
    "ø": ("da", "no"),
    "ü": ("de",),
    "ß": ("de",),
    "ñ": ("es",),
    "ã": ("pt",),
    "õ": ("pt",),
    "ç": ("fr", "pt"),
    "è": ("fr", "it"),
    "ê": ("fr", "pt"),
    "œ": ("fr",),
    "ì": ("it",),
    "ò": ("it",),
}
"""Letters only some of the languages above write; a word with one is a weak vote for them."""

_ALPHABETS: dict[str, frozenset[str]] = {
    language: frozenset("abcdefghijklmnopqrstuvwxyz'" + extra)
    for language, extra in {
        "sv": "åäöéü",
        "en": "éèëïöüçñ",
        "da": "æøåéü",
        "no": "æøåéèêóòô",
        "de": "äöüßé",
        "fr": "àâæçéèêëîïôœùûüÿ",
        "es": "áéíñóúü",
        "it": "àèéìíîòóùú",
        "pt": "àáâãçéêíóôõú",
        "nl": "éëïöüèáó",
        "fi": "äöåšž",
    }.items()
}
"""Letters each language writes; a text where many words have others is not in that language."""

_SCANDINAVIAN = ("sv", "da", "no")
_SWEDISH_ONLY = _word_list("""
    och att är inte jag vad hur varför också från mellan när här där detta dessa vilken vilket vilka
    mycket används genom någon något några ska ett för till än
""")
_DANISH_ONLY = _word_list("af hvad mellem meget bruges gennem nogen noget efter nu ikke jeg også")
_NORWEGIAN_ONLY = _word_list(
    "av hva mellom mye brukes gjennom noen noe etter nå ikke jeg også ikkje kva korleis eg"
)
_FENCED_CODE = re.compile(r"```.*?(?:```|$)|~~~.*?(?:~~~|$)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_CODE_LINE = re.compile(
    r"(^\s*(?:def |class |import |from \S+ import|for .*:|if .*:|return\b|//)"
    r"|[;{}]\s*$|\w\(.*\)|\w\.\w+\(|\w_\w)"
)
_CODE_COMMENT = re.compile(r"(?:^|\s)(?:#|//)\s*(.+)$")
_MODEL_ALIASES = {"nb": "no", "nn": "no"}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def detect_language(texts: Iterable[str], default: str = UNDETERMINED) -> str:
    """The language of a body of text (a bank's prompts, its answers), or `default` when it is not clear."""
    joined, size = [], 0
    for text in texts:
        joined.append(text)
        size += len(text)
        if size >= MAX_DETECTED_CHARS:
            break
    return identify_language("\n".join(joined)[:MAX_DETECTED_CHARS]) or default


def detect_bank_languages(prompts: Iterable[str], answers: Iterable[str]) -> tuple[str, str]:
    """A file's (prompt language, answer language): each from its own text when that tells, else from
    the other side (flash cards "Epoch" / "One pass over the training data" are English), else undetermined.
    """
    prompt_language = detect_language(prompts)
    answer_language = detect_language(answers, default=prompt_language)
    if prompt_language == UNDETERMINED:
        prompt_language = answer_language
    return prompt_language, answer_language


def identify_language(text: str) -> str | None:
    """An ISO 639-1 code for `text`, or None when it is too short or too mixed to tell."""
    prose = prose_only(text)
    tokens = _tokens(prose)
    if not tokens:
        return None
    votes = _function_word_votes(tokens)
    probabilities = _model_probabilities(prose)
    language = (
        _confident_model_choice(tokens, votes, probabilities)
        or _clear_vote(votes, probabilities)
        or _plausible_model_choice(tokens, votes, probabilities)
    )
    if language in ("sv", "en"):
        return swedish_or_english(tokens) or language
    if language in _SCANDINAVIAN:
        return _scandinavian(tokens, probabilities)
    return language


def swedish_or_english_is_clear(text: str) -> bool:
    """True when function words alone settle it: one of Swedish and English has a whole vote and more
    votes than any other language. identify_language then returns 'sv' or 'en' whatever the n-gram model
    says, so a caller that only needs to tell those two apart can skip the model (its cost is in the grader's
    hot path)."""
    votes = _function_word_votes(_tokens(prose_only(text)))
    top = max(votes.values(), default=0.0)
    leaders = [language for language, count in votes.items() if count == top]
    return top >= 1 and leaders in (["sv"], ["en"])


def _tokens(prose: str) -> list[str]:
    return [token.lower() for token in _WORD.findall(prose)]


def prose_only(text: str) -> str:
    """The text without code: fenced blocks, `inline code` and lines that read as code, not sentences."""
    text = _INLINE_CODE.sub(" ", _FENCED_CODE.sub("\n", text))
    kept = []
    for line in text.split("\n"):
        if not _CODE_LINE.search(line) or _reads_as_prose(line):
            kept.append(line)
        elif comment := _CODE_COMMENT.search(line):
            kept.append(comment.group(1))
    return "\n".join(kept)


def _reads_as_prose(line: str) -> bool:
    tokens = [token.lower() for token in _WORD.findall(line)]
    function_words = sum(any(token in words for words in FUNCTION_WORDS.values()) for token in tokens)
    return len(tokens) >= 6 and function_words * 4 >= len(tokens)


def _confident_model_choice(
    tokens: list[str], votes: dict[str, float], probabilities: dict[str, float]
) -> str | None:
    """The n-gram model's language when it is sure, has enough words, and function words don't object."""
    best = max(probabilities, key=probabilities.__getitem__, default=None)
    if best is None or probabilities[best] < CONFIDENT or len(tokens) < MIN_MODEL_WORDS:
        return None
    if best in ("sv", "en"):
        return best
    if best in FUNCTION_WORDS:
        return best if votes.get(best, 0.0) >= max(votes.get("sv", 0.0), votes.get("en", 0.0)) else None
    return best if max(votes.values(), default=0.0) < 1 else None


def swedish_or_english(tokens: Iterable[str]) -> str | None:
    """The long-standing Swedish/English rule: function words, å/ä/ö as a weak Swedish hint."""
    swedish = english = 0.0
    for word in tokens:
        if word in SWEDISH_WORDS:
            swedish += 1
        elif word in ENGLISH_WORDS:
            english += 1
        elif any(letter in word for letter in "åäö"):
            swedish += 0.5
    if swedish == english:
        return None
    return "sv" if swedish > english else "en"


def _function_word_votes(tokens: list[str]) -> dict[str, float]:
    """Each function word votes for its languages (split among them); hinting letters vote half."""
    votes: dict[str, float] = {}
    for token in tokens:
        languages = [language for language, words in FUNCTION_WORDS.items() if token in words]
        weight: float = 1.0
        if not languages:
            languages = sorted({hinted for letter in set(token) for hinted in _LETTER_HINTS.get(letter, ())})
            weight = 0.5
        for language in languages:
            votes[language] = votes.get(language, 0.0) + weight / len(languages)
    for language in list(votes):
        foreign = sum(bool(set(token) - _ALPHABETS[language]) for token in tokens)
        if foreign * 4 >= len(tokens):
            del votes[language]  # "to" is English, but not in "Co je to konvoluční neuronová síť?"
    return votes


def _plausible_model_choice(
    tokens: list[str], votes: dict[str, float], probabilities: dict[str, float]
) -> str | None:
    """Without function words to go on, the model's language when it is more likely than not."""
    best = max(probabilities, key=probabilities.__getitem__, default=None)
    if best is None or votes or probabilities[best] < PLAUSIBLE or len(tokens) < MIN_MODEL_WORDS:
        return None
    return best


def _clear_vote(votes: dict[str, float], probabilities: dict[str, float]) -> str | None:
    """The function-word winner; a tie is broken by the n-gram model, else nothing is clear."""
    if not votes:
        return None
    top = max(votes.values())
    leaders = [language for language, count in votes.items() if count == top]
    ranked = sorted(leaders, key=lambda language: probabilities.get(language, 0.0), reverse=True)
    if len(ranked) > 1 and probabilities.get(ranked[0], 0.0) <= probabilities.get(ranked[1], 0.0):
        return None
    winner = ranked[0]
    if winner in ("sv", "en"):
        return winner
    # Exam files are mostly Swedish or English: another language needs more than one stray word.
    english_like = max(probabilities.get("en", 0.0), probabilities.get("sv", 0.0))
    enough = round(top, 6) >= MIN_OTHER_VOTES
    return winner if enough and probabilities.get(winner, 0.0) > english_like else None


def _scandinavian(tokens: list[str], probabilities: dict[str, float]) -> str:
    """Swedish, Danish or Norwegian: ä/ö and Swedish-only words against æ/ø and Danish/Norwegian ones."""
    swedish = sum(token in _SWEDISH_ONLY or "ä" in token or "ö" in token for token in tokens)
    danish = sum(token in _DANISH_ONLY or "æ" in token or "ø" in token for token in tokens)
    norwegian = sum(token in _NORWEGIAN_ONLY or "æ" in token or "ø" in token for token in tokens)
    if swedish > max(danish, norwegian):
        return "sv"
    if danish != norwegian and max(danish, norwegian) > swedish:
        return "da" if danish > norwegian else "no"
    return max(_SCANDINAVIAN, key=lambda language: probabilities.get(language, 0.0))


def _model_probabilities(text: str) -> dict[str, float]:
    """py3langid's probabilities per language (Norwegian's two written forms folded into 'no')."""
    probabilities: dict[str, float] = {}
    for language, probability in _identifier().rank(text)[:8]:
        code = _MODEL_ALIASES.get(language, language)
        probabilities[code] = probabilities.get(code, 0.0) + float(probability)
    return probabilities


@cache
def _identifier() -> _Ranker:
    """The n-gram model, loaded once (about a second) on first use."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier: _Ranker = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return identifier


class _Ranker(Protocol):
    """What tenta uses of py3langid's LanguageIdentifier (the library has no type hints)."""

    def rank(self, text: str) -> list[tuple[str, float]]: ...
