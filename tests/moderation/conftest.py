from datetime import timedelta

import pytest
from django.utils import timezone

from groups import services as group_services
from groups.models import Group
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory

ORDINARY_BODY = (
    "We moved our customer's SAP workloads to the cloud; how do you plan cut-over weekends?"
)


@pytest.fixture
def group(db):
    """A public group that pre-moderates new members, the portal's default."""
    return GroupFactory(
        name="Cloud migrations",
        slug="cloud-migrations",
        moderation_policy=Group.ModerationPolicy.PREMODERATE_NEW,
    )


@pytest.fixture
def other_group(db):
    return GroupFactory(name="Data platforms", slug="data-platforms")


@pytest.fixture
def moderator(group):
    return MembershipFactory(group=group, moderator=True, user__display_name="Mo Derator").user


@pytest.fixture
def other_moderator(other_group):
    return MembershipFactory(group=other_group, moderator=True).user


@pytest.fixture
def newcomer(group):
    """A member who joined the portal today and the group just now."""
    return MembershipFactory(group=group, user__display_name="Nora Newcomer").user


@pytest.fixture
def veteran(group):
    """A member of long standing, with no trust record yet."""
    user = UserFactory(date_joined=timezone.now() - timedelta(days=400))
    MembershipFactory(group=group, user=user)
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Post a thread through the real pipeline (save pending, screen after commit)."""

    def _submit(*, group, author, title="Cut-over weekends", body=ORDINARY_BODY):
        with django_capture_on_commit_callbacks(execute=True):
            thread = group_services.thread_create(
                group=group, author=author, title=title, body_markdown=body
            )
        thread.refresh_from_db()
        return thread

    return _submit


@pytest.fixture
def submit_reply(django_capture_on_commit_callbacks):
    def _submit(*, thread, author, body=ORDINARY_BODY):
        with django_capture_on_commit_callbacks(execute=True):
            reply = group_services.reply_create(thread=thread, author=author, body_markdown=body)
        reply.refresh_from_db()
        return reply

    return _submit
