"""`make load`: 50 concurrent users on a mixed read/write journey for 60 s, against gunicorn on PostgreSQL.

It creates (or empties) the database `coso_load` on 127.0.0.1:5432, migrates it and loads the demo data,
starts gunicorn on 127.0.0.1 only, and runs the virtual users: each signs in as one of the demo logins,
then loops over the main pages and API reads, and (for the logins that may) reports incidents through
the API. It prints a table per step (requests, errors, median and p95 ms) and exits 1 when the server
answered with a 5xx or a request failed.

    .venv/bin/python tests/load.py [--users 50] [--seconds 60] [--workers 4] [--port 8001] [--keep]
"""

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "coso_load"
HANOI_WRITERS = ("vanphong", "lanhdao", "hoankiem")
LOGINS = ("vanphong", "bithu", "lanhdao", "hoankiem", "kiemtra", "vanphonghcm", "totruong")
READS = (
    ("home", "/"),
    ("unit search", "/org/units/?q=hoan+kiem"),
    ("leaders", "/org/leaders/"),
    ("my items", "/followup/"),
    ("directives", "/followup/directives/"),
    ("obstacles", "/followup/obstacles/"),
    ("incidents", "/incidents/"),
    ("incident statistics", "/incidents/statistics/"),
    ("API units", "/api/v1/org/units/?q=hoan%20kiem"),
    ("API incidents", "/api/v1/incidents/?page=1"),
    ("API directives", "/api/v1/followup/directives/"),
)


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.server_errors: dict[str, int] = defaultdict(int)
        self.client_errors: dict[str, int] = defaultdict(int)
        self.failures: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []

    def add(self, step: str, started: float, response: requests.Response | None, error: str = ""):
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times[step].append(elapsed)
            if response is None:
                self.failures[step] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{step}: {error}")
            elif response.status_code >= 500:
                self.server_errors[step] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{step}: HTTP {response.status_code}")
            elif response.status_code >= 400:
                self.client_errors[step] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{step}: HTTP {response.status_code} {response.text[:200]}")


def call(results: Results, session: requests.Session, step: str, method: str, url: str, **kwargs):
    started = time.perf_counter()
    try:
        response = session.request(method, url, timeout=30, allow_redirects=False, **kwargs)
    except requests.RequestException as exc:
        results.add(step, started, None, repr(exc))
        return None
    results.add(step, started, response)
    return response


def sign_in(results: Results, base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    call(results, session, "sign-in page", "GET", f"{base}/accounts/login/")
    response = call(
        results,
        session,
        "sign in",
        "POST",
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken"),
        },
        headers={"Referer": f"{base}/accounts/login/"},
    )
    if response is None or response.status_code != 302:
        raise SystemExit(f"{username} could not sign in: {getattr(response, 'status_code', 'no answer')}")
    return session


def virtual_user(number: int, base: str, password: str, deadline: float, results: Results):
    rng = random.Random(number)
    username = LOGINS[number % len(LOGINS)]
    session = sign_in(results, base, username, password)
    while time.monotonic() < deadline:
        if username in HANOI_WRITERS and rng.random() < 0.2:
            moment = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=rng.randint(5, 600))
            response = call(
                results,
                session,
                "API report incident",
                "POST",
                f"{base}/api/v1/incidents/",
                json={
                    "title": f"Tập kết vật liệu xây dựng trên vỉa hè số {rng.randint(1, 200)}",
                    "description": "Người dân phản ánh qua đường dây nóng; cần kiểm tra, xử lý.",
                    "unit": 70,
                    "severity": rng.choice(["normal", "normal", "complex", "urgent"]),
                    "occurred_at": moment.isoformat(),
                    "source": "hotline",
                },
                headers={"X-CSRFToken": session.cookies.get("csrftoken", ""), "Referer": base + "/"},
            )
            if response is not None and response.status_code == 201:
                call(results, session, "incident page", "GET", f"{base}/incidents/{response.json()['id']}/")
        else:
            step, path = rng.choice(READS)
            call(results, session, step, "GET", base + path)


def prepare(env: dict) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    for args in (["migrate", "--no-input", "-v", "0"], ["demo"], ["collectstatic", "--no-input", "-v", "0"]):
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_ready(base: str, server: subprocess.Popen) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it was ready")
        try:
            if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not become ready in 60 s")


def report(results: Results, seconds: float) -> int:
    total = sum(len(v) for v in results.times.values())
    print(f"\n{'step':<22}{'requests':>9}{'5xx':>6}{'4xx':>6}{'failed':>8}{'median ms':>11}{'p95 ms':>9}")
    for step in sorted(results.times):
        times = sorted(results.times[step])
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"{step:<22}{len(times):>9}{results.server_errors[step]:>6}{results.client_errors[step]:>6}"
            f"{results.failures[step]:>8}{statistics.median(times):>11.0f}{p95:>9.0f}"
        )
    server_errors = sum(results.server_errors.values()) + sum(results.failures.values())
    print(f"\n{total} requests in {seconds:.0f} s ({total / seconds:.0f}/s)")
    print(f"server errors and failed requests: {server_errors}")
    for sample in results.samples:
        print("  ", sample)
    return 1 if server_errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--keep", action="store_true", help="reuse the loaded database (skip migrate and demo)"
    )
    options = parser.parse_args()

    password = os.environ.get("COSO_DEMO_PASSWORD", "coso-demo-2026")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{DATABASE}",
        "COSO_DEMO_PASSWORD": password,
        "COSO_DB_CONN_MAX_AGE": "60",
    }
    # The virtual users stand for people in many places, but all come from 127.0.0.1: the API's limit per
    # address would count them as one client (the limit per user still applies).
    env.setdefault("COSO_API_RATE_ADDRESS", "")
    env.pop("COSO_PRODUCTION", None)  # plain HTTP on 127.0.0.1: the cookies cannot be secure-only
    if not options.keep:
        prepare(env)
    base = f"http://127.0.0.1:{options.port}"
    server = subprocess.Popen(
        [
            *(str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "coso.wsgi"),
            *("-b", f"127.0.0.1:{options.port}"),
            *("-w", str(options.workers), "--threads", "4", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_ready(base, server)
        results = Results()
        deadline = time.monotonic() + options.seconds
        started = time.monotonic()
        threads = [
            threading.Thread(target=virtual_user, args=(n, base, password, deadline, results), daemon=True)
            for n in range(options.users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return report(results, time.monotonic() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
