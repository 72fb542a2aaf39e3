"""Shared fixtures: the public data folder (skip when absent), the seeds, a default config."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.config import Config, data_dir, load_config

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def config() -> Config:
    """The packaged default configuration."""
    return load_config()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data` (or $NEWSPRISM_DATA); tests needing it skip with the reason when absent."""
    path = data_dir()
    if not path.is_dir():
        pytest.skip(f"public data not found at {path} (set NEWSPRISM_DATA)")
    return path


@pytest.fixture(scope="session")
def seeds_dir(shared_data: Path) -> Path:
    """The two founding example articles."""
    path = shared_data / "seeds"
    if not path.is_dir():
        pytest.skip(f"seeds not found at {path}")
    return path


@pytest.fixture(scope="session")
def seed_000(seeds_dir: Path) -> Path:
    """Seed 000: Fars-sourced blog post with bio, book plug and comment-form boilerplate."""
    return next(seeds_dir.glob("000_*.txt"))


@pytest.fixture(scope="session")
def seed_002(seeds_dir: Path) -> Path:
    """Seed 002: VT article with captions, disclosures and five reader comments."""
    return next(seeds_dir.glob("002_*.txt"))


@pytest.fixture(scope="session")
def encoder_dir() -> Path:
    """The prepared ONNX encoder folder (exported into the user cache once, then reused).

    Skips with the reason when the model package or the `ml` extra is not installed.
    """
    from newsprism.errors import Code, NewsprismError
    from newsprism.models.minilm import prepare

    try:
        return prepare(log=print)
    except NewsprismError as error:
        if error.code in (Code.MODEL_PACKAGE_MISSING, Code.EXTRA_MISSING):
            pytest.skip(error.message)
        raise


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory, config: Config) -> tuple[Path, bool]:
    """(database, has_stories) served by tests/web and tests/e2e; built once per session.

    Skips when the `web` extra is not installed.
    """
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    from web.webdb import build_web_db  # tests/web/webdb.py

    path = tmp_path_factory.mktemp("web") / "corpus.db"
    return path, build_web_db(path, config)
