"""The Dask engine: the same batch on a local 2-worker Dask cluster stores exactly what the local
engine stores (documents and spans), failures included; unusable clusters give coded errors."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsprism.config import Config
from newsprism.corpus import Store, pipeline_spec, run_batch
from newsprism.corpus.dask_engine import DaskEngine
from newsprism.errors import Code, NewsprismError
from newsprism.samples import sample_inputs

pytest.importorskip("distributed")

PTC_ARTICLES = 4
"""PTC articles added to the demo sample: long real articles, several encoder batches each."""


def _spans(db: Path) -> list[tuple[object, ...]]:
    """Every row of the spans table, in a stable order."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT * FROM spans ORDER BY doc_id, ord").fetchall()
    finally:
        conn.close()


def _stored(db: Path) -> dict[str, str]:
    """`Store.get(id)` JSON for every stored id."""
    with Store(db, readonly=True) as store:
        return {doc_id: store.get(doc_id).to_json() for doc_id in store.ids()}


def _errors(db: Path) -> list[tuple[str, str, str]]:
    with Store(db, readonly=True) as store:
        return sorted((e.source, e.code, e.message) for e in store.errors())


@pytest.fixture(scope="module")
def inputs(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The demo sample, the seeds, some PTC articles, and two unreadable files."""
    articles = sorted((shared_data / "ptc" / "train" / "train-articles").glob("*.txt"))
    bad = tmp_path_factory.mktemp("bad")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    return [*sample_inputs(), *(str(p) for p in articles[:PTC_ARTICLES]), str(bad)]


@pytest.fixture(scope="module")
def both(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One folder holding `local.db` and `dask.db`, the same batch run by each engine."""
    from newsprism.config import load_config

    config = load_config()
    folder = tmp_path_factory.mktemp("engines")
    local = run_batch(inputs, folder / "local.db", config)
    dask = run_batch(inputs, folder / "dask.db", config, workers=2, engine="dask")
    assert (local.read, local.analyzed, local.failed) == (dask.read, dask.analyzed, dask.failed)
    assert local.analyzed == local.read  # the real pipeline analysed every readable article
    assert local.failed == 2  # the empty and the binary file
    yield folder


def test_dask_stores_the_same_documents(both: Path) -> None:
    local, dask = _stored(both / "local.db"), _stored(both / "dask.db")
    assert len(local) >= 6 + PTC_ARTICLES
    assert list(local) == list(dask)
    for doc_id, doc_json in local.items():
        assert dask[doc_id] == doc_json, doc_id


def test_dask_stores_the_same_spans(both: Path) -> None:
    local = _spans(both / "local.db")
    assert len(local) > 100
    assert _spans(both / "dask.db") == local


def test_dask_records_the_same_errors(both: Path) -> None:
    assert [code for _, code, _ in _errors(both / "dask.db")] == ["E101", "E103"]
    assert _errors(both / "dask.db") == _errors(both / "local.db")


def test_resume_on_dask_skips_everything(inputs: list[str], both: Path, config: Config) -> None:
    again = run_batch(inputs, both / "dask.db", config, workers=1, engine="dask")
    assert again.analyzed == 0 and again.skipped == again.read


def test_unreachable_scheduler_is_a_coded_error(tmp_path: Path, config: Config) -> None:
    with pytest.raises(NewsprismError) as info:
        DaskEngine(pipeline_spec(config), scheduler="tcp://127.0.0.1:9", timeout=1)  # discard port
    assert info.value.code is Code.DASK_UNREACHABLE
    assert "tcp://127.0.0.1:9" in info.value.message
    with pytest.raises(NewsprismError) as info:
        run_batch(sample_inputs(), tmp_path / "c.db", config, engine="dask", scheduler="nonsense")
    assert info.value.code is Code.DASK_UNREACHABLE
    assert not (tmp_path / "c.db").exists()  # refused before the store was opened


def test_scheduler_without_workers_is_a_coded_error(config: Config) -> None:
    import distributed

    with (
        distributed.LocalCluster(
            n_workers=0, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
        ) as cluster,
        pytest.raises(NewsprismError) as info,
    ):
        DaskEngine(pipeline_spec(config), scheduler=cluster.scheduler_address, timeout=1)
    assert info.value.code is Code.DASK_UNREACHABLE


def test_missing_dask_names_the_extra(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import now raises ImportError
    with pytest.raises(NewsprismError) as info:
        DaskEngine(pipeline_spec(config))
    assert info.value.code is Code.EXTRA_MISSING
    assert "newsprism[dask]" in info.value.message


def test_bad_engine_choices_are_usage_errors(tmp_path: Path, config: Config) -> None:
    with pytest.raises(NewsprismError) as info:
        run_batch([], tmp_path / "c.db", config, engine="spark")
    assert info.value.code is Code.BAD_USAGE
    with pytest.raises(NewsprismError) as info:
        run_batch([], tmp_path / "c.db", config, scheduler="tcp://127.0.0.1:8786")
    assert info.value.code is Code.BAD_USAGE and "--engine dask" in info.value.message
