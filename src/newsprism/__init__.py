"""newsprism: reads news the way a careful analyst does, offline. Public API only; nothing heavy.

>>> from newsprism import Document, Span
"""

from __future__ import annotations

__version__ = "0.1.0"

from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError, ReadFailure

__all__ = ["Code", "Document", "NewsprismError", "ReadFailure", "Span", "__version__"]
