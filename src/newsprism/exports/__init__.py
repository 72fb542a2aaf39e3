"""Exporters from analysed Documents to other tools' formats."""
