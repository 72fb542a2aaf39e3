"""Model artefacts: the shared MiniLM encoder (hash-checked, exported to ONNX) and trained heads."""
