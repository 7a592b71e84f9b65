"""The home page's "What I answer for" card: shown to a leader with an assignment, left out when they have
none (a card that would only say so; core.registry.home_panels leaves out a panel that renders nothing)."""

import datetime as dt

from django.test import Client

from conftest import HOAN_KIEM, unit
from org.services import assignment_create


def home_panels_of(user) -> list[str]:
    client = Client()
    client.force_login(user)
    return [panel["key"] for panel in client.get("/").context["panels"]]


def test_a_panel_with_nothing_to_say_for_the_user_is_left_out(hanoi, leader_user):
    """A leader with no assignment gets no "What I answer for" card saying so; with one, the card is back."""
    assert "org.answers" not in home_panels_of(leader_user)
    assignment_create(
        actor=None,
        organization=hanoi,
        leader=leader_user.person,
        role="in_charge",
        valid_from=dt.date(2025, 1, 1),
        locality=unit(HOAN_KIEM),
    )
    assert "org.answers" in home_panels_of(leader_user)
