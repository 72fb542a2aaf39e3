"""`newsprism train all`: every head in dependency order, each step in its own process."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from newsprism.cli import main


class _Recorder:
    def __init__(self, fail_at: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail_at = fail_at

    def __call__(self, args: list[str], check: bool = False) -> Any:
        self.calls.append(args)
        failed = self.fail_at is not None and self.fail_at in " ".join(args)
        return subprocess.CompletedProcess(args, 1 if failed else 0)


def _steps(recorder: _Recorder) -> list[str]:
    assert all(call[0] == sys.executable for call in recorder.calls)
    return [" ".join(call[2:]) for call in recorder.calls]


def test_steps_run_in_dependency_order(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = _Recorder()
    monkeypatch.setattr(subprocess, "run", recorder)
    result = CliRunner().invoke(main, ["train", "all", "--tune-encoder"])
    assert result.exit_code == 0, result.output
    assert _steps(recorder) == [
        "newsprism train propaganda --tune-encoder",
        "newsprism models prepare",
        "newsprism.train.ner",
        "newsprism.train.attributions",
        "newsprism.train.checkworthy",
        "newsprism.train.trust",
        "newsprism.train.comments",
    ]


def test_skip_propaganda_and_a_failed_step_stops_the_chain(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = _Recorder(fail_at="attributions")
    monkeypatch.setattr(subprocess, "run", recorder)
    result = CliRunner().invoke(main, ["train", "all", "--skip-propaganda"])
    assert result.exit_code != 0
    assert "attributions failed" in result.output
    assert _steps(recorder) == [
        "newsprism models prepare",
        "newsprism.train.ner",
        "newsprism.train.attributions",
    ]
