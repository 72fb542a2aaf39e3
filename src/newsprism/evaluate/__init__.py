"""Dataset loaders and scorers behind `newsprism eval ...`."""
