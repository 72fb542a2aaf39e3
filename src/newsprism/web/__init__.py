"""The read-only web UI: FastAPI pages with JSON twins over a newsprism database.

Nothing heavy is imported here: `newsprism.web.app.create_app` imports FastAPI and Jinja2 (the
`web` extra) when it is called, so `import newsprism.web` stays cheap.
"""

from __future__ import annotations
