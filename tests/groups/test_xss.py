"""Member-written text never runs as code: titles, tags and names are escaped, bodies sanitized."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from groups.models import Thread
from tests.factories import UserFactory
from tests.groups.factories import GroupFactory, MembershipFactory, ReplyFactory, ThreadFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'
BODY_PAYLOADS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '[x](https://ok.example "t" onmouseover="alert(1)")',
]
FORBIDDEN_ELEMENTS = {"script", "img", "iframe", "object", "embed", "svg", "style"}


class _ActiveContentFinder(HTMLParser):
    """Collects what a browser would run: script-like elements, on* handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_ELEMENTS and tag != "script":
            self.found.append(f"<{tag}>")
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.found.append("<script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


def _assert_inert(html: str) -> None:
    finder = _ActiveContentFinder()
    finder.feed(html)
    assert finder.found == []


def test_titles_tags_and_names_are_escaped_everywhere(client):
    author = UserFactory(display_name=PAYLOAD)
    group = GroupFactory(name=PAYLOAD, description=PAYLOAD)
    group.tags.add("tag-x")
    thread = ThreadFactory(group=group, author=author, title=PAYLOAD)
    thread.tags.add(PAYLOAD)
    ReplyFactory(thread=thread, author=author)

    pages = [
        client.get(reverse("groups:list")).content.decode(),
        client.get(reverse("groups:detail", args=[group.slug])).content.decode(),
        client.get(thread.get_absolute_url()).content.decode(),
    ]

    for page in pages:
        _assert_inert(page)
        assert "&lt;script&gt;" in page


@pytest.mark.parametrize("payload", BODY_PAYLOADS)
def test_bodies_are_sanitized(client, group, django_capture_on_commit_callbacks, payload):
    author = MembershipFactory(group=group).user
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("groups:thread-create", args=[group.slug]),
            {"kind": "discussion", "title": "Safe?", "body_markdown": f"Hello {payload} there"},
        )
    thread = Thread.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("groups:reply", args=[group.slug, thread.pk]),
            {"body_markdown": f"Reply {payload}"},
        )

    page = client.get(thread.get_absolute_url()).content.decode()

    _assert_inert(Thread.objects.get().body_html + thread.replies.get().body_html)
    _assert_inert(page)


def test_links_in_bodies_are_marked_nofollow_ugc(group):
    thread = ThreadFactory(group=group, body_markdown="See [docs](https://docs.example.com).")

    assert 'rel="nofollow ugc noopener"' in thread.body_html
