"""A database restart, survived: gunicorn on a private PostgreSQL cluster, under a write and read load,
while the cluster restarts twice; and an import killed with SIGKILL half-way.

The cluster is this module's own: made with `initdb` in a temporary directory and run with `pg_ctl` on a
free port of 127.0.0.1 (never the machine's shared server). As root, PostgreSQL's tools run as the
`postgres` user (initdb refuses root). Without `initdb` and `pg_ctl` (Debian's postgresql packages, found
in /usr/lib/postgresql/*/bin, on the PATH, or in COSO_PG_BIN) the module is skipped.

    .venv/bin/pytest -m restart -s      # -s shows the measured outage windows and 503s

What is asserted:
- every create answered 2xx is in the database (no acknowledged write lost);
- clients that retried with their Idempotency-Key made no duplicate;
- every error answer is a clean JSON 503 in Vietnamese with Retry-After: no 500, no traceback, no other
  status, no dropped connection;
- the application recovers by itself after each restart, and /healthz answers 200 (with a session cookie)
  while the database is down, /readyz 503 with Retry-After;
- an import killed with SIGKILL in the middle leaves no row, its job reads as interrupted, and the same
  sheet then imports in full.
"""

import contextlib
import glob
import json
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.processes import GUNICORN, PYTHON, ROOT, child_env, free_port, manage, wait_ready

DATABASE = "coso"
DATABASE_DOWN = (
    "Cơ sở dữ liệu hiện không truy cập được. Vui lòng thử lại sau ít phút.",
    "Cơ sở dữ liệu không thể hoàn tất yêu cầu. Vui lòng thử lại sau ít phút.",
)
TITLE = "Khởi động lại"
WRITERS, READERS = 6, 2
# Seconds a client waits before sending again: Retry-After says 5, shortened to keep the test quick.
RETRY_PAUSE = 0.3
RECOVERY_LIMIT = 15.0  # seconds after the cluster is back by which a write must succeed again


def pg_bin() -> Path | None:
    candidates = [os.environ.get("COSO_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    on_path = shutil.which("initdb")
    candidates.append(str(Path(on_path).parent) if on_path else "")
    for candidate in filter(None, candidates):
        if (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    return None


PG_BIN = pg_bin()
pytestmark = [
    pytest.mark.restart,
    pytest.mark.skipif(
        PG_BIN is None,
        reason="initdb and pg_ctl not found (Debian's postgresql package, /usr/lib/postgresql/*/bin)",
    ),
]


class Cluster:
    """A PostgreSQL cluster of its own in `root`, on a private port of 127.0.0.1."""

    def __init__(self, root: Path):
        self.home = root / "pg"
        self.data = self.home / "data"
        self.sockets = self.home / "run"
        self.log = self.home / "postgres.log"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.home.mkdir()
        self.sockets.mkdir()
        if self.as_root:
            postgres = pwd.getpwnam("postgres")
            os.chmod(root, 0o755)  # mkdtemp makes it 0700: the postgres user must reach its own directory
            for path in (self.home, self.sockets):
                os.chown(path, postgres.pw_uid, postgres.pw_gid)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout, cwd=self.home)

    def _ctl(self, *args: str, options: str = "") -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 {options}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, *args)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def start(self, options: str = "") -> None:
        self._ctl("start", options=options)

    def restart_fast(self) -> None:
        self._ctl("restart", "-m", "fast")  # with the options of the last start

    def stop_immediate(self) -> None:
        self._ctl("stop", "-m", "immediate")

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("stop", "-m", mode)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()


SETUP = """
import datetime as dt
from accounts.choices import Role
from accounts.services import token_create, user_create
from org.models import AdministrativeUnit, PartyCommittee
from org.services import assignment_create, person_create, units_import
units_import(actor=None, province_codes=[1])
hanoi = PartyCommittee.objects.create(
    code="hanoi", name="Thành ủy Hà Nội", superior_body="ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", place_name="Hà Nội",
    root_unit=AdministrativeUnit.objects.get(level=1, code=1),
)
office = user_create(
    actor=None, username="vanphong", password="restart-password-2026", organization=hanoi, role=Role.OFFICE,
    full_name="Văn phòng Thành ủy", validate_password=False,
)
leader = person_create(actor=None, organization=hanoi, full_name="Nguyễn Văn Lãnh", position="Ủy viên")
assignment_create(
    actor=None, organization=hanoi, leader=leader, role="in_charge", valid_from=dt.date(2025, 7, 1),
    locality=AdministrativeUnit.objects.get(level=2, code=70),
)
print("TOKEN=" + token_create(actor=office, user=office, name="restart")[1])
"""


@dataclass
class World:
    cluster: Cluster
    env: dict
    token: str
    var: Path
    timings: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def world():
    """The cluster, started, with a migrated database, an office login and its API token."""
    root = Path(tempfile.mkdtemp(prefix="coso-restart-"))
    cluster = Cluster(root)
    timings = {}
    try:
        started = time.monotonic()
        cluster.init()
        # Migrating is thousands of small commits: without flushing each to disk while the schema is made.
        cluster.start("-c fsync=off -c synchronous_commit=off")
        import psycopg

        admin = f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        timings["cluster"] = time.monotonic() - started
        var = root / "var"
        var.mkdir()
        env = child_env(
            DATABASE_URL=cluster.url,
            COSO_VAR_DIR=str(var),
            COSO_DB_CONN_MAX_AGE="60",
            COSO_LOG_LEVEL="ERROR",
            COSO_AXES_ENABLED="0",
        )
        started = time.monotonic()
        manage(env, "migrate", "--no-input", "--skip-checks", "-v", "0")
        timings["migrate"] = time.monotonic() - started
        output = manage(env, "shell", "--no-imports", "-c", SETUP)
        token = next(line[6:] for line in output.splitlines() if line.startswith("TOKEN="))
        cluster.stop()
        cluster.start()  # as a server runs: every commit flushed
        yield World(cluster, env, token, var, timings)
    finally:
        cluster.stop("immediate")  # its data is thrown away
        shutil.rmtree(root, ignore_errors=True)


# --- the load ------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    started: float
    ended: float
    kind: str  # "write" or "read"
    status: int | None  # None: no answer (the connection failed)
    problem: str = ""  # why an answer is not a clean one
    detail: str = ""


@dataclass
class Load:
    base: str
    token: str
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)  # title -> id answered 2xx
    attempted: set[str] = field(default_factory=set)
    replayed: int = 0
    retried: int = 0

    def headers(self, **extra) -> dict:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


def clean_503(response: requests.Response) -> str:
    """Why a 503 is not clean, or ""."""
    if "Traceback" in response.text:
        return "a traceback in the body"
    if not response.headers.get("Retry-After", "").isdigit():
        return "no Retry-After"
    if not response.headers.get("Content-Type", "").startswith("application/json"):
        return f"not JSON: {response.headers.get('Content-Type')}"
    detail = response.json().get("detail")
    if detail not in DATABASE_DOWN:
        return f"not the Vietnamese message: {detail!r}"
    return ""


def call(load: Load, kind: str, method: str, url: str, **kwargs) -> requests.Response | None:
    started = time.monotonic()
    try:
        response = requests.request(method, url, timeout=30, **kwargs)
    except requests.RequestException as exc:
        load.record(Outcome(started, time.monotonic(), kind, None, f"no answer: {exc!r}"))
        return None
    problem, detail = "", ""
    if response.status_code == 503:
        problem = clean_503(response)
        detail = response.text[:100]
    elif response.status_code >= 300:
        problem = f"HTTP {response.status_code}: {response.text[:200]}"
    load.record(Outcome(started, time.monotonic(), kind, response.status_code, problem, detail))
    return response


def writer(load: Load, number: int) -> None:
    """Report incidents, each with its own key; on a 503 or a lost connection, send it again with the same
    key and body until it is answered (or the run is long over)."""
    count = 0
    while not load.stop.is_set():
        count += 1
        title = f"{TITLE} {number}-{count}"
        body = {
            "title": title,
            "description": "Người dân phản ánh qua đường dây nóng; cần kiểm tra, xử lý.",
            "unit": 70,
            "severity": "normal",
            "occurred_at": "2026-03-06T14:00:00+07:00",
            "source": "hotline",
        }
        headers = load.headers(**{"Idempotency-Key": str(uuid.uuid4())})
        with load.lock:
            load.attempted.add(title)
        give_up = None
        while True:
            response = call(
                load, "write", "POST", f"{load.base}/api/v1/incidents/", json=body, headers=headers
            )
            if response is not None and response.status_code == 201:
                with load.lock:
                    load.acknowledged[title] = response.json()["id"]
                    load.replayed += response.headers.get("Idempotent-Replayed") == "true"
                break
            if response is not None and response.status_code not in (503,):
                break  # not a retryable answer: recorded as a problem
            give_up = give_up or time.monotonic() + 60
            if time.monotonic() > give_up:
                break
            with load.lock:
                load.retried += 1
            time.sleep(RETRY_PAUSE)


def reader(load: Load) -> None:
    """Read the list and the last acknowledged incident; after an error, wait as a writer does."""
    while not load.stop.is_set():
        responses = [
            call(load, "read", "GET", f"{load.base}/api/v1/incidents/?page=1", headers=load.headers())
        ]
        with load.lock:
            last = list(load.acknowledged.values())[-1:]
        if last:
            url = f"{load.base}/api/v1/incidents/{last[0]}"
            responses.append(call(load, "read", "GET", url, headers=load.headers()))
        failed = any(r is None or r.status_code >= 500 for r in responses)
        time.sleep(RETRY_PAUSE if failed else 0.05)


def first_write_after(load: Load, moment: float) -> float | None:
    with load.lock:
        times = [
            o.ended for o in load.outcomes if o.kind == "write" and o.status == 201 and o.started >= moment
        ]
    return min(times, default=None)


def failures_between(load: Load, start: float, end: float) -> list[Outcome]:
    """The failed requests that ended in [start, end): a request queued before an event fails with it."""
    with load.lock:
        return [o for o in load.outcomes if start <= o.ended < end and (o.status is None or o.status >= 500)]


def test_the_application_survives_two_database_restarts_under_load(world):
    cluster, env = world.cluster, dict(world.env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = open(world.var / "gunicorn.log", "w")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4"],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    load = Load(base, world.token)
    threads = [threading.Thread(target=writer, args=(load, n), daemon=True) for n in range(WRITERS)]
    threads += [threading.Thread(target=reader, args=(load,), daemon=True) for _ in range(READERS)]
    events = {}
    probes = {}
    try:
        wait_ready(base, server)
        began = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(3)

        events["fast restart"] = [time.monotonic()]
        cluster.restart_fast()
        events["fast restart"].append(time.monotonic())  # the cluster answers again
        time.sleep(4)

        events["stop of 4 s"] = [time.monotonic()]
        cluster.stop_immediate()
        time.sleep(1)
        cookie = {"sessionid": "x" * 32, "csrftoken": "y" * 32}
        probes["healthz"] = requests.get(f"{base}/healthz", cookies=cookie, timeout=10)
        probes["readyz"] = requests.get(f"{base}/readyz", cookies=cookie, timeout=10)
        time.sleep(3)
        starting = time.monotonic()
        cluster.start()
        events["stop of 4 s"].append(time.monotonic())
        print(f"\npg_ctl start after the immediate stop took {time.monotonic() - starting:.1f} s")
        time.sleep(4)
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=90)
        ended = time.monotonic()
        ready_after = None
        with contextlib.suppress(requests.RequestException):
            ready_after = requests.get(f"{base}/readyz", timeout=10).status_code
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()

    rows = cluster.query(
        "SELECT title, count(*), min(id) FROM incidents_incident WHERE title LIKE %s GROUP BY title",
        (f"{TITLE} %",),
    )
    in_database = {title: (count, first) for title, count, first in rows}
    lost = [t for t, pk in load.acknowledged.items() if in_database.get(t, (0, None))[1] != pk]
    duplicates = {t: n for t, (n, _pk) in in_database.items() if n > 1}
    unanswered = sorted(load.attempted - set(load.acknowledged))
    committed_unanswered = [t for t in unanswered if t in in_database]
    problems = Counter(o.problem for o in load.outcomes if o.problem)
    statuses = Counter(o.status for o in load.outcomes)
    failures = [o for o in load.outcomes if o.status is None or o.status >= 500]

    print(f"\ncluster {world.timings['cluster']:.1f} s, migrate {world.timings['migrate']:.1f} s")
    print(
        f"{len(load.outcomes)} requests in {ended - began:.1f} s from {WRITERS + READERS} clients: {statuses}"
    )
    print(
        f"writes acknowledged {len(load.acknowledged)}, retried sends {load.retried}, answered from the "
        f"stored answer {load.replayed}"
    )
    windows = {}
    names = list(events)
    for index, name in enumerate(names):
        start, back = events[name]
        until = events[names[index + 1]][0] if index + 1 < len(names) else ended
        failed = failures_between(load, start, until)
        recovered = first_write_after(load, back)
        window = (max(o.ended for o in failed) - min(o.started for o in failed)) if failed else 0.0
        windows[name] = (back, recovered)
        print(
            f"{name}: cluster down for {back - start:.1f} s, 503s {len(failed)}, outage seen by clients "
            f"{window:.1f} s, first write {recovered - back if recovered else float('nan'):.1f} s after the "
            "cluster was back"
        )

    assert not problems, problems.most_common(5)
    assert all(o.status == 503 for o in failures)
    assert lost == [], f"acknowledged writes lost: {lost[:5]}"
    assert duplicates == {}, f"duplicates: {list(duplicates.items())[:5]}"
    assert committed_unanswered == [], committed_unanswered[:5]
    assert len(load.acknowledged) >= 20
    assert failures, "the restarts were not seen by any request: nothing was tested"
    for name, (back, recovered) in windows.items():
        assert recovered is not None and recovered - back < RECOVERY_LIMIT, f"no recovery after the {name}"
    assert probes["healthz"].status_code == 200 and probes["healthz"].json() == {"status": "ok"}
    assert probes["readyz"].status_code == 503 and probes["readyz"].headers["Retry-After"] == "5"
    assert probes["readyz"].json() == {"status": "unavailable", "database": False}
    assert ready_after == 200


# --- an import killed half-way -------------------------------------------------------------------------

IMPORT = """
import json
from django.core.files import File
from accounts.models import User
from core.imports import import_run, import_start, progress_path
office = User.objects.get(username="vanphong")
with open({path!r}, "rb") as handle:
    job = import_start(actor=office, kind="incidents", file=File(handle, name="vu-viec.xlsx"), language="vi")
print(json.dumps({{"job": job.pk, "progress": str(progress_path(job))}}), flush=True)
print(import_run(job.pk), flush=True)
"""

STATE = """
import datetime as dt, json
from django.utils import timezone
from core.imports import STALLED_AFTER, job_state
from core.models import ImportJob
job = ImportJob.objects.get(pk={job})
now = timezone.now() + STALLED_AFTER + dt.timedelta(minutes=1)
state = job_state(job, now=now)
print(json.dumps({{"status": state.status, "failure": state.failure}}))
"""

KILLED_ROWS = 3_000
KILLED_COUNT = "SELECT count(*) FROM incidents_incident WHERE title LIKE %s"


def test_an_import_killed_half_way_writes_nothing_and_reads_as_interrupted(world):
    from incidents.tests.test_excel import row, sheet

    cluster = world.cluster
    path = world.var / "vu-viec.xlsx"
    path.write_bytes(sheet([row(f"Nhập dở {n}") for n in range(1, KILLED_ROWS + 1)]))

    worker = subprocess.Popen(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", IMPORT.format(path=str(path))],
        cwd=ROOT,
        env=world.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = json.loads(worker.stdout.readline())
    progress = Path(started["progress"])
    deadline = time.monotonic() + 60
    seen = None
    while time.monotonic() < deadline and worker.poll() is None:
        try:
            seen = json.loads(progress.read_text())
        except (OSError, ValueError):
            seen = None
        if seen and 0 < seen["done"] < seen["total"]:
            break
        time.sleep(0.005)
    assert worker.poll() is None, "the import ended before it could be killed half-way"
    assert seen and 0 < seen["done"] < seen["total"], seen
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    print(f"\nkilled after {seen['done']} of {seen['total']} rows had been written in its transaction")

    written = cluster.query(KILLED_COUNT, ("Nhập dở %",))[0][0]
    assert written == 0
    assert cluster.query("SELECT status FROM core_importjob WHERE id = %s", (started["job"],)) == [
        ("running",)
    ]
    state = json.loads(
        manage(world.env, "shell", "--no-imports", "-c", STATE.format(job=started["job"])).splitlines()[-1]
    )
    assert state["status"] == "failed"
    assert state["failure"].startswith("Việc nhập bị gián đoạn"), state

    # The same sheet again: nothing of the first run is there to be refused as already recorded.
    output = manage(world.env, "shell", "--no-imports", "-c", IMPORT.format(path=str(path)))
    assert output.splitlines()[-1] == "done", output
    written = cluster.query(KILLED_COUNT, ("Nhập dở %",))[0][0]
    assert written == KILLED_ROWS
