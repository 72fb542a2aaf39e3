"""Reproducible training entry points that rebuild the heads under `models/heads/`."""
