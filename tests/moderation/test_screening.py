"""Automatic screening: job posts, spam, link farms, cross-posting, watched words and brand-new
accounts are held; ordinary technical posts go straight through."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from groups.models import Group, PostStatus
from moderation.models import ModerationItem, ModerationLog, WatchedWord
from moderation.reasons import reason_text
from moderation.screening import post_score
from moderation.tasks import screen_waiting_posts
from portal.celery import app as celery_app
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HELD = [
    (
        "job post",
        "We're hiring!",
        "Senior SAP consultant, full-time. Send your CV to jobs@acme.example.",
    ),
    ("job post, terse", "Hiring: Java developer", "Remote. Apply now at careers.example.com."),
    (
        "job seeker",
        "Available",
        "Looking for a job as a Salesforce developer, my resume is attached.",
    ),
    ("recruiter", "Vacancies", "Our recruitment agency has 12 vacancies, salary 90k per year."),
    ("spam", "Best offer", "Cheap licences, buy now, guaranteed delivery."),
    ("spam, crypto", "Passive income", "Earn $500 a day with crypto, contact me on WhatsApp."),
    (
        "link farm",
        "Resources",
        "See https://a.example https://b.example https://c.example https://d.example now",
    ),
]
PASSES = [
    (
        "integration question",
        "Dynamics and S/4HANA",
        "Has anyone integrated Dynamics 365 with S/4HANA? We compare middleware.",
    ),
    (
        "cron job question",
        "Nightly sync",
        "Our cron job fails to resume the sync after a restart. Ideas?",
    ),
    (
        "one helpful link",
        "Runbook",
        "Here is our migration runbook: https://docs.example.com/runbook",
    ),
    (
        "pricing talk",
        "Reseller discount",
        "How do you model the reseller discount in your CPQ set-up?",
    ),
    (
        "hiring a partner",
        "Need a partner",
        "We need a partner with Azure skills for a project in Spain.",
    ),
    (
        "code",
        "Query",
        "```sql\nselect * from jobs where status = 'failed';\n```\nWhy is this slow?",
    ),
]


def _post(group, author, title, body):
    from tests.groups.factories import ThreadFactory

    return ThreadFactory(
        group=group, author=author, title=title, body_markdown=body, status=PostStatus.PENDING
    )


@pytest.fixture
def open_group(db):
    return GroupFactory(moderation_policy=Group.ModerationPolicy.POSTMODERATE)


@pytest.fixture
def established(open_group):
    user = UserFactory(date_joined=timezone.now() - timedelta(days=90))
    MembershipFactory(group=open_group, user=user)
    return user


@pytest.mark.parametrize(("case", "title", "body"), HELD, ids=[c[0] for c in HELD])
def test_screening_holds(case, title, body, open_group, established):
    screening = post_score(post=_post(open_group, established, title, body))

    assert screening.hold, (case, screening)
    assert screening.reasons


@pytest.mark.parametrize(("case", "title", "body"), PASSES, ids=[c[0] for c in PASSES])
def test_screening_lets_ordinary_posts_through(case, title, body, open_group, established):
    screening = post_score(post=_post(open_group, established, title, body))

    assert not screening.hold, (case, screening)


@pytest.mark.parametrize(("case", "title", "body"), PASSES[:2], ids=[c[0] for c in PASSES[:2]])
def test_ordinary_posts_by_brand_new_accounts_pass_too(case, title, body, open_group):
    newcomer = MembershipFactory(group=open_group).user

    assert not post_score(post=_post(open_group, newcomer, title, body)).hold


def test_brand_new_account_selling_with_links_is_held(open_group, established):
    newcomer = MembershipFactory(group=open_group).user
    body = "Get a discount on licences: https://deals.example.com and https://more.example.com"

    assert post_score(post=_post(open_group, newcomer, "Deal", body)).hold
    assert not post_score(post=_post(open_group, established, "Deal", body)).hold


def test_watched_word_holds_a_post_wherever_it_appears(open_group, established):
    WatchedWord.objects.create(phrase="acme leaks")

    held = post_score(post=_post(open_group, established, "News", "Read the ACME leaks today"))
    fine = post_score(post=_post(open_group, established, "News", "Acme leaksmith tool review"))

    assert held.hold
    assert [reason_text(reason) for reason in held.reasons] == ["Watched words: acme leaks"]
    assert not fine.hold


def test_the_same_text_posted_in_several_groups_is_held_the_second_time(
    open_group, established, submit
):
    second_group = GroupFactory(moderation_policy=Group.ModerationPolicy.POSTMODERATE)
    MembershipFactory(group=second_group, user=established)
    body = "Does anyone have experience with Kubernetes operators for SAP HANA backups?"

    first = submit(group=open_group, author=established, body=body)
    second = submit(group=second_group, author=established, body=body)

    assert first.status == PostStatus.PUBLISHED
    assert second.status == PostStatus.PENDING
    item = second.moderation_items.get()
    assert item.source == ModerationItem.Source.SCREENING
    assert "Same text posted in other groups" in item.reason_texts


def test_ordinary_post_in_a_post_moderated_group_is_published_and_logged(
    open_group, established, submit
):
    thread = submit(group=open_group, author=established)

    assert thread.status == PostStatus.PUBLISHED
    assert ModerationLog.objects.filter(
        thread=thread, action=ModerationLog.Action.AUTO_PUBLISH, actor=None
    ).exists()


def test_held_reply_waits_in_the_queue_with_score_and_reasons(
    open_group, established, submit, submit_reply
):
    thread = submit(group=open_group, author=established)
    reply = submit_reply(thread=thread, author=established, body="We're hiring, apply now!")

    assert reply.status == PostStatus.PENDING
    item = reply.moderation_items.get()
    assert item.score >= 1.0
    assert item.reason_texts[0].startswith("Job-board wording")
    assert ModerationLog.objects.filter(reply=reply, action=ModerationLog.Action.AUTO_HOLD).exists()


def test_screening_twice_does_not_queue_twice(open_group, established):
    from moderation.services import post_screen

    thread = _post(open_group, established, "Hiring", "We're hiring, send your CV")
    post_screen(post=thread)
    post_screen(post=thread)

    assert ModerationItem.objects.filter(thread=thread).count() == 1


def _drop_connections() -> None:
    """Forget pooled broker connections so the next publish connects to the current URL."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Celery as in production (not eager) with a broker nobody listens on."""
    conf = celery_app.conf
    saved = {
        "task_always_eager": conf.task_always_eager,
        "broker_url": conf.broker_url,
        "broker_connection_timeout": conf.broker_connection_timeout,
        "broker_connection_max_retries": conf.broker_connection_max_retries,
        "task_publish_retry": conf.task_publish_retry,
    }
    conf.update(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:1/0",
        broker_connection_timeout=1,
        broker_connection_max_retries=0,
        task_publish_retry=False,
    )
    _drop_connections()
    try:
        yield
    finally:
        conf.update(saved)
        _drop_connections()


def test_post_made_while_redis_is_down_is_kept_and_screened_later(
    open_group, established, submit, broker_down
):
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the tests' default; the fixture switches it off
    body = "We're hiring a full-time consultant, send your CV."

    thread = submit(group=open_group, author=established, title="Jobs", body=body)

    assert thread.status == PostStatus.PENDING
    assert not ModerationItem.objects.filter(thread=thread).exists()


def test_the_sweep_screens_posts_saved_while_the_broker_was_down(
    open_group, established, submit, broker_down
):
    held = submit(
        group=open_group, author=established, title="Jobs", body="We're hiring, apply now."
    )
    fine = submit(group=open_group, author=established, title="Backups")
    broker_down_until = timezone.now() - timedelta(minutes=5)
    type(held).objects.filter(pk__in=[held.pk, fine.pk]).update(created_at=broker_down_until)
    assert (held.status, fine.status) == (PostStatus.PENDING, PostStatus.PENDING)

    # The broker comes back (the fixture's patch is undone) and beat runs the sweep.
    celery_app.conf.update(task_always_eager=True)
    screened = screen_waiting_posts()

    assert screened == 2
    held.refresh_from_db()
    fine.refresh_from_db()
    assert held.status == PostStatus.PENDING
    assert held.moderation_items.get().source == ModerationItem.Source.SCREENING
    assert fine.status == PostStatus.PUBLISHED
    assert screen_waiting_posts() == 0  # nothing is screened twice
