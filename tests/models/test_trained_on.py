"""Every shipped head that reads the shared encoder was trained on the encoder that ships."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import pytest

from newsprism.models.minilm import MODEL_VERSION
from newsprism.models.packaged import TRAINED_ON

ENCODER_HEADS = (
    "propaganda_si.npz",
    "propaganda_tc.npz",
    "ner_encoder.npz",
    "attribution_cnn.npz",
    "checkworthy.json.gz",
    "trust.json",
)
"""Heads fed by the encoder's vectors, or (trust) fitted on documents analysed with them."""


@pytest.mark.parametrize("name", ENCODER_HEADS)
def test_head_matches_the_shipped_encoder(name: str) -> None:
    heads = resources.files("newsprism").joinpath("models", "heads")
    record = json.loads(heads.joinpath(TRAINED_ON).read_text(encoding="utf-8"))
    assert name in record, f"{name} has no training record: retrain it"
    entry = record[name]
    assert entry["encoder"] == MODEL_VERSION, (
        f"{name} was trained on encoder {entry['encoder']}, the package ships {MODEL_VERSION}: "
        "retrain it (README: Retraining the models)"
    )
    digest = hashlib.sha256(heads.joinpath(name).read_bytes()).hexdigest()
    assert entry["sha256"] == digest, f"{name} changed after its training record was written"
