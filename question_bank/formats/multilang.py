"""Moodle's multi-language texts: one field holding a version per language, as the core "Multi-language
content" filter writes it (`<span lang="sv" class="multilang">…</span>`, consecutive spans one per
language) and filter_multilang2 does (`{mlang sv}…{mlang}`, several languages as `{mlang en,fr}`, and
`{mlang other}` for everyone else). Text outside the blocks is shared by every language.

The patterns follow the filters' own: a span whose only attributes are lang and class="multilang", its
content up to the first `</span>` (so a multilang span cannot hold another span, in Moodle as here)."""

from __future__ import annotations

import re

_SPAN = re.compile(
    r"""<span((?:\s+(?:lang\s*=\s*["'][a-zA-Z0-9_-]+["']|class\s*=\s*["']multilang["'])){2})\s*>(.*?)</span>""",
    re.IGNORECASE | re.DOTALL,
)
_SPAN_LANG = re.compile(r"""lang\s*=\s*["']([a-zA-Z0-9_-]+)["']""", re.IGNORECASE)
_MLANG = re.compile(r"\{mlang\s+([a-zA-Z0-9_,\s-]+?)\s*\}(.*?)\{mlang\}", re.IGNORECASE | re.DOTALL)
_OTHER = "other"


def _codes(raw: str) -> list[str]:
    """tenta language codes of a block's language list ('en_us' -> 'en', 'pt-br' -> 'pt', 'other')."""
    codes = []
    for part in raw.split(","):
        base = re.split(r"[_-]", part.strip().lower(), maxsplit=1)[0]
        if re.fullmatch(r"[a-z]{2,3}|other", base):
            codes.append(base)
    return codes


def _blocks(text: str) -> list[tuple[re.Match[str], list[str]]]:
    spans = [(match, _codes(_lang_of(match))) for match in _SPAN.finditer(text)]
    return spans + [(match, _codes(match.group(1))) for match in _MLANG.finditer(text)]


def languages(text: str) -> list[str]:
    """The languages a text has versions in, in the order they first appear ('other' not counted)."""
    found: dict[str, None] = {}
    for _match, codes in sorted(_blocks(text), key=lambda block: block[0].start()):
        for code in codes:
            if code != _OTHER:
                found.setdefault(code)
    return list(found)


def in_language(text: str, language: str) -> str:
    """The text as a reader in `language` sees it: that language's blocks kept (their markers dropped),
    the others removed; an `{mlang other}` block is kept when no block names the language."""
    named = {code for _, codes in _blocks(text) for code in codes}

    def shown(codes: list[str]) -> bool:
        return language in codes or (_OTHER in codes and language not in named)

    text = _SPAN.sub(lambda match: match.group(2) if shown(_codes(_lang_of(match))) else "", text)
    return _MLANG.sub(lambda match: match.group(2) if shown(_codes(match.group(1))) else "", text)


def _lang_of(match: re.Match[str]) -> str:
    found = _SPAN_LANG.search(match.group(1))
    return found.group(1) if found else ""
