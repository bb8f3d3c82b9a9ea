"""The lean Unigram tokenizer must cut every text exactly as the `tokenizers` library does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tokenizers import AddedToken, Tokenizer, models, normalizers, pre_tokenizers
from tokenizers.processors import TemplateProcessing

from grading.embedder import Embedder
from grading.unigram_tokenizer import LEAN_TOKENIZER_FILE, UnigramTokenizer, write_lean_tokenizer
from question_bank.errors import TentaError
from tests.conftest import MODELS_DIR, SEED_EXAM

MIXED_TEXTS = [
    "",
    " ",
    "Ja.",
    "Dropout stänger slumpmässigt av en andel neuroner under träningen för att minska överanpassning.",
    "Backpropagation computes gradients of the loss with respect to every weight.",
    "   Extra   mellanslag\toch\ttabbar, ÅÄÖ åäö é ü ß  ",
    "def relu(x):\n    return np.maximum(0, x)  # ≥ 0\r\n",
    "Attention(Q, K, V) = softmax(QKᵀ / √d) V; ½ · ² ¼ ﬁne ℃ Ⅻ ＡＢＣ ｶﾀｶﾅ",
    "<think>Hmm, the user wants dropout.</think> Dropout deactivates neurons.",
    "Emoji 😀👍🏽🇸🇪 ❤️ 👨‍👩‍👧 and zero\u200bwidth\u200djoiners\ufe0f",
    "Control\x00chars\x01\x07\x1b[31m red \x7f\x85 and\u00a0nbsp\u3000ideographic\u2028line",
    "Combining: e\u0301 a\u0308 ª\u0301 \u00a0\u0301 ²\u0308 Hangul 한국어 \u1100\u1161\u11a8 \u3131\u314f",
    "日本語のテキストと中文混合 with English, русский текст и ελληνικά, עברית, العربية, हिन्दी",
    "Special tokens typed by a student: <s> </s> <pad> <unk> <mask> x <mask>y\t\t<mask> ＜ｓ＞ <S>",
    "<s>",
    "  <mask>",
    "a" * 600,
    "supercalifragilisticexpialidocious-antidisestablishmentarianism_" * 5,
    "\U00010348\U0001d49c\U0002000b \udbff\udfff".encode("utf-16", "surrogatepass").decode("utf-16"),
    "query: Vad är en aktiveringsfunktion?",
]


@pytest.fixture(scope="module")
def library_tokenizer(e5_embedder: Embedder) -> Tokenizer:
    """The multilingual model's tokenizer.json as the `tokenizers` library runs it (the reference)."""
    return Tokenizer.from_file(str(e5_embedder.path / "tokenizer.json"))


@pytest.fixture(scope="module")
def lean_tokenizer(e5_embedder: Embedder) -> UnigramTokenizer:
    tokenizer = e5_embedder._model.tokenizer
    assert isinstance(tokenizer, UnigramTokenizer)
    return tokenizer


def _assert_same(library: Tokenizer, lean: UnigramTokenizer, text: str) -> None:
    for special in (True, False):
        expected = library.encode(text, add_special_tokens=special)
        got = lean.encode(text, add_special_tokens=special)
        assert got.ids == expected.ids, text
        assert got.offsets == expected.offsets, text


@pytest.mark.e5
def test_multilingual_model_runs_the_lean_tokenizer(e5_embedder: Embedder) -> None:
    assert (e5_embedder.path / LEAN_TOKENIZER_FILE).is_file()
    assert isinstance(e5_embedder._model.tokenizer, UnigramTokenizer)


@pytest.mark.e5
@pytest.mark.parametrize("text", MIXED_TEXTS)
def test_lean_tokenizer_equals_the_library_on_mixed_text(
    library_tokenizer: Tokenizer, lean_tokenizer: UnigramTokenizer, text: str
) -> None:
    _assert_same(library_tokenizer, lean_tokenizer, text)


@pytest.mark.e5
def test_lean_tokenizer_equals_the_library_on_the_seed_exam(
    library_tokenizer: Tokenizer, lean_tokenizer: UnigramTokenizer
) -> None:
    """Swedish questions, English RAG answers with <think> blocks, code: the real course text."""
    paragraphs = [part for part in SEED_EXAM.read_text(encoding="utf-8").split("\n\n") if part.strip()]
    assert len(paragraphs) > 20
    for paragraph in paragraphs:
        _assert_same(library_tokenizer, lean_tokenizer, paragraph)


_ODD_CHARACTERS = st.sampled_from(
    [
        *"aAåäöé \t\n\r\x00\x01\x7f\xa0\u3000ª²¼ﬁ\u200b\u200d\ufe0f😀🏽日한",
        *"\u1100\u1161\u0301\u0308ＡＢ＜ｓ＞<>/s.,!?#",
        *("<s>", "</s>", "<unk>", "<mask>", " <mask>", "\r\n", "  "),
    ]
)


@pytest.mark.e5
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=60), st.lists(_ODD_CHARACTERS, max_size=30).map("".join)))
def test_lean_tokenizer_equals_the_library_on_any_text(
    library_tokenizer: Tokenizer, lean_tokenizer: UnigramTokenizer, text: str
) -> None:
    _assert_same(library_tokenizer, lean_tokenizer, text)


@pytest.mark.e5
def test_embedder_windows_and_ids_are_unchanged(
    e5_embedder: Embedder, library_tokenizer: Tokenizer, lean_tokenizer: UnigramTokenizer
) -> None:
    """The embedder's token ids and long-text windows come out as they did with the library."""
    long_text = " ".join(["Backpropagation sprider felet bakåt genom nätverket.\r\n"] * 80)
    assert e5_embedder.token_ids(long_text) == library_tokenizer.encode("query: " + long_text).ids
    windows = e5_embedder._windows(long_text)
    assert len(windows) > 1
    assert "".join(window for window, _ in windows) == long_text
    assert (
        lean_tokenizer.num_special_tokens_to_add(False)
        == 2
        == library_tokenizer.num_special_tokens_to_add(False)
    )
    assert lean_tokenizer.id_to_token(6) == library_tokenizer.id_to_token(6) == "▁"
    assert lean_tokenizer.id_to_token(10**9) is None


def _small_unigram(*, byte_fallback: bool = False) -> Tokenizer:
    """A hand-made Unigram tokenizer with tied scores and characters it does not know."""
    vocabulary = [
        ("<unk>", 0.0),
        ("<s>", 0.0),
        ("</s>", 0.0),
        ("▁", -2.0),
        ("▁ab", -3.0),
        ("▁a", -1.5),
        ("b", -1.5),  # ▁a + b ties with ▁ab: the library keeps the first path it found
        ("a", -2.0),
        ("c", -4.0),
        ("abc", -4.0),
        ("ca", -8.0),
    ]
    tokenizer = Tokenizer(models.Unigram(vocabulary, unk_id=0, byte_fallback=byte_fallback))
    tokenizer.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.post_processor = TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 1), ("</s>", 2)]
    )
    tokenizer.add_special_tokens([AddedToken("<s>", special=True, normalized=False)])
    tokenizer.add_special_tokens([AddedToken("</s>", special=True, normalized=False, rstrip=True)])
    return tokenizer


def test_small_unigram_ties_and_unknown_runs_match_the_library(tmp_path: Path) -> None:
    library = _small_unigram()
    assert write_lean_tokenizer(library.to_str(), tmp_path / LEAN_TOKENIZER_FILE)
    lean = UnigramTokenizer.load(tmp_path / LEAN_TOKENIZER_FILE)
    texts = ["ab", "AB abc", "xyz", "axyzb", "cab ca abca", "Ａｂ", "</s>   ab<s>", "ab </s>", "", "zz zz"]
    for text in texts:
        _assert_same(library, lean, text)
    unknown_run = lean.encode("axyzb", add_special_tokens=False)
    assert unknown_run.ids == [5, 0, 6]  # "xyz" is one unknown token, as the library fuses it


def test_only_unigram_tokenizers_get_a_lean_form(minilm_embedder: Embedder, tmp_path: Path) -> None:
    """MiniLM's WordPiece tokenizer keeps running in the library."""
    wordpiece = (minilm_embedder.path / "tokenizer.json").read_text(encoding="utf-8")
    assert not write_lean_tokenizer(wordpiece, tmp_path / LEAN_TOKENIZER_FILE)
    assert not (tmp_path / LEAN_TOKENIZER_FILE).exists()
    assert isinstance(minilm_embedder._model.tokenizer, Tokenizer)


def test_unigram_features_it_cannot_reproduce_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="byte fallback"):
        write_lean_tokenizer(_small_unigram(byte_fallback=True).to_str(), tmp_path / "a.npz")
    normalised = _small_unigram()
    normalised.add_tokens([AddedToken("abc", normalized=True)])
    with pytest.raises(ValueError, match="normalised"):
        write_lean_tokenizer(normalised.to_str(), tmp_path / "b.npz")
    pair_only = json.loads(_small_unigram().to_str())
    pair_only["post_processor"] = {"type": "BertProcessing", "sep": ["</s>", 2], "cls": ["<s>", 1]}
    with pytest.raises(ValueError, match="TemplateProcessing"):
        write_lean_tokenizer(json.dumps(pair_only), tmp_path / "c.npz")


@pytest.mark.e5
def test_damaged_lean_tokenizer_names_the_folder(e5_embedder: Embedder, tmp_path: Path) -> None:
    folder = tmp_path / "copied-e5"
    shutil.copytree(e5_embedder.path, folder, ignore=shutil.ignore_patterns("model.safetensors"))
    (folder / "model.safetensors").symlink_to(e5_embedder.path / "model.safetensors")
    (folder / LEAN_TOKENIZER_FILE).write_bytes((folder / LEAN_TOKENIZER_FILE).read_bytes()[:5000])
    with pytest.raises(TentaError, match="copied-e5") as raised:
        Embedder.load(str(folder), models_dir=MODELS_DIR)
    assert "\n" not in raised.value.message
