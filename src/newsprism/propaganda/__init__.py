"""Persuasion techniques (PTC): features, numpy heads and decoding for training and analysis."""
