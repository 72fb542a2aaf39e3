"""The benchmark library: JSON shape, step selection, memory sampling (no timing assertions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from newsprism.bench import RssSampler, current_rss_mb, run_bench
from newsprism.config import Config
from newsprism.errors import Code, NewsprismError

NO_ENCODER = ("read", "sections.v1", "sentences.v1")


def test_json_shape_without_encoder(config: Config) -> None:
    result = run_bench(None, config, articles=5, steps=NO_ENCODER)
    data = json.loads(json.dumps(result.to_dict()))
    assert {"articles", "floor", "steps", "total_ratio_to_floor", "peak_rss_mb"} <= set(data)
    assert data["articles"] == 5
    assert set(data["floor"]) == {"articles_per_s"}
    assert data["floor"]["articles_per_s"] is None
    assert data["total_ratio_to_floor"] is None
    assert [s["name"] for s in data["steps"]] == list(NO_ENCODER)
    for step in data["steps"]:
        assert {"name", "articles_per_s", "ratio_to_floor"} <= set(step)
        assert step["ratio_to_floor"] is None
        assert step["articles_per_s"] is None or step["articles_per_s"] > 0
    assert data["peak_rss_mb"] > 0
    assert data["notes"]


def test_only_the_asked_step_is_reported(config: Config) -> None:
    result = run_bench(None, config, articles=3, steps=["sentences.v1"])
    names = [s["name"] for s in result.to_dict()["steps"]]
    # sections.v1 still ran (untimed) to give sentences.v1 its input.
    assert names == ["sentences.v1"]
    assert result.steps[0].articles == 3


def test_given_paths_are_cycled_to_the_article_count(config: Config, tmp_path: Path) -> None:
    page = tmp_path / "one.txt"
    page.write_text("A title\n\nOne sentence here. Another one follows.\n", encoding="utf-8")
    result = run_bench([str(page)], config, articles=7, steps=["read", "sentences.v1"])
    data = result.to_dict()
    assert data["articles"] == 7
    assert [s["name"] for s in data["steps"]] == ["read", "sentences.v1"]


def test_table_renders(config: Config) -> None:
    result = run_bench(None, config, articles=2, steps=["sections.v1"])
    console = Console(record=True, width=100)
    console.print(result.to_table())
    assert "sections.v1" in console.export_text()


def test_unknown_step_and_bad_count_are_usage_errors(config: Config) -> None:
    with pytest.raises(NewsprismError) as error:
        run_bench(None, config, articles=2, steps=["nonsense.v9"])
    assert error.value.code is Code.BAD_USAGE
    with pytest.raises(NewsprismError) as error:
        run_bench(None, config, articles=0, steps=["read"])
    assert error.value.code is Code.BAD_USAGE


def test_unreadable_input_is_reported(config: Config, tmp_path: Path) -> None:
    with pytest.raises(NewsprismError):
        run_bench([str(tmp_path / "missing.txt")], config, articles=2, steps=["read"])


def test_rss_sampler_sees_memory() -> None:
    if current_rss_mb() is None:
        pytest.skip("no /proc/self/statm on this platform")
    with RssSampler(period=0.001) as sampler:
        block = bytearray(32 * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])
    assert sampler.peak is not None and sampler.peak >= 32
