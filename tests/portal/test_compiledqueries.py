"""A query compiled once answers for any values, and refuses what it cannot answer safely."""

import pytest

from portal.compiledqueries import CompiledQuery
from portal.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _emails_from(*, user_id: int):
    return User.objects.filter(pk__gte=user_id).order_by("pk").values("email")


def test_each_run_answers_for_its_own_values():
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    query = CompiledQuery(_emails_from, markers=("user_id",))

    assert [row["email"] for row in query.rows(user_id=second.pk)] == [second.email, third.email]
    assert [row["email"] for row in query.rows(user_id=first.pk)] == [
        first.email,
        second.email,
        third.email,
    ]


def test_rows_are_paged_with_limit_and_offset():
    users = [UserFactory() for _ in range(5)]
    query = CompiledQuery(_emails_from, markers=("user_id",))

    page = query.rows(user_id=users[0].pk, limit=2, offset=2)

    assert [row["email"] for row in page] == [users[2].email, users[3].email]


def test_a_value_the_query_rewrites_is_refused_when_compiling():
    def build(*, user_id: int):
        return User.objects.filter(email__contains=str(user_id)).values("pk")

    with pytest.raises(ValueError, match="markers not among the SQL parameters"):
        CompiledQuery(build, markers=("user_id",))


def test_a_sliced_queryset_is_refused():
    def build(*, user_id: int):
        return _emails_from(user_id=user_id)[:10]

    with pytest.raises(ValueError, match="unsliced"):
        CompiledQuery(build, markers=("user_id",))
