"""PostgreSQL: a query a connection runs again is prepared (its plan kept), unless a setting says not."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from core.models import Notification

_PRINT_OPTIONS = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def _options(**env) -> dict:
    """The database OPTIONS the settings give in a fresh process with a clean environment plus `env`."""
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("COSO_", "DJANGO_")) and k != "DATABASE_URL"
    }
    result = subprocess.run(
        [sys.executable, "-c", _PRINT_OPTIONS],
        env={**base, "DJANGO_SETTINGS_MODULE": "coso.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


PG_URL = "postgres://coso@db.invalid:5432/coso"  # the settings are read; nothing connects


def test_postgresql_prepares_what_a_connection_runs_twice_by_default():
    options = _options(DATABASE_URL=PG_URL)
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 2
    assert options["options"] == "-c jit=off"
    assert _options(DATABASE_URL=PG_URL, COSO_PG_PREPARE_THRESHOLD="5")["prepare_threshold"] == 5


def test_an_empty_threshold_turns_prepared_statements_and_server_side_binding_off():
    options = _options(DATABASE_URL=PG_URL, COSO_PG_PREPARE_THRESHOLD="")
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def test_sqlite_is_left_alone():
    assert "server_side_binding" not in _options(COSO_VAR_DIR=str(settings.VAR_DIR))


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_query_run_again_on_the_connection_is_prepared_on_the_server():
    threshold = settings.DATABASES["default"]["OPTIONS"].get("prepare_threshold")
    if threshold is None:
        pytest.skip("prepared statements are turned off (COSO_PG_PREPARE_THRESHOLD)")
    marker = "coso-prepared-check"
    for _ in range(threshold + 1):
        list(Notification.objects.filter(key=marker))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('FROM "core_notification"' in s and '"key" = $1' in s for s in statements), statements
