"""Demo groups for ``seed_demo``: topic groups of every kind, members, threads, replies, votes,
and a few job-board and spam posts left pending for screening (``seed_demo`` has moderation
screen them, see moderation/seeding.py, so its queue has work)."""

import random
from collections.abc import Callable
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker
from taggit.models import Tag, TaggedItem

from directory.models import CompanyMembership
from groups.markdown import render_markdown
from groups.models import Group, GroupMembership, HelpfulVote, PostStatus, Reply, Thread
from portal.models import User

Progress = Callable[[int, int], None]
V, J, M = Group.Visibility, Group.JoinPolicy, Group.ModerationPolicy

GROUPS = [
    ("Cloud migrations", V.PUBLIC, J.OPEN, M.PREMODERATE_NEW, ["cloud", "migration"]),
    ("Security and compliance", V.PUBLIC, J.OPEN, M.POSTMODERATE, ["security", "compliance"]),
    ("Data and AI practice", V.PUBLIC, J.REQUEST, M.PREMODERATE_NEW, ["data", "ai"]),
    ("Modern workplace", V.PUBLIC, J.OPEN, M.POSTMODERATE, ["workplace", "collaboration"]),
    ("Public sector deals", V.MEMBERS, J.REQUEST, M.PREMODERATE_ALL, ["public sector"]),
    ("Managed services playbooks", V.MEMBERS, J.OPEN, M.PREMODERATE_NEW, ["managed services"]),
    ("DevOps and platform engineering", V.PUBLIC, J.OPEN, M.POSTMODERATE, ["devops", "kubernetes"]),
    ("ERP and business apps", V.MEMBERS, J.OPEN, M.PREMODERATE_NEW, ["erp", "crm"]),
    ("Partner marketing", V.PUBLIC, J.OPEN, M.PREMODERATE_ALL, ["marketing"]),
    ("Gold partner council", V.PRIVATE, J.INVITE, M.POSTMODERATE, ["gold", "council"]),
    ("Healthcare solutions", V.PRIVATE, J.REQUEST, M.PREMODERATE_NEW, ["healthcare"]),
    ("Nordics partner network", V.MEMBERS, J.INVITE, M.POSTMODERATE, ["nordics", "regional"]),
]
DEMO_MEMBER_GROUPS = {0: GroupMembership.Role.MODERATOR, 1: None, 3: None, 4: None, 9: None}

TITLES = [
    ("question", "How do you price a {topic} assessment for a mid-size customer?"),
    ("question", "Which tooling do you use for {topic} at scale?"),
    ("question", "Anyone certified on the new {topic} track yet?"),
    ("discussion", "Lessons learned from our last {topic} project"),
    ("discussion", "Template: statement of work for {topic} engagements"),
    ("discussion", "Customer asks for a fixed price on {topic}: how do you handle it?"),
    ("discussion", "What changed for {topic} with the new partner programme rules"),
    ("question", "Looking for a reference architecture for {topic} in regulated industries"),
    ("discussion", "Our {topic} runbook, feedback welcome"),
    ("question", "How long does the {topic} competency verification take?"),
]
BODIES = [
    "We just finished a **{topic}** project for a retailer (about 400 users). Three things "
    "surprised us:\n\n1. Discovery took twice as long as planned.\n2. Licensing questions came "
    "late.\n3. The customer wanted weekly demos.\n\nHow do you plan for this?",
    "Sharing our checklist for {topic} kick-offs:\n\n- stakeholder map\n- success criteria "
    "signed off\n- a rollback plan\n- named owner on the customer side\n\nWhat would you add?",
    "Has anyone combined {topic} with a managed-service contract? We are unsure how to split "
    "the *project* and the *run* parts in the offer.",
    "The vendor documentation on {topic} is good, but the [partner guide]"
    "(https://partners.example.com/guides) skips the networking part. Any tips?",
    "We are a small team (12 people) and get more {topic} requests than we can handle. "
    "Open to co-delivery with a partner in another region.",
    "Quick poll: do you bill {topic} assessments, or give them away to win the project?",
]
REPLIES = [
    "We had the same issue. Put discovery into its own paid phase; customers accept it.",
    "Thanks, this is **really** useful. Saving the checklist.",
    "We use the vendor's assessment tool plus a spreadsheet for the business case.",
    "Happy to share our SOW template, send me a message.",
    "The verification took us about three weeks, mostly waiting for customer references.",
    "Fixed price only with a clear change-request process; otherwise time and materials.",
    "+1, we add a *hypercare* period of four weeks to every project now.",
    "Have a look at the [reference architectures](https://docs.example.com/architectures).",
]
HELD_POSTS = [
    (
        "We're hiring: senior cloud engineer (full-time, remote)",
        "Job opening at our company! Send your CV to jobs@example.com. Salary negotiable, "
        "apply now.",
    ),
    (
        "Recruiting Kubernetes consultants, apply today",
        "We are recruiting. Part-time or full-time positions open, send us your resume.",
    ),
    (
        "Cheap licences, buy now!",
        "Guaranteed discount on all licences, click here: https://spam.example.com "
        "https://spam.example.com/a https://spam.example.com/b",
    ),
    (
        "Earn $500 a day with our crypto partner plan",
        "Free money, guaranteed. Contact us on WhatsApp. https://x.example.com "
        "https://y.example.com https://z.example.com",
    ),
]


def _companies_by_user(users) -> dict:
    return dict(
        CompanyMembership.objects.filter(
            user__in=users, status=CompanyMembership.Status.APPROVED
        ).values_list("user_id", "company_id")
    )


def _groups(*, staff, rng: random.Random) -> list[Group]:
    groups = []
    for name, visibility, join_policy, moderation_policy, tags in GROUPS:
        group, created = Group.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "description": f"Partners compare notes on {name.lower()}: questions, "
                "playbooks, co-delivery.",
                "visibility": visibility,
                "join_policy": join_policy,
                "moderation_policy": moderation_policy,
                "created_by": staff,
            },
        )
        if created:
            group.tags.set(tags)
        groups.append(group)
    return groups


def _memberships(*, groups, members, staff, demo, rng: random.Random) -> dict[int, list]:
    """Active members per group id; the demo member joins several and moderates one."""
    existing = set(GroupMembership.objects.values_list("group_id", "user_id"))
    rows, active = [], {g.pk: [] for g in groups}

    def add(group, user, role=GroupMembership.Role.MEMBER, status=GroupMembership.Status.ACTIVE):
        if (group.pk, user.pk) in existing:
            return
        existing.add((group.pk, user.pk))
        rows.append(GroupMembership(group=group, user=user, role=role, status=status))
        if status == GroupMembership.Status.ACTIVE:
            active[group.pk].append(user)

    others = [m for m in members if m.pk != demo.pk] if demo else list(members)
    for index, group in enumerate(groups):
        add(group, staff, GroupMembership.Role.OWNER)
        if demo and index in DEMO_MEMBER_GROUPS:
            add(group, demo, DEMO_MEMBER_GROUPS[index] or GroupMembership.Role.MEMBER)
        share = rng.uniform(0.15, 0.45)
        chosen = rng.sample(others, k=max(1, int(len(others) * share))) if others else []
        for position, user in enumerate(chosen):
            role = GroupMembership.Role.MODERATOR if position == 0 else GroupMembership.Role.MEMBER
            add(group, user, role)
        spare = [u for u in others if (group.pk, u.pk) not in existing]
        if group.join_policy == J.REQUEST:
            for user in spare[:3]:
                add(group, user, status=GroupMembership.Status.REQUESTED)
        elif group.join_policy == J.INVITE and spare:
            add(group, spare[0], status=GroupMembership.Status.INVITED)
    if demo:
        healthcare = groups[10]
        add(healthcare, demo, status=GroupMembership.Status.INVITED)
    GroupMembership.objects.bulk_create(rows, batch_size=2000)
    for group in groups:
        Group.objects.filter(pk=group.pk).update(
            member_count=GroupMembership.objects.filter(
                group=group, status=GroupMembership.Status.ACTIVE
            ).count()
        )
    return active


@transaction.atomic
def seed_groups(*, count_threads: int, faker: Faker, progress: Progress, members) -> dict:
    """Create demo groups, memberships, threads, replies, votes and a few pending posts that
    screening should hold."""
    rng = random.Random(faker.random.random())
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    demo = User.objects.filter(email="member@example.com").first()
    members = list(members)
    groups = _groups(staff=staff, rng=rng)
    active = _memberships(groups=groups, members=members, staff=staff, demo=demo, rng=rng)
    companies = _companies_by_user([u for users in active.values() for u in users])
    html_cache: dict[str, str] = {}

    def html(text: str) -> str:
        if text not in html_cache:
            html_cache[text] = render_markdown(text)
        return html_cache[text]

    now = timezone.now()
    threads, plans = [], []
    for n in range(count_threads):
        group = groups[n % len(groups)]
        authors = active[group.pk] or [staff]
        author = rng.choice(authors)
        kind, title = rng.choice(TITLES)
        topic = group.name.lower()
        created = now - timedelta(minutes=rng.randint(60, 60 * 24 * 120))
        body = rng.choice(BODIES).format(topic=topic)
        threads.append(
            Thread(
                group=group,
                author=author,
                author_company_id=companies.get(author.pk),
                kind=kind,
                title=title.format(topic=topic)[:200],
                body_markdown=body,
                body_html=html(body),
                status=PostStatus.PUBLISHED,
                is_pinned=n < len(groups) and n % 3 == 0,
                created_at=created,
                published_at=created,
                last_activity_at=created,
            )
        )
        plans.append(authors)
    threads = Thread.objects.bulk_create(threads, batch_size=1000)

    replies, votes = [], []
    for done, (thread, authors) in enumerate(zip(threads, plans, strict=True), start=1):
        count = rng.choice([0, 1, 2, 3, 3, 4, 6, 9])
        moment = thread.created_at
        for _ in range(count):
            moment += timedelta(minutes=rng.randint(5, 600))
            author = rng.choice(authors)
            text = rng.choice(REPLIES)
            replies.append(
                Reply(
                    thread=thread,
                    author=author,
                    author_company_id=companies.get(author.pk),
                    body_markdown=text,
                    body_html=html(text),
                    status=PostStatus.PUBLISHED,
                    created_at=moment,
                    published_at=moment,
                )
            )
        thread.reply_count = count
        thread.last_activity_at = min(moment, now)
        voters = [u for u in rng.sample(authors, k=min(len(authors), rng.randint(0, 6)))]
        voters = [u for u in voters if u.pk != thread.author_id]
        thread.helpful_count = len(voters)
        votes.extend(HelpfulVote(user=u, thread=thread) for u in voters)
        if done % 500 == 0 or done == len(threads):
            progress(done, len(threads))
    if not threads:
        progress(0, 0)
    Thread.objects.bulk_update(
        threads, ["reply_count", "last_activity_at", "helpful_count"], batch_size=1000
    )
    Reply.objects.bulk_create(replies, batch_size=2000)
    HelpfulVote.objects.bulk_create(votes, batch_size=2000, ignore_conflicts=True)
    _tag_threads(threads, rng)
    for group in groups:
        latest = Thread.objects.filter(group=group, status=PostStatus.PUBLISHED)
        Group.objects.filter(pk=group.pk).update(
            thread_count=latest.count(),
            last_activity_at=latest.order_by("-last_activity_at")
            .values_list("last_activity_at", flat=True)
            .first(),
        )
    pending = _posts_for_screening(groups=groups, active=active, rng=rng)
    return {
        "groups": len(groups),
        "threads": len(threads),
        "replies": len(replies),
        "votes": len(votes),
        "pending": pending,
    }


def _tag_threads(threads: list[Thread], rng: random.Random) -> None:
    names = ["azure", "aws", "licensing", "pricing", "sow", "migration", "security", "ai"]
    tags = {
        name: Tag.objects.get_or_create(name=name, defaults={"slug": name})[0] for name in names
    }
    content_type = ContentType.objects.get_for_model(Thread)
    items = []
    for thread in threads:
        for name in rng.sample(names, k=rng.randint(0, 2)):
            items.append(TaggedItem(tag=tags[name], content_type=content_type, object_id=thread.pk))
    TaggedItem.objects.bulk_create(items, batch_size=2000, ignore_conflicts=True)


def _posts_for_screening(*, groups, active, rng: random.Random) -> int:
    """Job-board and spam posts from new accounts, saved pending: the real screening, run by
    moderation's demo seeding, holds them. Returns how many were saved."""
    pending = 0
    public = [g for g in groups if g.visibility != V.PRIVATE]
    for index, (title, body) in enumerate(HELD_POSTS):
        group = public[index % len(public)]
        authors = [
            u for u in active[group.pk] if not u.is_staff and u.email != "member@example.com"
        ]
        if not authors:
            continue
        author = rng.choice(authors)
        Thread.objects.create(
            group=group,
            author=author,
            title=title,
            body_markdown=body,
            body_html=render_markdown(body),
            status=PostStatus.PENDING,
        )
        pending += 1
    return pending
