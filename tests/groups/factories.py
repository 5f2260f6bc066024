import factory
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from groups.markdown import render_markdown
from groups.models import Group, GroupMembership, PostStatus, Reply, Thread
from tests.factories import UserFactory

# Hashing a password takes most of a second here; authors and members sign in with
# force_login, so they get an unusable password and factories stay fast.
NO_PASSWORD = "!"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Topic group {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "Partners helping partners."
    visibility = Group.Visibility.PUBLIC
    join_policy = Group.JoinPolicy.OPEN
    moderation_policy = Group.ModerationPolicy.POSTMODERATE


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active member; `moderator=True` makes a moderator. Keeps the group's member_count."""

    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory, password=NO_PASSWORD)
    role = GroupMembership.Role.MEMBER
    status = GroupMembership.Status.ACTIVE

    class Params:
        moderator = factory.Trait(role=GroupMembership.Role.MODERATOR)
        banned = factory.Trait(status=GroupMembership.Status.BANNED)
        invited = factory.Trait(status=GroupMembership.Status.INVITED)
        requested = factory.Trait(status=GroupMembership.Status.REQUESTED)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        membership = super()._create(model_class, *args, **kwargs)
        if membership.status == GroupMembership.Status.ACTIVE:
            Group.objects.filter(pk=membership.group_id).update(
                member_count=GroupMembership.objects.filter(
                    group=membership.group_id, status=GroupMembership.Status.ACTIVE
                ).count()
            )
        return membership


class ThreadFactory(factory.django.DjangoModelFactory):
    """A published thread (pass status=PostStatus.PENDING for one waiting for review).

    Keeps the group's thread_count as the services do, since pages rely on the counter."""

    class Meta:
        model = Thread

    group = factory.SubFactory(GroupFactory)
    author = factory.SubFactory(UserFactory, password=NO_PASSWORD)
    kind = Thread.Kind.DISCUSSION
    title = factory.Sequence(lambda n: f"How do you run migration project {n}?")
    body_markdown = "We are planning a **migration** and would like to compare notes."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body_markdown))
    status = PostStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        thread = super()._create(model_class, *args, **kwargs)
        if thread.status == PostStatus.PUBLISHED:
            Group.objects.filter(pk=thread.group_id).update(thread_count=F("thread_count") + 1)
        return thread


class ReplyFactory(factory.django.DjangoModelFactory):
    """A published reply; keeps the thread's reply_count."""

    class Meta:
        model = Reply

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory, password=NO_PASSWORD)
    body_markdown = "We did this last year; happy to share our runbook."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body_markdown))
    status = PostStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        reply = super()._create(model_class, *args, **kwargs)
        if reply.status == PostStatus.PUBLISHED:
            Thread.objects.filter(pk=reply.thread_id).update(reply_count=F("reply_count") + 1)
        return reply
