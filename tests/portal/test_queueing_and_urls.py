"""Two helpers every app uses: queue after commit, and URLs for many rows from one reverse()."""

import logging

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from portal.queueing import enqueue_on_commit
from portal.tasks import ping
from portal.urltemplates import UrlTemplate


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_in_a_rolled_back_transaction_never_runs(monkeypatch):
    sent = []
    monkeypatch.setattr(ping, "delay", lambda **kwargs: sent.append(kwargs))
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(ping, if_broker_down="nothing", value="rolled back")
        raise RuntimeError
    with transaction.atomic():
        enqueue_on_commit(ping, if_broker_down="nothing", value="committed")
    assert sent == [{"value": "committed"}]


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_cannot_be_reached_is_logged_not_raised(monkeypatch, caplog):
    def broker_down(**kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(ping, "delay", broker_down)
    with caplog.at_level(logging.WARNING, logger="portal.queueing"), transaction.atomic():
        enqueue_on_commit(ping, if_broker_down="the sweep picks it up", value="x")
    assert "the sweep picks it up" in caplog.text
    assert "value='x'" in caplog.text


def test_a_url_template_gives_the_same_urls_as_reverse():
    template = UrlTemplate("groups:reply-edit", per_row=("reply_id",), slug="partners-dach")
    for reply_id in (1, 20, 737):
        assert template.fill(reply_id=reply_id) == reverse(
            "groups:reply-edit", kwargs={"slug": "partners-dach", "reply_id": reply_id}
        )


def test_a_url_template_can_fill_several_values_per_row():
    template = UrlTemplate("moderation:ban", per_row=("slug", "user_id"))
    assert template.fill(slug="cloud", user_id=42) == reverse(
        "moderation:ban", kwargs={"slug": "cloud", "user_id": 42}
    )


def test_a_url_template_refuses_a_route_it_cannot_reverse():
    with pytest.raises(NoReverseMatch):
        UrlTemplate("groups:reply-edit", per_row=("nothing",))
