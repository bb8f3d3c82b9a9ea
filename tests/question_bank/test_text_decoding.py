"""One decoder for bank files and submissions: only the policy for text that is not UTF-8 differs."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError
from question_bank.formats.text_decoding import NotUtf8, decode_text


def test_a_windows_1252_line_in_utf8_text_under_each_policy() -> None:
    """UTF-8 text whose second line Excel wrote in Windows-1252: 0x81 is undefined there, 0xe4 is 'ä'."""
    path = Path("answers.csv")
    raw = b"student,question,answer\nPer,1,\x81 \xe4r fel\n"

    with pytest.raises(InputFileError) as refused:
        decode_text(path, raw, policy=NotUtf8.REFUSE)
    windows = decode_text(path, raw, policy=NotUtf8.WINDOWS)
    replaced = decode_text(path, raw, policy=NotUtf8.REPLACE)

    assert refused.value.message == "answers.csv:2: not UTF-8 text (save the file as UTF-8)"
    assert windows.text == "student,question,answer\nPer,1,\x81 är fel\n"  # Latin-1: the byte is kept
    assert replaced.text == "student,question,answer\nPer,1,\ufffd är fel\n"  # the answer is read on
    assert windows.not_utf8_line == replaced.not_utf8_line == 2
