"""`newsprism serve`: coded errors for bad databases, loopback host guard, a real server run."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from newsprism.cli import run
from newsprism.commands.web import allowed_hosts


def test_missing_database_is_a_coded_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["serve", str(tmp_path / "none.db")]) == 2
    assert "E402" in capsys.readouterr().err


def test_loopback_binds_only_answer_loopback_host_names() -> None:
    hosts = allowed_hosts("127.0.0.1", 8000)
    assert hosts is not None
    assert {"127.0.0.1", "127.0.0.1:8000", "localhost:8000"} <= set(hosts)
    assert "evil.example" not in hosts
    assert allowed_hosts("0.0.0.0", 8000) is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_on_loopback(web_db: tuple[Path, bool]) -> None:
    port = _free_port()
    command = [sys.executable, "-c", "from newsprism.cli import main; main()", "serve"]
    command += [str(web_db[0]), "--port", str(port), "--json"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    body = None
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.json") as response:
                    body = json.loads(response.read())
                    headers = response.headers
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=10)
    assert body is not None, err
    assert body["documents"] == 7
    assert "default-src 'self'" in headers["content-security-policy"]
    assert json.loads(out) == {
        "url": f"http://127.0.0.1:{port}/",
        "db": str(web_db[0]),
        "readonly": True,
    }
