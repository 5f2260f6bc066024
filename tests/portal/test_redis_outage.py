"""Redis down (cache and broker alike) takes neither the site down nor a single post.

Each test runs the portal on a redis-server of its own and kills it mid-test, as a crash would.
"""

import logging
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.facet_cache import facet_cache_invalidate
from directory.models import Tier
from groups import services as group_services
from groups.models import PostStatus, Reply, Thread
from moderation.tasks import screen_waiting_posts
from portal.ratelimits import RATE_LIMITED
from tests.directory.factories import CompanyFactory
from tests.factories import TEST_PASSWORD, UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ReplyFactory, ThreadFactory

pytestmark = pytest.mark.integration

ORDINARY_BODY = "How do you plan the cut-over weekend of an SAP migration for a customer?"


@pytest.fixture
def group(db):
    return GroupFactory(name="Cloud migrations", slug="cloud-migrations")


@pytest.fixture
def thread(group):
    return ThreadFactory(group=group, title="Cut-over weekends")


@pytest.fixture
def veteran(group):
    """A member of long standing, whose ordinary posts screening publishes."""
    user = UserFactory(date_joined=timezone.now() - timedelta(days=400))
    MembershipFactory(group=group, user=user)
    return user


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def nothing_pending() -> bool:
    return not (
        Thread.objects.filter(status=PostStatus.PENDING).exists()
        or Reply.objects.filter(status=PostStatus.PENDING).exists()
    )


@pytest.mark.django_db
def test_pages_and_the_api_answer_from_the_database_while_redis_is_down(
    client, portal_on_private_redis, thread, veteran
):
    CompanyFactory(name="Northwind Cloud")
    portal_on_private_redis.stop()
    group_url = reverse("groups:detail", args=[thread.group.slug])

    pages = {
        url: client.get(url)
        for url in ("/directory/", "/api/v1/partners/", group_url, thread.get_absolute_url())
    }
    client.force_login(veteran)
    member_pages = [client.get(group_url), client.get(thread.get_absolute_url())]

    assert {url: page.status_code for url, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "Northwind Cloud" in pages["/directory/"].content.decode()
    assert pages["/api/v1/partners/"].json()["count"] == 1
    assert "Cut-over weekends" in pages[group_url].content.decode()
    assert [page.status_code for page in member_pages] == [200, 200]
    assert "Post reply" in member_pages[1].content.decode()


@pytest.mark.django_db
def test_a_member_signs_in_while_redis_is_down(client, portal_on_private_redis):
    user = UserFactory()
    portal_on_private_redis.stop()

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/").context["user"] == user


@pytest.mark.django_db
def test_the_sixth_failed_login_for_an_account_is_still_refused_while_redis_is_down(
    client, portal_on_private_redis
):
    user = UserFactory()
    portal_on_private_redis.stop()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "nope"})

    refused = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )

    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_posting_rate_limits_still_count_while_redis_is_down(
    client, portal_on_private_redis, group, veteran
):
    client.force_login(veteran)
    portal_on_private_redis.stop()
    url = reverse("groups:thread-create", args=[group.slug])

    answers = [
        client.post(url, {"kind": "discussion", "title": f"Topic {n}", "body_markdown": "Body"})
        for n in range(6)
    ]

    assert [answer.status_code for answer in answers] == [302] * 5 + [429]
    assert RATE_LIMITED in answers[5].content.decode()
    assert Thread.objects.filter(author=veteran).count() == 5


def test_posts_written_while_redis_is_down_are_kept_and_screened_when_it_is_back(
    transactional_db,
    client,
    portal_on_private_redis,
    worker_on_private_redis,
    thread,
    veteran,
    django_capture_on_commit_callbacks,
    caplog,
):
    client.force_login(veteran)
    portal_on_private_redis.stop()

    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            reverse("groups:thread-create", args=[thread.group.slug]),
            {"kind": "discussion", "title": "Outage topic", "body_markdown": ORDINARY_BODY},
        )
        replied = client.post(
            reverse("groups:reply", args=[thread.group.slug, thread.pk]),
            {"body_markdown": ORDINARY_BODY},
        )

    new_thread = Thread.objects.get(title="Outage topic")
    reply = Reply.objects.get(thread=thread)
    assert (created.status_code, replied.status_code) == (302, 302)
    assert (new_thread.status, reply.status) == (PostStatus.PENDING, PostStatus.PENDING)
    assert "Could not queue moderation.tasks.screen_post" in caplog.text

    portal_on_private_redis.start()
    # The sweep takes posts that have waited longer than its grace period.
    Thread.objects.filter(pk=new_thread.pk).update(created_at=timezone.now() - timedelta(hours=1))
    Reply.objects.filter(pk=reply.pk).update(created_at=timezone.now() - timedelta(hours=1))
    with worker_on_private_redis():
        screen_waiting_posts.delay()
        wait_for(nothing_pending)

    new_thread.refresh_from_db()
    reply.refresh_from_db()
    assert (new_thread.status, reply.status) == (PostStatus.PUBLISHED, PostStatus.PUBLISHED)
    assert "Outage topic" in client.get(thread.group.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_healthz_names_the_cache_and_the_broker_while_redis_is_down(
    client, portal_on_private_redis
):
    assert client.get("/healthz").json() == {"database": "ok", "broker": "ok", "cache": "ok"}
    portal_on_private_redis.stop()

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")
    assert body["cache"].startswith("error")


@pytest.mark.django_db
def test_facet_counts_changed_during_the_outage_are_fresh_once_redis_is_back(
    client, portal_on_private_redis
):
    company = CompanyFactory(tier=Tier.REGISTERED)
    tiers = lambda: {  # noqa: E731
        t["value"]: t["count"] for t in client.get("/api/v1/partners/").json()["facets"]["tier"]
    }
    assert tiers()["gold"] == 0  # now cached in Redis
    portal_on_private_redis.stop()

    type(company).objects.filter(pk=company.pk).update(tier=Tier.GOLD)
    facet_cache_invalidate()
    portal_on_private_redis.start()

    assert tiers()["gold"] == 1


@pytest.mark.django_db
def test_losing_redis_is_logged_as_an_error_once(client, portal_on_private_redis, caplog):
    portal_on_private_redis.stop()

    with caplog.at_level(logging.ERROR, logger="portal.cache"):
        client.get("/directory/")
        client.get("/directory/")

    errors = [r for r in caplog.records if r.name == "portal.cache" and r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "Redis cache unreachable" in errors[0].getMessage()


@pytest.mark.django_db
def test_a_member_sees_a_reply_edited_while_redis_was_down_once_it_is_back(
    client, portal_on_private_redis, thread, veteran, django_capture_on_commit_callbacks
):
    moderator = MembershipFactory(group=thread.group, moderator=True).user  # edits skip review
    reply = ReplyFactory(thread=thread, author=moderator, body_markdown="First wording")
    client.force_login(veteran)
    assert "First wording" in client.get(thread.get_absolute_url()).content.decode()  # in Redis
    portal_on_private_redis.stop()

    with django_capture_on_commit_callbacks(execute=True):
        group_services.post_edit(post=reply, editor=moderator, body_markdown="Second wording")
    during = client.get(thread.get_absolute_url()).content.decode()
    portal_on_private_redis.start()
    after = client.get(thread.get_absolute_url()).content.decode()

    assert "Second wording" in during
    assert "Second wording" in after
    assert "First wording" not in after
