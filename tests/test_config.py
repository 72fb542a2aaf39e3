"""Options: packaged defaults, overrides, refusal of unknown keys, a stable hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.config import load_config
from newsprism.errors import Code, NewsprismError


def test_defaults_load_and_hash_is_stable() -> None:
    a, b = load_config(), load_config()
    assert a == b and a.hash == b.hash and len(a.hash) == 16
    assert a.encoder.batch_size == 32


def test_override_changes_hash(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[encoder]\nbatch_size = 8\n", encoding="utf-8")
    config = load_config(path)
    assert config.encoder.batch_size == 8
    assert config.hash != load_config().hash


@pytest.mark.parametrize(
    "body",
    ["[encoder]\nbogus = 1\n", "[nope]\nx = 1\n", "[encoder]\nbatch_size = 'big'\n", "[[["],
)
def test_bad_config_is_a_coded_error(tmp_path: Path, body: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(NewsprismError) as info:
        load_config(path)
    assert info.value.code is Code.BAD_CONFIG
    assert str(path) in info.value.message


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError) as info:
        load_config(tmp_path / "absent.toml")
    assert info.value.code is Code.NOT_FOUND


def test_error_messages_name_code_place_and_advice() -> None:
    error = NewsprismError(Code.BINARY, "x.bin", "NUL bytes")
    assert error.message.startswith("[E101] x.bin: binary content")
    assert "What to do:" in error.message
    codes = [c.code for c in Code]
    assert len(codes) == len(set(codes))
