"""Benchmarks: time pages and API reads in-process, with their SQL, and report medians and p95.

Each app registers scenarios (a name, a user, a URL); `coso bench` runs them against the current database
(seed it first with `coso seed-scale`) and prints name, rows, queries, median ms, p95 ms and the ratio of
server time to SQL time, and writes the same table to var/bench.json.
"""

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from core.registry import in_app_order


@dataclass(frozen=True)
class Scenario:
    name: str
    username: str
    url: str
    rows: int = 0  # how many records the page or list stands on, for the report


@dataclass
class Result:
    name: str
    rows: int
    queries: int
    median_ms: float
    p95_ms: float
    sql_median_ms: float
    ratio_to_sql: float
    status: int


ScenarioSource = Callable[[], list[Scenario]]
_sources: list[ScenarioSource] = []


def register_scenarios(source: ScenarioSource) -> ScenarioSource:
    """Register a function that returns scenarios for the seeded data (used as a decorator)."""
    if source not in _sources:
        _sources.append(source)
    return source


def all_scenarios() -> list[Scenario]:
    return [s for source in _sources for s in source()]


# A measurement times what is not a page read (an import, say): measure(repeat) -> its Results, [] when the
# seeded data has nothing for it. `coso bench` runs them after the scenarios, in the same table.
Measurement = Callable[[int], list["Result"]]
_measurements: dict[str, Measurement] = {}


def register_measurement(name: str, measure: Measurement) -> Measurement:
    """Register an app's measurement under a name (`--only` selects it by a word of the name)."""
    _measurements[name] = measure
    return measure


def all_measurements() -> dict[str, Measurement]:
    return dict(_measurements)


class _SqlTimer:
    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def run(scenarios: list[Scenario], repeat: int = 20, warmup: int = 2) -> list[Result]:
    """Time every scenario `repeat` times after `warmup` calls, through Django's test client."""
    User = get_user_model()

    clients: dict[str, Client] = {}
    results = []
    for scenario in scenarios:
        if scenario.username not in clients:
            client = Client(SERVER_NAME="localhost")
            client.force_login(User.objects.get(username=scenario.username))
            clients[scenario.username] = client
        client = clients[scenario.username]
        status = 0
        for _ in range(warmup):
            status = client.get(scenario.url).status_code
        totals, sql_totals, queries = [], [], 0
        for _ in range(repeat):
            timer = _SqlTimer()
            with connection.execute_wrapper(timer):
                start = time.perf_counter()
                response = client.get(scenario.url)
                totals.append(time.perf_counter() - start)
            status = response.status_code
            sql_totals.append(timer.seconds)
            queries = timer.count
        median = statistics.median(totals) * 1000
        p95 = sorted(totals)[max(0, int(len(totals) * 0.95) - 1)] * 1000
        sql_median = statistics.median(sql_totals) * 1000
        results.append(
            Result(
                name=scenario.name,
                rows=scenario.rows,
                queries=queries,
                median_ms=round(median, 1),
                p95_ms=round(p95, 1),
                sql_median_ms=round(sql_median, 1),
                ratio_to_sql=round(median / sql_median, 2) if sql_median else 0.0,
                status=status,
            )
        )
    return results


def table(results: list[Result]) -> str:
    header = (
        f"{'name':<34} {'rows':>8} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'sql ms':>7} {'×sql':>6}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        flag = "" if r.status == 200 else f"  HTTP {r.status}"
        lines.append(
            f"{r.name:<34} {r.rows:>8} {r.queries:>7} {r.median_ms:>10.1f} {r.p95_ms:>8.1f} "
            f"{r.sql_median_ms:>7.1f} {r.ratio_to_sql:>6.2f}{flag}"
        )
    return "\n".join(lines)


def write_json(results: list[Result], path) -> None:
    payload = {"database": connection.vendor, "results": [asdict(r) for r in results]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")


Seeder = Callable[[str, Callable[[str], None]], None]
_seeders: list[Seeder] = []


def register_seeder(seeder: Seeder) -> Seeder:
    """Register an app's synthetic-data generator: seeder(scale, progress) (used as a decorator)."""
    if seeder not in _seeders:
        _seeders.append(seeder)
    return seeder


def all_seeders() -> list[Seeder]:
    """The seeders in the order of INSTALLED_APPS (an app's seeder builds on the apps before it)."""
    return in_app_order(_seeders)
