"""Helpers for the tests that run the application in processes of its own: gunicorn, `manage.py` commands.

Used by tests/test_restart.py (a database restart under load) and tests/test_two_nodes.py (two application
nodes and task workers sharing one PostgreSQL database).
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(**settings: str) -> dict:
    """This process's environment without pytest's and the project's own variables, plus `settings`: a
    child process reads only the configuration the test gives it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "COSO_", "DATABASE_URL", "DJANGO_SETTINGS"))
    }
    env.update(settings)
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    """Run `manage.py ARGS` in a process of its own; its standard output (it must succeed)."""
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def wait_ready(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until the server at `base` answers /readyz with 200 (it must not stop meanwhile)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server stopped"
        try:
            if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not become ready")
