"""Readers: bytes from files, directories, globs, stdin, corpora and WARC archives -> Documents."""

from __future__ import annotations

from newsprism.readers.inputs import read_bytes, read_inputs, read_path
from newsprism.readers.options import PRESETS, ReaderOptions

__all__ = ["PRESETS", "ReaderOptions", "read_bytes", "read_inputs", "read_path"]
