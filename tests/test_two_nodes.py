"""Beyond one machine: two application nodes and two task workers sharing one PostgreSQL database.

Each node is a gunicorn of its own, on its own port, with its own var directory (its own throttle files and
mail directory), as it would be on another machine; what they share is the database. The test:
- writes an incident through node A's API and reads it back through node B's, and the other way round;
- signs in on node A's login page and reads the incident through node B's API with that session cookie;
- makes one incident overdue, then runs the reminders four times at once: queued from node A and from node
  B (`remind --enqueue`), run directly on both (`remind`), and worked off by two `db_worker --batch`
  processes, one per node; each Standing Board member gets the reminder once, in the app and by e-mail.

It uses the machine's PostgreSQL (127.0.0.1:5432, or COSO_NODES_PG), in a database of its own,
`coso_nodes` (COSO_NODES_DATABASE), made and dropped by the test; it is skipped, saying so, only when that
server cannot be reached.

    .venv/bin/pytest -m nodes -s     # -s prints the time each step took
"""

import contextlib
import email
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.processes import GUNICORN, PYTHON, ROOT, child_env, free_port, manage, wait_ready

SERVER = os.environ.get("COSO_NODES_PG", "postgres@127.0.0.1:5432")
DATABASE = os.environ.get("COSO_NODES_DATABASE", "coso_nodes")
BOARD = ("thuongtruc1", "thuongtruc2")
PASSWORD = "two-nodes-password-2026"


def _admin_url(database: str = "postgres") -> str:
    return f"postgresql://{SERVER}/{database}"


def _reachable() -> str:
    """Why the server cannot be reached, or ""."""
    try:
        import psycopg

        with psycopg.connect(_admin_url(), connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return f"PostgreSQL at {SERVER} cannot be reached: {exc}"
    return ""


_WHY = _reachable()
pytestmark = [pytest.mark.nodes, pytest.mark.skipif(bool(_WHY), reason=_WHY)]


def _sql(statement: str, database: str = "postgres", params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(_admin_url(database), autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


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
    actor=None, username="vanphong", password="{password}", organization=hanoi, role=Role.OFFICE,
    full_name="Văn phòng Thành ủy", validate_password=False,
)
for number, username in enumerate({board!r}, start=1):
    user_create(
        actor=None, username=username, password="{password}", organization=hanoi, role=Role.STANDING_BOARD,
        full_name=f"Thường trực {{number}}", email=f"{{username}}@example.vn", validate_password=False,
    )
leader = person_create(actor=None, organization=hanoi, full_name="Nguyễn Văn Lãnh", position="Ủy viên")
assignment_create(
    actor=None, organization=hanoi, leader=leader, role="in_charge", valid_from=dt.date(2025, 7, 1),
    locality=AdministrativeUnit.objects.get(level=2, code=70),
)
print("TOKEN=" + token_create(actor=office, user=office, name="nodes")[1])
"""

# The test stands in for the clock: the incident's acknowledgement deadline passed an hour ago.
OVERDUE = """
import datetime as dt
from django.utils import timezone
from incidents.models import Incident
print(Incident.objects.filter(pk={pk}).update(ack_due_at=timezone.now() - dt.timedelta(hours=1)))
"""

# What a node's cron would run: queue the reminders for the tasks workers, and run them here as well.
REMIND = """
from django.core.management import call_command
call_command("remind", "--enqueue")
call_command("remind")
"""

INCIDENT = {
    "description": "Người dân phản ánh qua đường dây nóng; cần kiểm tra, xử lý.",
    "unit": 70,
    "severity": "normal",
    "occurred_at": "2026-03-06T14:00:00+07:00",
    "source": "hotline",
}


class Node:
    """One application node: a gunicorn on its own port, with its own var directory."""

    def __init__(self, name: str, root: Path, database_url: str):
        self.name = name
        self.var = root / f"node-{name}"
        self.var.mkdir()
        self.mail = self.var / "mail"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = child_env(
            DATABASE_URL=database_url,
            COSO_VAR_DIR=str(self.var),
            COSO_LOG_LEVEL="ERROR",
            COSO_AXES_ENABLED="0",
            COSO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            COSO_EMAIL_FILE_PATH=str(self.mail),
        )
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self._log = None

    def start(self) -> None:
        self._log = open(self.var / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.server = subprocess.Popen(
            [GUNICORN, "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{self.port}", "-w", "1", "--threads", "2"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2", "--no-reload"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        for process in (self.server, self.worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self._log is not None:
            self._log.close()

    def command(self, *args: str) -> subprocess.Popen:
        """Start `manage.py ARGS` as this node would run it (not waited for)."""
        return subprocess.Popen(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def mails(self) -> list[email.message.Message]:
        """The e-mails this node sent (the file backend writes each connection's messages to a file)."""
        messages = []
        for path in sorted(self.mail.glob("*.log")) if self.mail.exists() else []:
            for chunk in path.read_text().split("-" * 79):
                if chunk.strip():
                    messages.append(email.message_from_string(chunk.strip()))
        return messages


@pytest.fixture(scope="module")
def nodes():
    """A fresh database on the machine's PostgreSQL, migrated, with an office login and its API token, and
    two nodes serving it."""
    timings: dict[str, float] = {}
    root = Path(tempfile.mkdtemp(prefix="coso-nodes-"))
    database_url = f"postgres://{SERVER}/{DATABASE}"
    _sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _sql(f'CREATE DATABASE "{DATABASE}"')
    a, b = Node("a", root, database_url), Node("b", root, database_url)
    try:
        started = time.monotonic()
        # Migrating is thousands of small commits: none waits for its flush to disk (this session only).
        migrate_env = dict(a.env, COSO_PG_OPTIONS="-c jit=off -c synchronous_commit=off")
        manage(migrate_env, "migrate", "--no-input", "--skip-checks", "-v", "0")
        timings["migrate"] = time.monotonic() - started
        started = time.monotonic()
        output = manage(a.env, "shell", "--no-imports", "-c", SETUP.format(password=PASSWORD, board=BOARD))
        token = next(line[6:] for line in output.splitlines() if line.startswith("TOKEN="))
        timings["data"] = time.monotonic() - started
        started = time.monotonic()
        a.start()
        b.start()
        wait_ready(a.base, a.server)
        wait_ready(b.base, b.server)
        timings["nodes ready"] = time.monotonic() - started
        yield a, b, token, timings
    finally:
        a.stop()
        b.stop()
        print("\n" + ", ".join(f"{name}: {seconds:.1f} s" for name, seconds in timings.items()))
        with contextlib.suppress(Exception):
            _sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        shutil.rmtree(root, ignore_errors=True)


def _create(node: Node, token: str, title: str) -> int:
    response = requests.post(
        f"{node.base}/api/v1/incidents/",
        json={"title": title, **INCIDENT},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text[:500]
    return response.json()["id"]


def _read(node: Node, token: str, pk: int) -> dict:
    response = requests.get(
        f"{node.base}/api/v1/incidents/{pk}", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert response.status_code == 200, response.text[:500]
    return response.json()


def test_a_write_through_one_node_is_read_back_through_the_other(nodes):
    a, b, token, timings = nodes
    started = time.monotonic()
    first = _create(a, token, "Viết qua nút A")
    assert _read(b, token, first)["title"] == "Viết qua nút A"
    second = _create(b, token, "Viết qua nút B")
    assert _read(a, token, second)["title"] == "Viết qua nút B"
    listed = requests.get(
        f"{b.base}/api/v1/incidents/", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ).json()
    assert {first, second} <= {item["id"] for item in listed["items"]}
    timings["writes and reads"] = time.monotonic() - started


def test_a_session_opened_on_one_node_is_valid_on_the_other(nodes):
    a, b, token, _timings = nodes
    pk = _create(a, token, "Phiên đăng nhập dùng chung")
    browser = requests.Session()
    # The CSRF check compares the form's token with the cookie's; a client may choose the secret itself.
    secret = secrets.token_hex(16)
    browser.cookies.set("csrftoken", secret)
    signed_in = browser.post(
        f"{a.base}/accounts/login/",
        data={"username": BOARD[0], "password": PASSWORD, "csrfmiddlewaretoken": secret},
        headers={"Referer": f"{a.base}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    session = {"sessionid": browser.cookies["sessionid"]}
    # The API takes a signed-in session as well as a token: node B knows node A's session.
    read = requests.get(f"{b.base}/api/v1/incidents/{pk}", cookies=session, timeout=30)
    assert read.status_code == 200, read.text[:500]
    assert read.json()["title"] == "Phiên đăng nhập dùng chung"
    assert requests.get(f"{b.base}/api/v1/incidents/{pk}", timeout=30).status_code == 401


def test_a_reminder_queued_and_run_on_both_nodes_is_sent_once(nodes):
    a, b, token, timings = nodes
    pk = _create(a, token, "Quá hạn tiếp nhận")
    assert manage(a.env, "shell", "--no-imports", "-c", OVERDUE.format(pk=pk)).strip() == "1"
    database = DATABASE
    started = time.monotonic()
    # Each node queues the run and runs it directly, both nodes at the same time; the worker of each node
    # takes queued tasks as they come: the two runs, and the e-mails the runs queue.
    runs = [node.command("shell", "--no-imports", "-c", REMIND) for node in (a, b)]
    for run in runs:
        _out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err[-2000:]
    deadline = time.monotonic() + 30
    while True:
        waiting = _sql(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')",
            database,
        )[0][0]
        if not waiting or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    timings["reminders"] = time.monotonic() - started
    queued = _sql(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
        database,
        ("core.tasks.send_reminders_task",),
    )[0][0]
    assert queued == 2
    workers = dict(
        _sql("SELECT worker_ids::text, count(*) FROM django_tasks_database_dbtaskresult GROUP BY 1", database)
    )
    statuses = dict(
        _sql("SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status", database)
    )
    assert set(statuses) == {"SUCCESSFUL"}, statuses
    key = f"incident:{pk}:overdue-ack:%"
    notifications = _sql(
        "SELECT u.username, n.emailed_at IS NOT NULL FROM core_notification n "
        "JOIN accounts_user u ON u.id = n.user_id WHERE n.key LIKE %s ORDER BY u.username",
        database,
        (key,),
    )
    # One notification to each member of the Standing Board, each e-mailed.
    assert notifications == [(username, True) for username in BOARD]
    sent = [message for node in (a, b) for message in node.mails()]
    assert sorted(message["To"] for message in sent) == sorted(f"{name}@example.vn" for name in BOARD)
    print(
        f"\nreminder runs: 2 queued + 2 direct; tasks: {json.dumps(statuses)}, by worker: {workers}; "
        f"e-mails from node A: {len(a.mails())}, from node B: {len(b.mails())}"
    )
