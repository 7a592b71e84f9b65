"""The API's limits per token and per address: 429 in the user's language with Retry-After, a limit that
resets, and counts that every worker of the machine shares."""

import multiprocessing
from pathlib import Path

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.test import Client, RequestFactory

from accounts.services import token_create
from core import throttling

URL = "/api/v1/notifications/"


@pytest.fixture
def limits(settings, tmp_path):
    """Small limits, counted in a cache of their own (files, as in production)."""
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "core.throttling.SharedFileCache",
            "LOCATION": str(tmp_path / "throttle"),
        },
    }
    settings.COSO_API_RATE_TOKEN = "3/min"
    settings.COSO_API_RATE_ADDRESS = "100/min"
    return settings


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, moved by hand."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(throttling, "_clock", lambda: now["t"])
    return now


def bearer(user, name="tích hợp", address="10.0.0.1") -> Client:
    _token, raw = token_create(actor=user, user=user, name=name)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="vi", REMOTE_ADDR=address)


def test_a_token_over_its_limit_is_answered_429_in_vietnamese_with_retry_after(limits, clock, office):
    client = bearer(office)
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    clock["t"] += 20
    refused = client.get(URL)
    assert refused.status_code == 429
    # The oldest of the three requests leaves the minute in 40 seconds.
    assert refused["Retry-After"] == "40"
    assert refused.json() == {"detail": "Quá nhiều yêu cầu: hãy thử lại sau 40 giây."}
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 429
    assert english.json() == {"detail": "Too many requests: try again in 40 seconds."}


def test_the_limit_resets_once_the_window_has_passed(limits, clock, office):
    client = bearer(office)
    for _ in range(3):
        clock["t"] += 1
        assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    clock["t"] += 58  # the first request is now 60 seconds old: one more may be made
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    clock["t"] += 60
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]


def test_each_token_has_its_own_limit_and_a_refusal_is_not_counted(limits, clock, office, viewer):
    first, second = bearer(office, "một"), bearer(office, "hai")
    other_user = bearer(viewer, "ba")
    for _ in range(3):
        assert first.get(URL).status_code == 200
    for _ in range(5):
        assert first.get(URL).status_code == 429
    assert [second.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    assert other_user.get(URL).status_code == 200
    clock["t"] += 60  # the refused requests did not extend the wait
    assert first.get(URL).status_code == 200


def test_a_signed_in_session_counts_as_its_user(limits, clock, office):
    browser = Client(HTTP_ACCEPT_LANGUAGE="vi")
    browser.force_login(office)
    assert [browser.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_an_address_has_its_limit_whatever_the_tokens(limits, clock, office, viewer):
    limits.COSO_API_RATE_TOKEN = ""
    limits.COSO_API_RATE_ADDRESS = "4/min"
    here = [bearer(office, "một"), bearer(viewer, "hai")]
    codes = [here[n % 2].get(URL).status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    refused = here[0].get(URL)
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert refused.json()["detail"] == "Quá nhiều yêu cầu: hãy thử lại sau 60 giây."
    elsewhere = bearer(office, "ba", address="10.0.0.2")
    assert elsewhere.get(URL).status_code == 200
    # A client cannot pass for another address by naming one: without a proxy the header is not believed.
    assert here[1].get(URL, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429


def test_behind_a_proxy_the_address_is_the_one_it_forwards(limits, clock, office):
    limits.COSO_API_RATE_TOKEN = ""
    limits.COSO_API_RATE_ADDRESS = "1/min"
    client = bearer(office, address="10.0.0.254")  # the proxy
    from ninja.conf import settings as ninja_settings

    original = ninja_settings.NUM_PROXIES
    ninja_settings.NUM_PROXIES = 1
    try:
        assert client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
        assert client.get(URL, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
        assert client.get(URL, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.1").status_code == 429
    finally:
        ninja_settings.NUM_PROXIES = original


def test_the_token_endpoint_is_limited_by_address(limits, clock, office):
    limits.COSO_API_RATE_ADDRESS = "2/min"
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="vi", REMOTE_ADDR="10.0.0.9")
    body = {"username": "nobody", "password": "wrong"}
    codes = [
        anonymous.post("/api/v1/auth/token", body, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [401, 401, 429]


def test_without_rates_nothing_is_limited(limits, clock, office):
    limits.COSO_API_RATE_TOKEN = limits.COSO_API_RATE_ADDRESS = ""
    client = bearer(office)
    assert {client.get(URL).status_code for _ in range(20)} == {200}


def test_the_counts_are_shared_by_every_worker_of_the_machine(limits, clock, office, tmp_path):
    """Workers are processes: what one counted is what another reads, from the files of the cache (a
    second cache object on the same directory stands for the other worker)."""
    client = bearer(office)
    for _ in range(3):
        assert client.get(URL).status_code == 200
    other_worker = FileBasedCache(str(tmp_path / "throttle"), {})
    key = f"api:token:t{office.api_tokens.get().pk}"
    assert len(other_worker.get(key)) == 3
    other_worker.set(key, [], 60)  # the other worker's reset is seen by this one
    assert client.get(URL).status_code == 200


def test_the_shared_cache_is_tidied_once_a_minute_not_on_every_write(tmp_path, monkeypatch):
    """Django's file cache lists its whole directory on every write; the throttles' deletes the expired
    entries (the windows that have passed) when it writes, at most once a minute."""
    now = {"t": 1000.0}
    monkeypatch.setattr(throttling.time, "monotonic", lambda: now["t"])
    cache = throttling.SharedFileCache(str(tmp_path / "c"), {})
    for n in range(50):
        cache.set(f"passed:{n}", [1.0], timeout=0)  # written already expired
    files = tmp_path / "c"
    assert len(list(files.iterdir())) == 50  # the first write tidied an empty directory
    now["t"] += 30  # within the minute: no tidying, the expired files stay
    cache.set("live", [1.0], timeout=60)
    assert len(list(files.iterdir())) == 51
    now["t"] += 31  # a minute later: the next write deletes the expired entries first
    cache.set("live", [2.0], timeout=60)
    assert [p.name for p in files.iterdir()] == [Path(cache._key_to_file("live")).name]
    assert cache.get("live") == [2.0]


def _hammer(start, results, attempts: int) -> None:
    """A worker process: `attempts` requests from one address, as fast as it can, once told to start."""
    throttle = throttling.AddressThrottle()
    request = RequestFactory().get(URL, REMOTE_ADDR="10.1.1.1")
    start.wait()
    results.put(sum(1 for _ in range(attempts) if throttle.allow_request(request)))


def test_two_worker_processes_share_one_limit(limits):
    """Two processes (as two gunicorn workers) count the same address at the same time: together they are
    let through the limit, not the limit each."""
    limits.COSO_API_RATE_TOKEN = ""
    limits.COSO_API_RATE_ADDRESS = "40/min"
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_hammer, args=(start, results, 60)) for _ in range(2)]
    for worker in workers:
        worker.start()
    start.set()
    allowed = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
        assert worker.exitcode == 0
    assert sum(allowed) == 40


def test_an_entry_cut_short_reads_as_missing(tmp_path):
    cache = throttling.SharedFileCache(str(tmp_path / "c"), {})
    cache.set("api:token:t1", [1.0, 2.0], timeout=60)
    path = Path(cache._key_to_file("api:token:t1"))
    path.write_bytes(path.read_bytes()[:-3])
    assert cache.get("api:token:t1", []) == []
    cache.set("api:token:t1", [3.0], timeout=60)  # written over in place
    assert cache.get("api:token:t1") == [3.0]
