"""The switches for several nodes: a read replica and its router, a shared Redis cache, sessions in it, files
in S3-compatible storage. The settings are read in a process of their own, with only the variables given."""

import json
import subprocess
import uuid

import pytest
from django.db import transaction
from django.test import override_settings

from core import replica
from core.replica import ReplicaRouter, reads_from_replica, replica_reads
from tests.processes import PYTHON, ROOT, child_env

SHOW = """
import json
from coso import settings as s
print(json.dumps({
    "databases": sorted(s.DATABASES),
    "replica": s.DATABASES.get("replica"),
    "routers": getattr(s, "DATABASE_ROUTERS", []),
    "cache": s.CACHES["default"],
    "throttle": s.CACHES["throttle"]["BACKEND"],
    "session": s.SESSION_ENGINE,
    "storage": s.STORAGES["default"],
}, default=str))
"""


def settings_with(var_dir, **variables: str) -> subprocess.CompletedProcess:
    env = child_env(COSO_VAR_DIR=str(var_dir), **variables)
    return subprocess.run([PYTHON, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def show(var_dir, **variables: str) -> dict:
    done = settings_with(var_dir, **variables)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_by_default_one_machine_as_before(tmp_path):
    shown = show(tmp_path)
    assert shown["databases"] == ["default"]
    assert shown["routers"] == []
    assert shown["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["session"] == "core.sessions"
    assert shown["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_the_switches_of_several_nodes(tmp_path):
    shown = show(
        tmp_path,
        DATABASE_URL="postgres://coso@db-primary:5432/coso",
        COSO_REPLICA_URL="postgres://coso_ro@db-replica:5432/coso",
        COSO_CACHE_URL="redis://cache:6379/1",
        COSO_SESSION_CACHE="1",
        COSO_S3_BUCKET="coso-files",
        COSO_S3_ENDPOINT_URL="https://s3.example.vn",
    )
    assert shown["databases"] == ["default", "replica"]
    assert shown["replica"]["HOST"] == "db-replica" and shown["replica"]["USER"] == "coso_ro"
    assert shown["replica"]["TEST"] == {"MIRROR": "default"}
    assert shown["replica"]["OPTIONS"]["options"] == "-c jit=off"  # as the primary's
    assert shown["routers"] == ["core.replica.ReplicaRouter"]
    assert shown["cache"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache:6379/1",
        "KEY_PREFIX": "coso",
    }
    assert shown["throttle"] == "core.throttling.SharedFileCache"
    assert shown["session"] == "core.cache_sessions"
    assert shown["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = shown["storage"]["OPTIONS"]
    assert options["bucket_name"] == "coso-files" and options["endpoint_url"] == "https://s3.example.vn"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"COSO_SESSION_CACHE": "1"}, "COSO_SESSION_CACHE needs COSO_CACHE_URL"),
        ({"COSO_CACHE_URL": "memcached://cache:11211"}, "COSO_CACHE_URL must be a redis://"),
    ],
)
def test_a_switch_without_what_it_needs_is_refused_at_start(tmp_path, variables, message):
    done = settings_with(tmp_path, **variables)
    assert done.returncode != 0
    assert message in done.stderr


# --- the router ------------------------------------------------------------------------------------------


@pytest.fixture
def with_replica(monkeypatch):
    """settings.DATABASES as with COSO_REPLICA_URL, for the router's reading of it."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def test_reads_go_to_the_replica_only_inside_replica_reads(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(None) is None
    with replica_reads():
        assert router.db_for_read(None) == "replica"
    assert router.db_for_read(None) is None
    assert router.db_for_write(None) == "default"


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_without_a_replica_every_read_stays_on_the_primary():
    with override_settings(DATABASES={"default": {}}), replica_reads():
        assert ReplicaRouter().db_for_read(None) is None


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_stay_on_the_primary(with_replica):
    router = ReplicaRouter()
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(None) is None  # the transaction sees what it wrote
    with replica_reads():
        assert router.db_for_read(None) == "replica"


def test_writes_and_migrations_never_go_to_the_replica(with_replica):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "incidents") is True
    assert router.allow_migrate("replica", "incidents") is False


def test_a_decorated_view_method_reads_from_the_replica(with_replica):
    router = ReplicaRouter()

    @reads_from_replica
    def get():
        return router.db_for_read(None)

    assert get() == "replica"
    assert router.db_for_read(None) is None


# --- sessions in Redis -----------------------------------------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} cannot be reached: {exc}")
    return client


@pytest.mark.django_db
def test_a_session_in_redis_is_renewed_by_its_use_without_being_rewritten(client, make_user, hanoi):
    redis = _redis()
    prefix = f"coso-test-{uuid.uuid4().hex[:8]}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
        "throttle": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    try:
        with override_settings(CACHES=caches, SESSION_ENGINE="core.cache_sessions"):
            user = make_user("standing_board", hanoi)  # core names no role of accounts
            client.force_login(user)
            keys = redis.keys(f"{prefix}:*")
            assert len(keys) == 1  # the session, in Redis, not in the database
            key = keys[0]
            content = redis.get(key)
            redis.expire(key, 60)  # as if most of the session's life had gone by
            assert client.get("/").status_code == 200
            assert redis.ttl(key) > 60  # pushed back by the request
            assert redis.get(key) == content  # by a TOUCH, not a rewrite
            client.logout()
            assert redis.keys(f"{prefix}:*") == []
    finally:
        for key in redis.keys(f"{prefix}:*"):
            redis.delete(key)
