"""Course material: chunking, the faiss index round trip, and passages backing rubric points."""

from __future__ import annotations

from pathlib import Path

from grading.embedder import Embedder
from grading.grader import Grader
from grading.models import PointStatus
from grading.retrieval import CourseIndex, chunk_markdown, chunks_for_file
from question_bank.models import Question

NOTES = """# Regularisation

Dropout is a regularisation technique for neural networks. During training, each neuron is kept with
probability p and otherwise switched off, so the network cannot rely on any single neuron. This
reduces overfitting and works like training an ensemble of thinned networks.

# Optimisation

The learning rate controls how large a step gradient descent takes in the direction of the negative
gradient. Too large a learning rate makes training diverge; too small makes it slow.

<think>internal reasoning that must not be indexed</think>
"""


def test_chunks_follow_headings_and_drop_think_blocks() -> None:
    chunks = chunk_markdown(NOTES, "notes.md")
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))
    assert chunks[0].text.startswith("Regularisation: Dropout")
    assert any(chunk.text.startswith("Optimisation: The learning rate") for chunk in chunks)
    assert not any("internal reasoning" in chunk.text for chunk in chunks)


def test_long_sections_are_split_into_bounded_chunks() -> None:
    paragraph = " ".join(f"word{i}" for i in range(90))
    chunks = chunk_markdown("\n\n".join([paragraph] * 6), "long.txt")
    assert len(chunks) >= 3
    assert all(len(chunk.text.split()) <= 200 for chunk in chunks)


def test_index_round_trip_and_search(tmp_path: Path, minilm_embedder: Embedder) -> None:
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    index = CourseIndex.build(chunks_for_file(tmp_path / "notes.md"), minilm_embedder)
    index.save(tmp_path / "index")
    loaded = CourseIndex.load_if_present(tmp_path / "index", minilm_embedder)
    assert loaded is not None and len(loaded) == len(index)
    best = loaded.search("What does the step size of gradient descent do?", k=1)[0]
    assert "learning rate" in best.text and best.source == "notes.md"
    assert (tmp_path / "index" / "course.json").read_text(encoding="utf-8").startswith("{")


def test_index_built_with_another_model_is_not_used(tmp_path: Path, minilm_embedder: Embedder) -> None:
    CourseIndex.build(chunk_markdown(NOTES, "notes.md"), minilm_embedder).save(tmp_path)

    class OtherModel:
        model_id = "some-other-model"
        dimension = minilm_embedder.dimension

        def encode(self, texts):  # type: ignore[no-untyped-def]
            return minilm_embedder.encode(texts)

    assert CourseIndex.load_if_present(tmp_path, OtherModel()) is None
    assert CourseIndex.load_if_present(tmp_path / "absent", minilm_embedder) is None


def test_missed_point_feedback_quotes_the_passage(
    minilm_embedder: Embedder, dropout_question: Question
) -> None:
    index = CourseIndex.build(chunk_markdown(NOTES, "notes.md"), minilm_embedder)
    grader = Grader.create(minilm_embedder, course_index=index)
    grade = grader.grade(dropout_question, "Dropout switches off random neurons while training.")
    purpose = next(point for point in grade.points if point.point_id == "purpose")
    assert purpose.status is not PointStatus.COVERED
    assert purpose.supporting_passage is not None
    assert "Read: notes.md:" in grade.feedback
    assert "overfitting" in purpose.supporting_passage.text
