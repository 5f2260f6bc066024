"""Minimal factories for the models a digest reads (groups, threads, requests, queue items)."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from collaboration.models import FindPartnerRequest
from groups.models import Group, GroupMembership, PostStatus, Thread
from moderation.models import ModerationItem
from tests.factories import UserFactory


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Topic Group {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    visibility = Group.Visibility.PUBLIC

    @factory.post_generation
    def tag_names(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.tags.add(*extracted)


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    status = GroupMembership.Status.ACTIVE
    role = GroupMembership.Role.MEMBER


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    group = factory.SubFactory(GroupFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Thread number {n}")
    body_markdown = "Body"
    body_html = "<p>Body</p>"
    status = PostStatus.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class FindPartnerRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FindPartnerRequest
        skip_postgeneration_save = True

    thread = factory.SubFactory(ThreadFactory, kind=Thread.Kind.REQUEST)
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def needs(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.competencies.add(*extracted)


class ModerationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModerationItem

    group = factory.SubFactory(GroupFactory)
    thread = factory.SubFactory(
        ThreadFactory, group=factory.SelfAttribute("..group"), status=PostStatus.PENDING
    )
    source = ModerationItem.Source.POLICY
