"""Pipeline building: requires/produces checked, `--only` resolution, versions recorded."""

from __future__ import annotations

from typing import Any

import pytest

from newsprism.config import Config
from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError
from newsprism.pipeline import build_pipeline, check_order, resolve
from newsprism.registry import Analyzer, Item, get_analyzer, register, registered


@register
class _Upper(Analyzer):
    """Test analyzer: marks the whole text."""

    name = "test-whole.v1"
    produces = ("test_whole",)
    model_version = "t1"

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        features["seen"] = True
        return doc.with_layer("test_whole", [Span(0, len(doc.text), "all")])


@register
class _Needy(Analyzer):
    """Test analyzer: requires the layer above and a feature."""

    name = "test-needy.v1"
    requires = ("test_whole",)
    produces = ("test_needy",)

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        assert features["seen"] is True
        return doc.with_layer("test_needy", [Span(0, 0, "empty")])


def test_builtins_are_registered() -> None:
    names = registered()
    for name in ("sections.v1", "sentences.v1", "encoder.v1"):
        assert name in names
    assert get_analyzer("sections.v1").produces == ("sections",)


def test_unknown_analyzer_is_a_coded_error() -> None:
    with pytest.raises(NewsprismError) as info:
        get_analyzer("nope.v9")
    assert info.value.code is Code.UNKNOWN_ANALYZER


def test_impossible_order_names_what_is_missing() -> None:
    with pytest.raises(NewsprismError) as info:
        check_order(["test-needy.v1", "test-whole.v1"])
    assert info.value.code is Code.PIPELINE_ORDER
    assert "test_whole" in info.value.message and "test-whole.v1" in info.value.message


def test_run_adds_layers_and_versions(config: Config) -> None:
    pipeline = build_pipeline(config, names=["test-whole.v1", "test-needy.v1"])
    doc = Document("d", "hello")
    out = pipeline.analyze(doc)
    assert doc.layers == {}  # the input is untouched
    assert set(out.layers) == {"test_whole", "test_needy"}
    assert out.versions["config"] == config.hash
    assert out.versions["analyzers"] == {"test-whole.v1": "t1", "test-needy.v1": "rules"}


def test_run_batches_keep_order(config: Config) -> None:
    pipeline = build_pipeline(config, names=["test-whole.v1"])
    docs = [Document(str(i), "x" * i) for i in range(1, 40)]
    out = list(pipeline.run(docs, batch_size=7))
    assert [d.id for d in out] == [d.id for d in docs]


def test_only_resolves_requirements() -> None:
    order = resolve(["test_needy"], default=["test-whole.v1", "test-needy.v1"])
    assert order == ["test-whole.v1", "test-needy.v1"]
    assert resolve(["sentences"], default=["sections.v1", "sentences.v1"]) == [
        "sections.v1",
        "sentences.v1",
    ]
    with pytest.raises(NewsprismError):
        resolve(["no_such_layer"], default=[])


def test_default_pipeline_builds(config: Config) -> None:
    pipeline = build_pipeline(config)
    assert pipeline.names == config.pipeline.default


def test_item_features_are_per_run() -> None:
    item = Item(Document("d", "t"))
    assert item.features == {}


def test_chunks_close_on_characters_as_well_as_documents(config: Config) -> None:
    """Memory follows a chunk's characters: documents are grouped up to `batch.chunk_chars` (a
    longer one goes alone), and every document comes back once, in order."""
    from dataclasses import replace

    from newsprism.pipeline import chunks_within, text_length

    lengths = [10, 30, 70, 5, 5, 200, 1, 1, 1, 1]
    docs = [Document(f"d{i}", "x" * n) for i, n in enumerate(lengths)]
    chunks = [[d.id for d in c] for c in chunks_within(docs, 3, 100, text_length)]
    assert chunks == [["d0", "d1"], ["d2", "d3", "d4"], ["d5"], ["d6", "d7", "d8"], ["d9"]]

    seen: list[list[str]] = []

    @register
    class _Recorder(Analyzer):
        """Test analyzer: records the documents of each batch it is given."""

        name = "test-recorder.v1"
        produces = ("test_recorded",)

        def process(self, items: list[Item]) -> list[Item]:
            seen.append([item.doc.id for item in items])
            return items

    small = replace(config, batch=replace(config.batch, chunk_chars=100))
    pipeline = build_pipeline(small, names=["test-recorder.v1"])
    assert [d.id for d in pipeline.run(docs, batch_size=3)] == [d.id for d in docs]
    assert seen == chunks
