"""Built-in analyzers: each module adds one layer (or feature) to a Document."""
