"""The permission matrix over the whole demo: every page route and API operation of `table`, as each demo
login on its own object, an object of its organisation out of its reach and an object of the other
organisation, and as anonymous, a deactivated user and dead API tokens.

What is asserted (docs/security.md):
- an allowed read answers 200 (or a redirect that is not to the sign-in page) and shows no title of the other
  organisation nor, for a login that does not see its whole organisation, of a record out of its reach;
- an allowed write is not refused (no 404, no 5xx);
- a refused read or write, and any request naming a record out of reach or of the other organisation,
  answers exactly as the same request naming a record that does not exist (same status; for the API the
  same JSON body), and that answer is a 404;
- a refused write changes nothing: the audit trail's length and the record's row are the same after it;
- anonymous and a deactivated user get the sign-in redirect (pages) or 401 (API); so do revoked, expired
  and deactivated users' tokens;
- a page method the table does not list answers 405.
"""

import time
from dataclasses import dataclass, field

import pytest
from django.test import Client, override_settings

from conftest import demo_fixture

from . import probe, routes
from .markers import forbidden_titles
from .objects import KINDS, arity, missing
from .table import API, PAGES
from .world import build

LOGIN_URL = "/accounts/login/"
SNAPSHOT_MODELS = {
    "token": "accounts.ApiToken",
    "notification": "core.Notification",
    "import_job": "core.ImportJob",
    "user": "accounts.User",
    "leader": "org.Person",
    "group_member": "investment.GroupMember",
    "incident_file": "core.Attachment",
    "report_file": "core.Attachment",
}

loaded = demo_fixture()


@pytest.fixture(scope="module")
def world(loaded, django_db_blocker, tmp_path_factory):
    """The demo with the matrix's subjects; files kept in a directory of the run's own. The briefing's PDF
    is a stand-in, as in the reports' own tests: the matrix is about access, and WeasyPrint takes seconds."""
    media = str(tmp_path_factory.mktemp("media"))
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("reports.render.pdf.render_pdf", lambda report, **options: b"%PDF-1.7 stand-in")
        yield build(loaded)


@dataclass
class Run:
    """The matrix's bookkeeping: what was checked, how many requests, and every mismatch."""

    world: object
    checks: int = 0
    requests: int = 0
    failures: list = field(default_factory=list)
    _picks: dict = field(default_factory=dict)
    _titles: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)  # seconds per route and method
    search_seconds: float = 0.0  # spent looking for titles out of reach

    def picks(self, kind, name, where=None):
        key = (kind, name, repr(where))
        if key not in self._picks:
            user, other = self.world.users[name], self.world.other_of[name]
            self._picks[key] = KINDS[kind](user, other, where) if where else KINDS[kind](user, other)
        return self._picks[key]

    def titles(self, name):
        if name not in self._titles:
            self._titles[name] = forbidden_titles(self.world.users[name], self.world.other_of[name])
        return self._titles[name]

    def check(self, ok: bool, message: str) -> None:
        self.checks += 1
        if not ok:
            self.failures.append(message)

    def call(self, client, method, url, *, bearer=None, body=None, kind=None, params=()):
        """Send one request in a rolled-back savepoint; return the answer and whether the data changed."""
        model = SNAPSHOT_MODELS.get(kind) or getattr(KINDS.get(kind), "model", None)

        def go():
            if method.lower() == "get":  # a read: nothing to compare
                return probe.send(client, method, url, bearer=bearer, body=body), False
            before = probe.snapshot(model, params)
            response = probe.send(client, method, url, bearer=bearer, body=body)
            return response, probe.snapshot(model, params) != before

        self.requests += 1
        return probe.rolled_back(go)


@pytest.fixture(scope="module")
def run(world):
    """One run for the module's tests; its figures are printed at the end (`-s`)."""
    started = time.monotonic()
    run = Run(world)
    yield run
    print(
        f"\npermission matrix: {run.checks} checks, {run.requests} requests, {len(run.failures)} failures,"
        f" {time.monotonic() - started:.1f} s (looking for titles out of reach: {run.search_seconds:.1f} s)"
    )
    slowest = sorted(run.times.items(), key=lambda item: -item[1])[:8]
    print("slowest: " + ", ".join(f"{key} {seconds:.1f} s" for key, seconds in slowest))


def _kind_model(kind):
    return SNAPSHOT_MODELS.get(kind) or getattr(KINDS.get(kind), "model", None)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


def _show(response) -> str:
    return f"{response.status_code} {probe.body_shape(response)[1]!r}"[:200]


def _allowed(run, name, where, method, response, changed):
    if method == "get":
        ok = response.status_code == 200 or (response.status_code == 302 and not _is_login_redirect(response))
        run.check(ok, f"{where} as {name}: an allowed read answered {_show(response)}")
        titles = run.titles(name)
        if response.status_code == 200 and titles:
            started = time.monotonic()
            found = titles.search(probe.text_of(response))
            run.search_seconds += time.monotonic() - started
            run.check(found is None, f"{where} as {name}: shows {found!r}, out of reach")
    else:
        ok = response.status_code not in (404, 405) and response.status_code < 500
        run.check(ok, f"{where} as {name}: an allowed write answered {_show(response)}")


def _refused(run, name, where, method, response, changed, baseline):
    run.check(
        probe.body_shape(response) == baseline,
        f"{where} as {name}: answered {_show(response)}, not as a missing record ({baseline!r:.150})",
    )
    run.check(baseline[0] == 404, f"{where} as {name}: a missing record answers {baseline!r:.150}, not 404")
    if method != "get":
        run.check(not changed, f"{where} as {name}: a refused write changed the data")


def _matrix(
    run, *, route, method, kind, roles, clients, bearer_of=None, body=None, where=None, query="", names=None
):
    """One route and method, as each of the seven logins (or `names`), on each of its objects."""
    has_params = arity(kind) > 0
    started, baseline = time.monotonic(), None
    for name in names or run.world.users:
        client = clients(name)
        bearer = bearer_of(name) if bearer_of else None
        picks = run.picks(kind, name, where)
        allowed = name in roles

        def call(values, client=client, bearer=bearer, query=_query(query, run.world.users[name])):
            url = routes.fill(route, values) + query
            response, changed = run.call(
                client, method, url, bearer=bearer, body=body, kind=kind, params=values
            )
            return url, response, changed

        if baseline is None and has_params and kind != "year":
            # What naming a record that does not exist answers: the same for every login (a 404 that says
            # nothing of who asks), so it is asked once per route, by the first login.
            _url, response, _changed = call(missing(kind))
            baseline = probe.body_shape(response)
        for values in picks.own:
            url, response, changed = call(values)
            label = f"{method.upper()} {url} [{route} own]"
            if allowed:
                _allowed(run, name, label, method.lower(), response, changed)
            elif baseline is not None:
                _refused(run, name, label, method.lower(), response, changed, baseline)
            else:  # nothing to compare with: a refusal is a 404 that changed nothing
                _refused(
                    run, name, label, method.lower(), response, changed, (404, probe.body_shape(response)[1])
                )
        for variant in ("out", "other"):
            for values in getattr(picks, variant):
                url, response, changed = call(values)
                label = f"{method.upper()} {url} [{route} {variant}]"
                if kind == "feed" or baseline is None:
                    continue
                _refused(run, name, label, method.lower(), response, changed, baseline)
    run.times[f"{method.upper()} {route}"] = time.monotonic() - started


def _query(query: str, user) -> str:
    if not query:
        return ""
    from org.models import AdministrativeUnit
    from reports.periods import last_complete_month

    ward = (
        AdministrativeUnit.objects.filter(parent_id=user.organization.root_unit_id).order_by("code").first()
    )
    return "?" + query.format(month=last_complete_month().code, ward=ward.code)


def _signed_in_clients(world):
    clients = {}
    for name, user in world.users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[name] = client
    return clients


def test_every_page_as_every_login_on_every_object(world, run, db):
    started, first = time.monotonic(), len(run.failures)
    clients = _signed_in_clients(world)
    for route, page in PAGES.items():
        for method in ("get", "post"):
            roles = getattr(page, method)
            if roles is None:
                continue

            def client_for(name, page=page):
                if not page.fresh:
                    return clients[name]
                client = Client(raise_request_exception=False)
                client.force_login(world.users[name])
                return client

            _matrix(
                run,
                route=route,
                method=method,
                kind=page.kind,
                roles=roles,
                clients=client_for,
                body=("form", page.data) if method == "post" and page.data else None,
                where=page.where,
                query=page.query,
                names=("vanphong",) if page.public else None,  # the same for everyone: once is enough
            )
    print(f"\npages: {run.checks} checks, {run.requests} requests, {time.monotonic() - started:.1f} s")
    assert run.failures[first:] == [], "\n".join(run.failures[first:])


def test_every_api_operation_as_every_login_on_every_object(world, run, db):
    started, checks, requests, first = time.monotonic(), run.checks, run.requests, len(run.failures)
    components = routes.openapi().get("components", {}).get("schemas", {})
    client = Client(raise_request_exception=False)
    for key, op in API.items():
        method, path = key.split(" ", 1)
        body = probe.request_body(routes.operation(method, path), components)
        if op.files:
            body = ("multipart/form-data", {**(body[1] if body else {}), **dict.fromkeys(op.files, b"")})
        if op.data:
            body = (body[0], {**body[1], **op.data})
        _matrix(
            run,
            route=path,
            method=method,
            kind=op.kind,
            roles=op.roles,
            clients=lambda name: client,
            bearer_of=lambda name: world.tokens[name],
            body=body,
            where=op.where,
            query=op.query,
        )
    print(
        f"\nAPI: {run.checks - checks} checks, {run.requests - requests} requests,"
        f" {time.monotonic() - started:.1f} s"
    )
    assert run.failures[first:] == [], "\n".join(run.failures[first:])


def test_every_endpoint_without_a_login_or_with_a_dead_one(world, run, db):
    """Anonymous and a deactivated user are sent to sign in (pages) or get 401 (API), whatever the record;
    revoked, expired and deactivated users' tokens get 401; none of them changes anything."""
    started, checks, requests, first = time.monotonic(), run.checks, run.requests, len(run.failures)
    deactivated = Client(raise_request_exception=False)
    deactivated.force_login(world.deactivated)
    page_subjects = {"anonymous": Client(raise_request_exception=False), "deactivated": deactivated}
    for route, page in PAGES.items():
        values = (run.picks(page.kind, "vanphong").own or [missing(page.kind)])[0]
        url = routes.fill(route, values)
        for method in ("get", "post"):
            if getattr(page, method) is None:
                continue
            for name, client in page_subjects.items():
                response, changed = run.call(client, method, url, kind=page.kind, params=values)
                where = f"{method.upper()} {url} as {name}"
                if page.public:
                    run.check(response.status_code < 500, f"{where}: answered {_show(response)}")
                    continue
                run.check(_is_login_redirect(response), f"{where}: answered {_show(response)}, not sign-in")
                run.check(not changed, f"{where}: changed the data")
    components = routes.openapi().get("components", {}).get("schemas", {})
    api_subjects = {"anonymous": None, **world.dead_tokens}
    client = Client(raise_request_exception=False)
    for key, op in API.items():
        method, path = key.split(" ", 1)
        values = (run.picks(op.kind, "vanphong").own or [missing(op.kind)])[0]
        url = routes.fill(path, values)
        body = probe.request_body(routes.operation(method, path), components)
        for name, token in api_subjects.items():
            response, changed = run.call(
                client, method, url, bearer=token, body=body, kind=op.kind, params=values
            )
            where = f"{method} {url} as {name}"
            if op.public:
                run.check(response.status_code < 500, f"{where}: answered {_show(response)}")
                continue
            run.check(response.status_code == 401, f"{where}: answered {_show(response)}, not 401")
            run.check(not changed, f"{where}: changed the data")
    print(
        f"\nsigned out and dead logins: {run.checks - checks} checks, {run.requests - requests} requests,"
        f" {time.monotonic() - started:.1f} s"
    )
    assert run.failures[first:] == [], "\n".join(run.failures[first:])


def test_a_page_method_the_table_leaves_out_is_refused(world, run, db):
    """The table lists each page's methods; another method answers 405, so no write hides behind a GET."""
    first = len(run.failures)
    client = _signed_in_clients(world)["vanphong"]
    for route, page in PAGES.items():
        values = (run.picks(page.kind, "vanphong").own or [missing(page.kind)])[0]
        url = routes.fill(route, values)
        for method in ("get", "post"):
            if getattr(page, method) is not None:
                continue
            response, changed = run.call(client, method, url, kind=page.kind, params=values)
            run.check(
                response.status_code == 405, f"{method.upper()} {url}: answered {_show(response)}, not 405"
            )
            run.check(not changed, f"{method.upper()} {url}: changed the data")
    assert run.failures[first:] == [], "\n".join(run.failures[first:])
