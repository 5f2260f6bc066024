import pytest

from groups.models import Group
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory


@pytest.fixture
def group(db):
    return GroupFactory(name="Cloud migrations", slug="cloud-migrations")


@pytest.fixture
def private_group(db):
    return GroupFactory(
        name="Gold partners council",
        slug="gold-council",
        visibility=Group.Visibility.PRIVATE,
        join_policy=Group.JoinPolicy.INVITE,
    )


@pytest.fixture
def group_member(group):
    return MembershipFactory(group=group).user


@pytest.fixture
def moderator(group):
    return MembershipFactory(group=group, moderator=True).user


@pytest.fixture
def outsider(db):
    return UserFactory()
