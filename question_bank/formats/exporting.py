"""What the package exporters (Anki, QTI) share: choice letters, placing a question's media where its
markers say, and writing the package atomically with the permissions a plain file gets."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Collection
from pathlib import Path

from question_bank.errors import TentaError
from question_bank.models import Question

MEDIA_MARKER = re.compile(r"\[(image|sound|video): ([^\]\n]+)\]")
"""A question text's "[image: name]" / "[sound: name]" / "[video: name]"."""
IMAGE_NAME = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|tiff?|avif)$", re.IGNORECASE)


def letter(index: int) -> str:
    """A, B, … Z, AA, AB …: choice labels in the order shown (the labels of <ol type="A">)."""
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = chr(ord("A") + remainder) + label
    return label


class MediaPlacement:
    """Which of a question's packed files a media marker shows, remembering what was placed so the rest
    can follow the prompt. A picture marker naming no file (its alt text) takes the next picture no
    marker names, in order."""

    def __init__(self, question: Question, packed: Collection[str]) -> None:
        texts = [*question.prompt.values(), *(choice.text for choice in question.choices)]
        marked = {match.group(2) for text in texts for match in MEDIA_MARKER.finditer(text)}
        self.names = [name for name in question.media if name in packed]
        self._spare = iter([name for name in self.names if name not in marked and IMAGE_NAME.search(name)])
        self.placed: list[str] = []

    def place(self, kind: str, label: str) -> str | None:
        """The file a marker of `kind` saying `label` shows (None: none, the marker stays text)."""
        name = label if label in self.names else (next(self._spare, None) if kind == "image" else None)
        if name is not None:
            self.placed.append(name)
        return name

    def unplaced(self) -> list[str]:
        """The question's packed files no marker placed."""
        return [name for name in self.names if name not in self.placed]


def _file_mode(out: Path) -> int:
    """The permissions `out` has, or those a plain new file gets (mkstemp's 0600 would hide the package
    from whoever it is handed to)."""
    if out.exists():
        return out.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(out: Path, write: Callable[[Path], None]) -> None:
    """Have `write` fill a temporary file beside `out`, then put it in `out`'s place: a failure leaves the
    old file or none, never half of one. OS errors become a one-line TentaError naming `out`."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as error:
        raise TentaError(f"cannot write {out}: {error.strerror or error}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        temporary.chmod(_file_mode(out))
        temporary.replace(out)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise TentaError(f"cannot write {out}: {error.strerror or error}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
