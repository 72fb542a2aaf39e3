"""Click commands of the `newsprism` CLI, one module per area; `cli.py` registers them."""
