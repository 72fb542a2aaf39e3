"""Tests of newsprism.models."""
