"""Who sees which group and thread: public / members-only / private, for every kind of viewer.

What may not be seen answers 404, never 403, so a private group does not even leak that it exists.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from groups.models import Group, GroupMembership, PostStatus
from groups.selectors import group_get_for_viewer, group_list_for_viewer
from portal.errors import NotFound
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ReplyFactory, ThreadFactory

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "portal_member", "group_member", "banned", "staff"]
EXPECTED = {
    Group.Visibility.PUBLIC: {
        "anonymous": 200,
        "portal_member": 200,
        "group_member": 200,
        "banned": 200,
        "staff": 200,
    },
    Group.Visibility.MEMBERS: {
        "anonymous": 404,
        "portal_member": 200,
        "group_member": 200,
        "banned": 200,
        "staff": 200,
    },
    Group.Visibility.PRIVATE: {
        "anonymous": 404,
        "portal_member": 404,
        "group_member": 200,
        "banned": 404,
        "staff": 200,
    },
}
CASES = [(vis, viewer, EXPECTED[vis][viewer]) for vis in EXPECTED for viewer in VIEWERS]


def _sign_in(client, viewer: str, group: Group) -> None:
    if viewer == "anonymous":
        return
    if viewer == "portal_member":
        user = UserFactory()
    elif viewer == "group_member":
        user = MembershipFactory(group=group).user
    elif viewer == "banned":
        user = MembershipFactory(group=group, banned=True).user
    else:
        user = UserFactory(is_staff=True)
    client.force_login(user)


@pytest.mark.parametrize(("visibility", "viewer", "status"), CASES)
def test_group_page_answers_by_visibility_and_viewer(client, visibility, viewer, status):
    group = GroupFactory(visibility=visibility)
    ThreadFactory(group=group, title="Sizing a landing zone")
    _sign_in(client, viewer, group)

    response = client.get(reverse("groups:detail", args=[group.slug]))

    assert response.status_code == status
    if status == 200:
        assert "Sizing a landing zone" in response.content.decode()


@pytest.mark.parametrize(("visibility", "viewer", "status"), CASES)
def test_thread_page_answers_by_visibility_and_viewer(client, visibility, viewer, status):
    group = GroupFactory(visibility=visibility)
    thread = ThreadFactory(group=group)
    ReplyFactory(thread=thread, body_markdown="Use the **reference** architecture.")
    _sign_in(client, viewer, group)

    response = client.get(reverse("groups:thread", args=[group.slug, thread.pk]))

    assert response.status_code == status
    if status == 200:
        assert "<strong>reference</strong>" in response.content.decode()


@pytest.mark.parametrize(("visibility", "viewer", "status"), CASES)
def test_group_list_shows_only_groups_the_viewer_may_know(client, visibility, viewer, status):
    group = GroupFactory(name="Zero-trust networking", visibility=visibility)
    _sign_in(client, viewer, group)

    page = client.get(reverse("groups:list")).content.decode()

    assert ("Zero-trust networking" in page) is (status == 200)


PRIVATE_URLS = [
    ("groups:detail", "get", False),
    ("groups:join", "post", False),
    ("groups:leave", "post", False),
    ("groups:invitation", "post", False),
    ("groups:members", "get", False),
    ("groups:thread-create", "get", False),
    ("groups:thread", "get", True),
    ("groups:reply", "post", True),
    ("groups:thread-edit", "get", True),
    ("groups:thread-history", "get", True),
    ("groups:thread-vote", "post", True),
    ("groups:reply-edit", "get", "reply"),
    ("groups:reply-vote", "post", "reply"),
    ("groups:reply-accept", "post", "reply"),
]


@pytest.mark.parametrize(("name", "method", "target"), PRIVATE_URLS)
@pytest.mark.parametrize("signed_in", [False, True])
def test_every_url_of_a_private_group_is_404_for_outsiders(
    client, private_group, name, method, target, signed_in
):
    thread = ThreadFactory(group=private_group)
    reply = ReplyFactory(thread=thread)
    args = [private_group.slug]
    if target is True:
        args.append(thread.pk)
    elif target == "reply":
        args.append(reply.pk)
    if signed_in:
        client.force_login(UserFactory())

    response = getattr(client, method)(reverse(name, args=args))

    assert response.status_code == 404


def test_invited_person_sees_the_private_group_but_not_its_threads(client, private_group):
    thread = ThreadFactory(group=private_group, title="Council agenda")
    invited = MembershipFactory(group=private_group, invited=True).user
    client.force_login(invited)

    page = client.get(reverse("groups:detail", args=[private_group.slug]))
    thread_page = client.get(reverse("groups:thread", args=[private_group.slug, thread.pk]))

    assert page.status_code == 200
    assert "Accept invitation" in page.content.decode()
    assert "Council agenda" not in page.content.decode()
    assert thread_page.status_code == 404


def test_pending_thread_is_visible_to_its_author_and_moderators_only(client, group):
    author = MembershipFactory(group=group).user
    moderator = MembershipFactory(group=group, moderator=True).user
    other = MembershipFactory(group=group).user
    thread = ThreadFactory(group=group, author=author, status=PostStatus.PENDING)
    url = reverse("groups:thread", args=[group.slug, thread.pk])

    answers = {}
    for name, user in [("author", author), ("moderator", moderator), ("other", other)]:
        client.force_login(user)
        answers[name] = client.get(url).status_code
    client.logout()
    answers["anonymous"] = client.get(url).status_code

    assert answers == {"author": 200, "moderator": 200, "other": 404, "anonymous": 404}


def test_group_list_filters_by_tag_and_shows_the_viewers_membership(client, member):
    tagged = GroupFactory(name="Azure practice")
    tagged.tags.add("azure")
    GroupFactory(name="Security practice")
    MembershipFactory(group=tagged, user=member)
    client.force_login(member)

    page = client.get(reverse("groups:list"), {"tag": "azure"}).content.decode()

    assert "Azure practice" in page
    assert "Security practice" not in page
    assert "1 member" in page
    assert ">Member<" in page


@pytest.mark.django_db
def test_an_invited_outsider_does_not_learn_how_many_threads_a_private_group_has(client):
    group = GroupFactory(name="Inner circle", visibility=Group.Visibility.PRIVATE)
    ThreadFactory(group=group)
    invited = UserFactory()
    MembershipFactory(group=group, user=invited, status=GroupMembership.Status.INVITED)
    client.force_login(invited)

    page = client.get("/groups/").content.decode()

    assert "Inner circle" in page
    assert "1 thread" not in page


@pytest.mark.parametrize(
    ("viewer", "shown"),
    [("invited", False), ("group_member", True), ("staff", True)],
)
def test_the_group_list_shows_a_private_groups_thread_count_only_to_members_and_staff(
    viewer, shown
):
    group = GroupFactory(visibility=Group.Visibility.PRIVATE)
    user = {
        "invited": lambda: MembershipFactory(group=group, invited=True).user,
        "group_member": lambda: MembershipFactory(group=group).user,
        "staff": lambda: UserFactory(is_staff=True),
    }[viewer]()

    listed = group_list_for_viewer(viewer=user).get(pk=group.pk)

    assert listed.show_thread_count is shown


@pytest.mark.parametrize("viewer", ["anonymous", "portal_member"])
def test_the_group_list_shows_every_viewer_the_thread_count_of_groups_that_are_not_private(
    viewer,
):
    group = GroupFactory(visibility=Group.Visibility.PUBLIC)
    user = AnonymousUser() if viewer == "anonymous" else UserFactory()

    listed = group_list_for_viewer(viewer=user).get(pk=group.pk)

    assert listed.show_thread_count is True


def test_group_selectors_raise_not_found_for_what_the_viewer_may_not_see(private_group):
    outsider = UserFactory()

    with pytest.raises(NotFound):
        group_get_for_viewer(viewer=outsider, slug=private_group.slug)


def test_a_pending_reply_is_shown_to_its_author_moderators_and_staff_only(client, group):
    author = MembershipFactory(group=group).user
    moderator = MembershipFactory(group=group, moderator=True).user
    other = MembershipFactory(group=group).user
    staff = UserFactory(is_staff=True)
    thread = ThreadFactory(group=group)
    ReplyFactory(thread=thread, body_markdown="Published answer")
    ReplyFactory(
        thread=thread, author=author, status=PostStatus.PENDING, body_markdown="Draft answer"
    )

    viewers = {"author": author, "moderator": moderator, "other": other, "staff": staff}
    shown = {}
    for name, user in viewers.items():
        client.force_login(user)
        page = client.get(thread.get_absolute_url()).content.decode()
        shown[name] = ("Draft answer" in page, "2 replies" in page, "1 reply" in page)
    client.logout()
    page = client.get(thread.get_absolute_url()).content.decode()
    shown["anonymous"] = ("Draft answer" in page, "2 replies" in page, "1 reply" in page)

    assert shown == {
        "author": (True, True, False),
        "moderator": (True, True, False),
        "staff": (True, True, False),
        "other": (False, False, True),
        "anonymous": (False, False, True),
    }


def test_own_threads_waiting_for_review_are_listed_to_their_author_only(client, group):
    author = MembershipFactory(group=group).user
    other = MembershipFactory(group=group).user
    ThreadFactory(group=group, author=author, status=PostStatus.PENDING, title="My draft thread")
    ThreadFactory(group=group, author=other, status=PostStatus.PENDING, title="Their draft")

    client.force_login(author)
    page = client.get(reverse("groups:detail", args=[group.slug])).content.decode()

    assert "Your posts not yet published" in page
    assert "My draft thread" in page
    assert "Their draft" not in page
