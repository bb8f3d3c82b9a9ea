"""A memory-lean SentencePiece-Unigram tokenizer that gives the `tokenizers` library's exact output.

The `tokenizers` library holds a Unigram vocabulary in a byte trie of hash maps: for the 250,002
pieces of XLM-R (multilingual-e5) that costs ~285 MB of RSS, more than the model's touched weights.
Here the vocabulary is one Python dict (~50 MB loaded) and the Viterbi search runs in Python
(~1 ms for a 60-word answer, against ~100 ms for the model). Everything else comes from
`tokenizers` itself, configured from the same tokenizer.json: the normaliser (the SentencePiece
charsmap, with its grapheme quirks) and the pre-tokeniser run through
`PreTokenizedString`, so normalisation, word splitting and the offsets back into the original text
are the library's own. What is done here, as the library does it: splitting out added tokens,
the Unigram best path (same scores, same tie-breaking, unknown characters fused), and the
single-sequence template (`<s> … </s>`).

The vocabulary is stored beside tokenizer.json as an .npz (pieces as UTF-8 text, scores as float64,
the rest of tokenizer.json as JSON text; no pickle), because parsing the 9 MB JSON would leave
~75 MB of Python objects behind.
"""

from __future__ import annotations

import array
import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from tokenizers import PreTokenizedString, Token, Tokenizer

if TYPE_CHECKING:
    from tokenizers import NormalizedString
    from tokenizers.normalizers import Normalizer
    from tokenizers.pre_tokenizers import PreTokenizer

LEAN_TOKENIZER_FILE = "tokenizer-unigram.npz"
UNKNOWN_PENALTY = 10.0
"""The library's (and SentencePiece's) score for an unknown character: the lowest piece score minus this."""
WORD_CACHE_SIZE = 20_000
"""Distinct words whose pieces are remembered: course text repeats its vocabulary a lot."""

_WHITESPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
"""Rust's `char::is_whitespace` (Unicode White_Space), which added tokens' lstrip/rstrip use."""


@dataclass(frozen=True)
class LeanEncoding:
    """The parts of a `tokenizers.Encoding` tenta reads: ids and character offsets into the input."""

    ids: list[int]
    offsets: list[tuple[int, int]]


@dataclass(frozen=True)
class _AddedToken:
    id: int
    content: str
    lstrip: bool
    rstrip: bool


def write_lean_tokenizer(tokenizer_json: str, target: Path) -> bool:
    """Store a Unigram tokenizer.json in the lean form; False (nothing written) for other model types.

    A Unigram tokenizer using what the lean runner does not reproduce raises ValueError.
    """
    document = json.loads(tokenizer_json)
    model = document.get("model") or {}
    vocabulary = model.get("vocab")
    if model.get("type") != "Unigram" or not isinstance(vocabulary, list):
        return False
    pieces = [str(piece) for piece, _ in vocabulary]
    if any("\n" in piece or not piece for piece in pieces):
        raise ValueError("a Unigram piece is empty or contains a newline")
    scores = np.asarray([float(score) for _, score in vocabulary], dtype=np.float64)
    document["model"] = {key: value for key, value in model.items() if key != "vocab"}
    _check_supported(document)
    with target.open("wb") as handle:
        np.savez(
            handle,
            config=np.frombuffer(json.dumps(document, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
            pieces=np.frombuffer("\n".join(pieces).encode("utf-8"), dtype=np.uint8),
            scores=scores,
        )
    return True


def _check_supported(document: dict[str, Any]) -> None:
    model = document["model"]
    if model.get("byte_fallback") or not isinstance(model.get("unk_id"), int):
        raise ValueError("the lean tokenizer needs an unknown-token id and no byte fallback")
    for token in document.get("added_tokens") or []:
        if token.get("normalized") or token.get("single_word"):
            raise ValueError(f"added token {token.get('content')!r} is normalised or single-word")
    _template(document.get("post_processor"))


def _template(processor: Any) -> tuple[list[int], list[int]]:
    """Ids the post-processor puts before and after a single sequence (a TemplateProcessing or none)."""
    if processor is None:
        return [], []
    if not isinstance(processor, dict) or processor.get("type") != "TemplateProcessing":
        raise ValueError("the lean tokenizer supports TemplateProcessing post-processors only")
    special_ids = {name: list(entry["ids"]) for name, entry in processor["special_tokens"].items()}
    before: list[int] = []
    after: list[int] = []
    current = before
    for item in processor["single"]:
        if "Sequence" in item:
            if current is after or item["Sequence"]["id"] != "A":
                raise ValueError("a single-sequence template must hold sequence A once")
            current = after
        else:
            current.extend(special_ids[item["SpecialToken"]["id"]])
    if current is before:
        raise ValueError("a single-sequence template must hold sequence A once")
    return before, after


class UnigramTokenizer:
    """Token ids and offsets exactly as `tokenizers.Tokenizer.encode` gives them, for Unigram models."""

    def __init__(self, document: dict[str, Any], pieces: list[str], scores: np.ndarray) -> None:
        _check_supported(document)
        model = document["model"]
        self._pieces = pieces
        self._ids = {piece: index for index, piece in enumerate(pieces)}
        self._scores = array.array("d", scores.astype(np.float64).tobytes())
        self._unk_id = int(model["unk_id"])
        self._unknown_score = float(scores.min()) - UNKNOWN_PENALTY
        self._longest = max(map(len, pieces))
        added = [
            _AddedToken(int(token["id"]), str(token["content"]), bool(token["lstrip"]), bool(token["rstrip"]))
            for token in document.get("added_tokens") or []
        ]
        self._added = {token.content: token for token in added}
        self._added_pattern = (
            re.compile("|".join(re.escape(content) for content in sorted(self._added, key=len, reverse=True)))
            if added
            else None
        )
        self._before, self._after = _template(document.get("post_processor"))
        # The library's own normaliser and pre-tokeniser, from the same JSON around a one-piece model.
        pipeline = dict(document, added_tokens=[], post_processor=None, truncation=None, padding=None)
        pipeline["model"] = {"type": "Unigram", "unk_id": 0, "vocab": [[pieces[self._unk_id], 0.0]]}
        shell = Tokenizer.from_str(json.dumps(pipeline))
        self._normalizer: Normalizer | None = shell.normalizer
        self._pre_tokenizer: PreTokenizer | None = shell.pre_tokenizer
        self._word_tokens = functools.lru_cache(maxsize=WORD_CACHE_SIZE)(self._best_path)

    @classmethod
    def load(cls, path: Path) -> UnigramTokenizer:
        """Read a file written by `write_lean_tokenizer` (ValueError if it is damaged or unsupported)."""
        with np.load(path, allow_pickle=False) as stored:
            document = json.loads(stored["config"].tobytes().decode("utf-8"))
            pieces = stored["pieces"].tobytes().decode("utf-8").split("\n")
            scores = np.asarray(stored["scores"], dtype=np.float64)
        if len(pieces) != len(scores):
            raise ValueError(f"{path.name} holds {len(pieces)} pieces but {len(scores)} scores")
        return cls(document, pieces, scores)

    def num_special_tokens_to_add(self, is_pair: bool, /) -> int:
        if is_pair:
            raise ValueError("the lean tokenizer encodes single sequences only")
        return len(self._before) + len(self._after)

    def id_to_token(self, token_id: int, /) -> str | None:
        return self._pieces[token_id] if 0 <= token_id < len(self._pieces) else None

    def log_probabilities(self) -> np.ndarray:
        """Every piece's Unigram score (its log-probability), by id: how common the piece is."""
        return np.frombuffer(self._scores, dtype=np.float64).astype(np.float32)

    def encode_batch(self, texts: Sequence[str], /, *, add_special_tokens: bool = True) -> list[LeanEncoding]:
        return [self.encode(text, add_special_tokens=add_special_tokens) for text in texts]

    def encode(self, text: str, /, *, add_special_tokens: bool = True) -> LeanEncoding:
        ids: list[int] = []
        offsets: list[tuple[int, int]] = []
        for start, stop, added in self._segments(text):
            if added is not None:
                ids.append(added.id)
                offsets.append((start, stop))
            else:
                self._encode_text(text[start:stop], start, ids, offsets)
        if add_special_tokens:
            ids = self._before + ids + self._after
            offsets = [(0, 0)] * len(self._before) + offsets + [(0, 0)] * len(self._after)
        return LeanEncoding(ids=ids, offsets=offsets)

    def _segments(self, text: str) -> list[tuple[int, int, _AddedToken | None]]:
        """Added tokens matched leftmost-longest in the raw text, with the plain text between them."""
        segments: list[tuple[int, int, _AddedToken | None]] = []
        done = 0
        for match in self._added_pattern.finditer(text) if self._added_pattern else ():
            token = self._added[match.group()]
            start, stop = match.span()
            if token.lstrip:
                while start > done and text[start - 1] in _WHITESPACE:
                    start -= 1
            if token.rstrip:
                while stop < len(text) and text[stop] in _WHITESPACE:
                    stop += 1
            if done < start:
                segments.append((done, start, None))
            segments.append((start, stop, token))
            done = stop
        if done < len(text) or not text:
            segments.append((done, len(text), None))
        return segments

    def _encode_text(self, text: str, shift: int, ids: list[int], offsets: list[tuple[int, int]]) -> None:
        words = PreTokenizedString(text)
        if self._normalizer is not None:
            normalizer = self._normalizer
            words.normalize(lambda normalized: self._normalize(normalizer, normalized))
        if self._pre_tokenizer is not None:
            self._pre_tokenizer.pre_tokenize(words)
        words.tokenize(self._word_tokens)
        encoding = words.to_encoding()
        ids.extend(encoding.ids)
        if shift:
            offsets.extend((start + shift, stop + shift) for start, stop in encoding.offsets)
        else:
            offsets.extend(encoding.offsets)

    @staticmethod
    def _normalize(normalizer: Normalizer, normalized: NormalizedString) -> None:
        normalizer.normalize(normalized)

    def _best_path(self, word: str) -> list[Token]:
        """The Unigram model's best segmentation of a word, as tokens with byte offsets in the word.

        The library's `encode_optimized`: candidate pieces by increasing length from each start,
        a later candidate replaces an earlier one only with a strictly higher score, a character no
        piece starts with costs the unknown score, and consecutive unknown characters become one token.
        """
        length = len(word)
        ids, scores = self._ids, self._scores
        best = [0.0] * (length + 1)
        came_from = [-1] * (length + 1)
        chosen = [self._unk_id] * (length + 1)
        for start in range(length):
            base = best[start]
            single = False
            for stop in range(start + 1, min(length, start + self._longest) + 1):
                index = ids.get(word[start:stop])
                if index is None:
                    continue
                score = base + scores[index]
                if came_from[stop] < 0 or score > best[stop]:
                    best[stop], came_from[stop], chosen[stop] = score, start, index
                single = single or stop == start + 1
            if not single:
                score = base + self._unknown_score
                if came_from[start + 1] < 0 or score > best[start + 1]:
                    best[start + 1], came_from[start + 1], chosen[start + 1] = score, start, self._unk_id
        spans: list[tuple[int, int, int]] = []
        stop = length
        while stop > 0:
            start = came_from[stop]
            if chosen[stop] == self._unk_id and spans and spans[-1][2] == self._unk_id:
                spans[-1] = (start, spans[-1][1], self._unk_id)  # fused with the unknown text after it
            else:
                spans.append((start, stop, chosen[stop]))
            stop = start
        spans.reverse()
        return self._with_byte_offsets(word, spans)

    def _with_byte_offsets(self, word: str, spans: list[tuple[int, int, int]]) -> list[Token]:
        tokens = []
        byte_position = 0
        for start, stop, chosen in spans:
            value = word[start:stop]
            size = len(value.encode("utf-8"))
            # Like the library, a fused run of unknown characters is looked up as a whole.
            index = self._ids.get(value, self._unk_id) if chosen == self._unk_id else chosen
            tokens.append(Token(index, value, (byte_position, byte_position + size)))
            byte_position += size
        return tokens
