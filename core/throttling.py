"""The API's limits: requests per token (or per signed-in user) and per address, with ninja's throttles.

Two throttles check every API operation, after authentication:

- `TokenThrottle`: the requests of one bearer token (a signed-in browser session counts as its user),
  `COSO_API_RATE_TOKEN`, by default 1,800 a minute;
- `AddressThrottle`: the requests of one client address, whatever credentials they carry (the token
  endpoint, which needs none, included), `COSO_API_RATE_ADDRESS`, by default 6,000 a minute. Behind a
  reverse proxy, `COSO_NUM_PROXIES` (ninja's NUM_PROXIES) says how many proxies' addresses
  `X-Forwarded-For` ends with; without, the header is not believed.

A rate is "count/period" (`s`, `min`, `hour`, `day`, optionally with a number: "100/10s"); empty turns the
throttle off. Rates are read at each request, so a change of settings takes effect at once.

Each throttle keeps, per token or address, the times of its requests in the last period (a sliding
window, as ninja's SimpleRateThrottle does), in the cache `throttle` (settings.CACHES, SharedFileCache):
files under the var directory, shared by every gunicorn worker of the machine, each client's count read
and written under a lock. A request over the limit is answered 429 with `{"detail": …}` in the user's
language and `Retry-After`, the whole seconds until the oldest request counted leaves the window.
"""

import contextlib
import fcntl
import hashlib
import io
import math
import os
import pickle
import threading
import time
import zlib

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.utils.translation import ngettext
from ninja.errors import Throttled
from ninja.throttling import SimpleRateThrottle

CACHE_ALIAS = "throttle"


def _clock() -> float:
    return time.time()


class SharedFileCache(FileBasedCache):
    """Django's file cache, which every process of the machine shares, changed in three ways for counting:

    - `lock(key)` holds a key against the other processes while it is read and written (the throttles
      take it), so that two workers counting the same client at once both count;
    - a value is written in place, under that lock: Django writes a temporary file and renames it over the
      old one, and a rename over a file makes ext4 write it out to the disk (1 to 2.5 ms a write here,
      against microseconds in place); an entry that cannot be read (a write cut short) reads as missing;
    - the directory is tidied at most once a minute by each process: Django's lists it on every write, which
      costs as much as the clients seen lately (43 ms a request with 5,000 of them). The tidying deletes the
      expired entries (a client's window that has passed), then culls as Django does if too many remain.
    """

    tidy_every = 60.0  # seconds
    LOCKS = 64  # lock files: a key takes the one its digest picks
    _tidied: dict[str, float] = {}  # directory → when this process last tidied it (time.monotonic)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (EOFError, ValueError, pickle.UnpicklingError, zlib.error):
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._createdir()
        name = self._key_to_file(key, version)
        self._cull()
        content = io.BytesIO()
        self._write_content(content, timeout, value)
        data = content.getvalue()
        handle = os.open(name, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.pwrite(handle, data, 0)
            os.ftruncate(handle, len(data))
        finally:
            os.close(handle)

    def _cull(self):
        now = time.monotonic()
        last = self._tidied.get(self._dir)
        if last is not None and now - last < self.tidy_every:
            return
        self._tidied[self._dir] = now
        for path in self._list_cache_files():
            try:
                with open(path, "rb") as handle:
                    self._is_expired(handle)  # deletes the file when it has expired
            except (OSError, EOFError, ValueError, pickle.UnpicklingError):
                pass
        super()._cull()

    @contextlib.contextmanager
    def lock(self, key: str):
        """Hold `key` against the other processes (and threads) while reading and writing it: an flock on
        one of LOCKS files, picked by the key's digest."""
        self._createdir()
        stripe = int(hashlib.blake2b(key.encode(), digest_size=2).hexdigest(), 16) % self.LOCKS
        handle = os.open(os.path.join(self._dir, f"lock-{stripe:02d}"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)  # closing releases the lock


class _Window(SimpleRateThrottle):
    """A sliding-window throttle whose rate is read from settings at each request (`setting`), whose
    per-request state is kept per thread (ninja shares one throttle object between the threads of a
    server), and whose wait is never unknown."""

    setting = ""
    scope = ""

    def __init__(self):  # the rate is read at each request, not once
        self._state = threading.local()

    @property
    def cache(self):
        return caches[CACHE_ALIAS] if CACHE_ALIAS in settings.CACHES else caches["default"]

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request) -> str | None:
        ident = self.ident(request)
        return None if ident is None else f"api:{self.scope}:{ident}"

    def allow_request(self, request) -> bool:
        rate = getattr(settings, self.setting, "") or ""
        if not rate:
            return True
        count, seconds = self.parse_rate(rate)
        key = self.get_cache_key(request)
        if key is None:
            return True
        state = self._state
        cache = self.cache
        lock = getattr(cache, "lock", None)
        with lock(key) if lock is not None else contextlib.nullcontext():
            now = _clock()
            history = [moment for moment in cache.get(key, []) if moment > now - seconds]
            state.now, state.seconds, state.history = now, seconds, history
            if len(history) >= count:
                return False
            history.insert(0, now)
            cache.set(key, history, seconds)
        return True

    def wait(self) -> float:
        """Seconds until the oldest request counted leaves the window: one more may then be made."""
        state = self._state
        history = getattr(state, "history", None)
        if not history:
            return 1.0
        return max(1.0, state.seconds - (state.now - history[-1]))


class TokenThrottle(_Window):
    scope = "token"
    setting = "COSO_API_RATE_TOKEN"

    def ident(self, request) -> str | None:
        token = getattr(request, "api_token", None)
        if token is not None:
            return f"t{token.pk}"
        user = getattr(request, "auth", None)
        if user is not None and getattr(user, "pk", None) is not None:
            return f"u{user.pk}"
        return None  # no credentials: the address throttle counts it


class AddressThrottle(_Window):
    scope = "address"
    setting = "COSO_API_RATE_ADDRESS"

    def ident(self, request) -> str | None:
        return self.get_ident(request) or None


def throttles() -> list:
    """The API's throttles, for NinjaAPI(throttle=…)."""
    return [TokenThrottle(), AddressThrottle()]


def too_many_requests(api, request, exc: Throttled):
    """429: the message in the user's language, and Retry-After in whole seconds."""
    seconds = max(1, math.ceil(exc.wait or 1))
    message = ngettext(
        "Too many requests: try again in {seconds} second.",
        "Too many requests: try again in {seconds} seconds.",
        seconds,
    ).format(seconds=seconds)
    response = api.create_response(request, {"detail": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def install(api) -> None:
    """Answer the throttles' refusals in the user's language (the handler of ninja's Throttled)."""
    api.add_exception_handler(Throttled, lambda request, exc: too_many_requests(api, request, exc))
