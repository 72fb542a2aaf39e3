"""Fixtures of the training tests: the packaged upstream MiniLM weights."""

from __future__ import annotations

import numpy as np
import pytest

from newsprism.errors import NewsprismError
from newsprism.models import minilm


@pytest.fixture(scope="module")
def upstream() -> dict[str, np.ndarray]:
    """The packaged all-MiniLM-L6-v2 weights (Hugging Face names); skips when not installed."""
    try:
        files = minilm.locate_package()
    except NewsprismError as error:
        pytest.skip(error.message)
    from safetensors.numpy import load_file

    return dict(load_file(str(files.safetensors)))
