"""The notifications inbox: a page and an API over the user's own notifications, and the unread count."""

import pytest
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from core.models import Notification
from core.notification_context import notifications as unread_context
from core.services import notification_mark_all_read, notification_mark_read, notify
from core.testing import Operation, count_queries, permission_matrix

PAGE = "/notifications/"
API = "/api/v1/notifications/"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def make(user, n: int = 1, *, prefix: str = "k", url: str = "/followup/directives/1/") -> list[Notification]:
    return [
        notify(
            user=user,
            kind="directive_due",
            key=f"{prefix}:{i}",
            title=f"Chỉ đạo sắp đến hạn {prefix} số {i}",
            body="Hoàn thành kiểm đếm.",
            url=url,
            email=False,
        )
        for i in range(n)
    ]


@pytest.fixture
def mine(leader_user):
    return make(leader_user, 3)


@pytest.fixture
def theirs(focal_user):
    (notification,) = make(focal_user, 1, prefix="other")
    return notification


def test_the_url_name():
    assert reverse("notifications") == PAGE


# --- services ---------------------------------------------------------------------------------------


def test_mark_read_keeps_the_first_reading_time(leader_user, mine):
    first = notification_mark_read(user=leader_user, notification=mine[0])
    read_at = first.read_at
    assert read_at is not None
    again = notification_mark_read(user=leader_user, notification=Notification.objects.get(pk=mine[0].pk))
    assert again.read_at == read_at
    assert Notification.objects.filter(user=leader_user, read_at__isnull=True).count() == 2


def test_nobody_marks_someone_elses(leader_user, theirs):
    from django.http import Http404

    with pytest.raises(Http404):
        notification_mark_read(user=leader_user, notification=theirs)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_marks_only_the_users_own(leader_user, mine, theirs):
    assert notification_mark_all_read(user=leader_user) == 3
    assert notification_mark_all_read(user=leader_user) == 0
    assert not Notification.objects.filter(user=leader_user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- the page ---------------------------------------------------------------------------------------


def test_the_page_lists_the_users_own_unread_first(leader_user, mine, theirs):
    notification_mark_read(user=leader_user, notification=mine[2])  # the newest, but read
    response = client_for(leader_user).get(PAGE)
    assert response.status_code == 200
    shown = [n.pk for n in response.context["page"]]
    assert shown == [mine[1].pk, mine[0].pk, mine[2].pk]
    html = response.content.decode()
    assert theirs.title not in html
    assert html.count("data-unread") == 2
    assert response.context["unread_notifications"] == 2


def test_the_page_can_show_only_unread(leader_user, mine):
    notification_mark_read(user=leader_user, notification=mine[0])
    response = client_for(leader_user).get(PAGE, {"unread": "1"})
    assert {n.pk for n in response.context["page"]} == {mine[1].pk, mine[2].pk}


def test_anonymous_is_sent_to_sign_in(db):
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_mark_one_read_on_the_page(leader_user, mine):
    client = client_for(leader_user)
    response = client.post(PAGE + "?page=1", {"action": "read", "notification": mine[0].pk})
    assert response.status_code == 302 and response["Location"] == PAGE + "?page=1"
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None
    assert Notification.objects.filter(user=leader_user, read_at__isnull=True).count() == 2


def test_opening_a_notification_marks_it_read_and_follows_its_link(leader_user, mine):
    response = client_for(leader_user).post(PAGE, {"action": "open", "notification": mine[1].pk})
    assert response.status_code == 302 and response["Location"] == "/followup/directives/1/"
    mine[1].refresh_from_db()
    assert mine[1].read_at is not None


def test_an_outside_link_is_not_followed(leader_user):
    (notification,) = make(leader_user, 1, prefix="evil", url="https://evil.example/")
    response = client_for(leader_user).post(PAGE, {"action": "open", "notification": notification.pk})
    assert response.status_code == 302 and response["Location"] == PAGE


def test_mark_all_read_on_the_page(leader_user, mine, theirs):
    response = client_for(leader_user).post(PAGE, {"action": "read_all"})
    assert response.status_code == 302
    assert not Notification.objects.filter(user=leader_user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notification_is_404_on_the_page(leader_user, theirs):
    client = client_for(leader_user)
    for action in ("read", "open"):
        response = client.post(PAGE, {"action": action, "notification": theirs.pk})
        assert response.status_code == 404
    assert client.post(PAGE, {"action": "read", "notification": "x"}).status_code == 404
    assert client.post(PAGE, {"action": "delete", "notification": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_page_needs_csrf(leader_user, mine):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader_user)
    assert client.get(PAGE).status_code == 200
    assert client.post(PAGE, {"action": "read_all"}).status_code == 403
    assert Notification.objects.filter(user=leader_user, read_at__isnull=True).count() == 3


def test_the_inbox_query_count_is_flat(leader_user):
    client = client_for(leader_user)
    make(leader_user, 5, prefix="few")
    small = count_queries(lambda: client.get(PAGE))
    make(leader_user, 195, prefix="many")
    large = count_queries(lambda: client.get(PAGE))
    assert small == large
    response = client.get(PAGE, {"page": 4})
    assert response.status_code == 200 and len(response.context["page"]) == 50


# --- the unread count -----------------------------------------------------------------------------


def test_the_unread_count_is_one_query_and_only_for_signed_in_users(leader_user, mine, theirs):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert count_queries(lambda: unread_context(request)) == 0
    assert unread_context(request) == {"unread_notifications": 0}
    request.user = leader_user
    assert count_queries(lambda: unread_context(request)) == 1
    assert unread_context(request) == {"unread_notifications": 3}
    notification_mark_read(user=leader_user, notification=mine[0])
    assert unread_context(request) == {"unread_notifications": 2}


def test_every_page_knows_the_unread_count(leader_user, mine):
    response = client_for(leader_user).get(reverse("home"))
    assert response.context["unread_notifications"] == 3


# --- the API ----------------------------------------------------------------------------------------


def test_api_lists_the_callers_own(leader_user, mine, theirs):
    notification_mark_read(user=leader_user, notification=mine[0])
    data = client_for(leader_user).get(API).json()
    assert data["count"] == 3
    assert [n["id"] for n in data["items"]] == [mine[2].pk, mine[1].pk, mine[0].pk]
    assert [n["is_read"] for n in data["items"]] == [False, False, True]
    assert data["items"][0]["title"] == mine[2].title and data["items"][0]["url"] == mine[2].url
    unread = client_for(leader_user).get(API, {"unread": "true"}).json()
    assert {n["id"] for n in unread["items"]} == {mine[1].pk, mine[2].pk}
    read = client_for(leader_user).get(API, {"unread": "false"}).json()
    assert [n["id"] for n in read["items"]] == [mine[0].pk]


def test_api_marks_one_and_all(leader_user, mine, theirs):
    client = client_for(leader_user)
    response = client.post(API + f"{mine[0].pk}/read")
    assert response.status_code == 200 and response.json()["is_read"] is True
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None
    response = client.post(API + "read-all")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_someone_elses_is_404(leader_user, theirs):
    client = client_for(leader_user)
    assert client.post(API + f"{theirs.pk}/read").status_code == 404
    assert client.post(API + "999999/read").status_code == 404
    assert theirs.pk not in [n["id"] for n in client.get(API).json()["items"]]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_api_needs_a_sign_in(db):
    assert Client().get(API).status_code == 401
    assert Client().post(API + "read-all").status_code == 401


def test_api_query_count_is_flat(leader_user):
    client = client_for(leader_user)
    make(leader_user, 5, prefix="few")
    small = count_queries(lambda: client.get(API))
    make(leader_user, 195, prefix="many")
    large = count_queries(lambda: client.get(API))
    assert small == large


def test_permission_matrix(leader_user, focal_user, office, mine, theirs):
    """Every operation as anonymous, the owner and other users: only the owner reaches the notification."""
    users = {"anonymous": None, "owner": focal_user, "leader": leader_user, "office": office}
    pk = theirs.pk
    operations = [
        Operation("page", "GET", PAGE, {"anonymous": 302, "owner": 200, "leader": 200, "office": 200}),
        Operation(
            "page read",
            "POST",
            PAGE,
            {"anonymous": 302, "owner": 302, "leader": 404, "office": 404},
            data={"action": "read", "notification": pk},
        ),
        Operation(
            "page open",
            "POST",
            PAGE,
            {"anonymous": 302, "owner": 302, "leader": 404, "office": 404},
            data={"action": "open", "notification": pk},
        ),
        Operation("api list", "GET", API, {"anonymous": 401, "owner": 200, "leader": 200, "office": 200}),
        Operation(
            "api read",
            "POST",
            API + f"{pk}/read",
            {"anonymous": 401, "owner": 200, "leader": 404, "office": 404},
        ),
        Operation(
            "api read-all",
            "POST",
            API + "read-all",
            {"anonymous": 401, "owner": 200, "leader": 200, "office": 200},
        ),
    ]
    assert permission_matrix(users, operations) == []


def test_a_mail_server_failure_keeps_the_in_app_notification(
    leader_user, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("django.core.mail.send_mail", refuse)
    leader_user.email = "lanhdao@example.vn"
    leader_user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notification = notify(
            user=leader_user, kind="directive_due", key="mail-down", title="Chỉ đạo quá hạn"
        )
    assert notification is not None and len(callbacks) == 1  # the mail was tried, after the commit
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert Notification.objects.filter(user=leader_user, key="mail-down").count() == 1


def test_the_e_mail_leaves_after_the_commit_not_inside_the_transaction(
    leader_user, mailoutbox, django_capture_on_commit_callbacks
):
    leader_user.email = "lanhdao@example.vn"
    leader_user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notification = notify(
            user=leader_user, kind="directive_due", key="k1", title="Chỉ đạo quá hạn", url="/followup/"
        )
        assert mailoutbox == []  # nothing leaves while the transaction (and its locks) is open
    assert [(m.to, m.subject) for m in mailoutbox] == [(["lanhdao@example.vn"], "Chỉ đạo quá hạn")]
    assert mailoutbox[0].body.endswith("/followup/")
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_write_that_rolls_back_sends_no_mail(leader_user, mailoutbox, django_capture_on_commit_callbacks):
    leader_user.email = "lanhdao@example.vn"
    leader_user.save(update_fields=["email"])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(user=leader_user, kind="directive_due", key="k2", title="Chỉ đạo quá hạn")
        raise RuntimeError("the write fails after the notification")
    assert callbacks == [] and mailoutbox == []
    assert not Notification.objects.filter(key="k2").exists()


def test_the_count_reads_right_in_english_and_in_vietnamese(leader_user):
    make(leader_user, 1)
    client = client_for(leader_user)
    client.cookies["django_language"] = "en"
    page = client.post(PAGE, {"action": "read_all"}, follow=True).content.decode()
    assert "1 notification marked as read." in page
    make(leader_user, 2, prefix="more")
    client.cookies["django_language"] = "vi"
    page = client.post(PAGE, {"action": "read_all"}, follow=True).content.decode()
    assert "Đã đánh dấu 2 thông báo là đã đọc." in page
