"""`newsprism serve DB`: the read-only web UI on 127.0.0.1 (the `web` extra)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from newsprism.commands.common import emit_json, err_console, fail
from newsprism.errors import Code, NewsprismError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> list[str] | None:
    """Host headers the server answers: loopback names when bound to loopback (a page on another
    site cannot reach it through DNS rebinding); any when the user chose a public address."""
    if not _is_loopback(host):
        return None
    names = {host, "127.0.0.1", "localhost", "[::1]"}
    return sorted(names | {f"{name}:{port}" for name in names})


@click.command("serve")
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--json", "as_json", is_flag=True, help="Print the address as JSON, then serve.")
def serve(db: str, host: str, port: int, as_json: bool) -> None:
    """Browse a database read-only: overview, articles with layers, stories, search.

    Every page has a JSON twin (add .json: /doc/ID.json, /stories.json, /index.json).
    """
    try:
        import uvicorn

        from newsprism.web.app import create_app
    except ImportError as missing:
        fail(
            NewsprismError(
                Code.EXTRA_MISSING, "serve", f"{missing.name}; pip install 'newsprism[web]'"
            )
        )
    try:
        app = create_app(Path(db), allowed_hosts=allowed_hosts(host, port))
    except NewsprismError as error:
        fail(error)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    if as_json:
        emit_json({"url": url, "db": db, "readonly": True})
    else:
        err_console.print(
            f"newsprism: serving {db} (read-only) at {url}  (Ctrl+C stops)", markup=False
        )
    if not _is_loopback(host):
        err_console.print(
            f"warning: {host} is not a loopback address; anyone who can reach it can read the "
            "database",
            markup=False,
        )
    uvicorn.run(app, host=host, port=port, log_level="warning")
