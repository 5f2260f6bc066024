"""Every URL the portal serves, read from the resolver and filled with real demo objects.

``routes()`` walks the URL configuration, so a new page is walked without editing any test.
``urls(route, values)`` turns one route into the URLs to request: parameters come from
``demo_values()`` (objects the ``seed_demo`` command made, looked up by the part of the site a
route lives in and the parameter's name), from ``PER_ROUTE`` where one route needs something
special, or, for the Django admin, from the first row of the route's model. A route nothing can
fill raises ``UnfilledRoute`` naming what to add here: the walk never skips a page silently.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group as PermissionGroup
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from analytics.models import TierProposal
from collaboration.models import Collaboration, FindPartnerRequest, Referral
from deals.models import DealRegistration, DealReminder
from digests.models import DigestSent, Frequency
from digests.services import digest_preferences_update, digest_token_make
from directory.models import ClaimedDomain, Company, CompanyCompetency, CompanyMembership
from directory.services.companies import competency_verify
from groups.models import Flag, GroupMembership, PostStatus, Reply, Thread
from moderation.models import ModerationItem, WatchedWord
from moderation.services.acts import watched_word_add
from moderation.services.flags import post_flag
from portal.models import MfaAuditEntry, User
from portal.seeding import DEMO_MEMBER_EMAIL, DEMO_STAFF_EMAIL
from portal.services import mfa_audit_record
from sso.models import PROVIDER, SAML_PROVIDER, IdentityProviderConnection
from sso.services import connection_approve, connection_request_saml
from tests.factories import mfa_add_recovery_codes, mfa_add_security_key, mfa_enrol
from tests.sso.saml_idp import key_and_certificate

ROLES = ("visitor", "member", "staff")


class UnfilledRoute(LookupError):
    """A route has a parameter the walk has no real value for."""


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full route text, URL name (None when unnamed) and parameters."""

    text: str
    name: str | None
    params: tuple[str, ...]
    model_admin: ModelAdmin | None

    @property
    def key(self) -> str:
        """What names the route in test ids and in ``PER_ROUTE``: its URL name, else its text."""
        return self.name or self.text

    @property
    def area(self) -> str:
        """The site section a route lives in: the first path segment (``groups``, ``api``)."""
        return self.text.lstrip("^").split("/", 1)[0]


def _params(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return tuple(pattern.regex.groupindex)
    return ()


def _walk(patterns, prefix: str, namespace: str | None, params: tuple[str, ...]):
    for entry in patterns:
        text = prefix + str(entry.pattern)
        found = params + _params(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, text, inner, found)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            model_admin = getattr(entry.callback, "model_admin", None)
            yield Route(text=text, name=name, params=found, model_admin=model_admin)


def routes() -> list[Route]:
    """Every URL pattern of the project, in URL configuration order."""
    return list(_walk(get_resolver().url_patterns, "", None, ()))


# -- values -----------------------------------------------------------------------------------

Values = dict[str, dict[str, Any]]


def demo_values() -> Values:
    """Real objects of the demo data, by site area and URL parameter name.

    Chosen so the demo member can see most of them: their own company, the group they moderate
    and its busiest published thread, a request, conversation and referral of their company.
    """
    member = User.objects.get(email=DEMO_MEMBER_EMAIL)
    company = (
        CompanyMembership.objects.filter(user=member, status=CompanyMembership.Status.APPROVED)
        .select_related("company")
        .get()
        .company
    )
    group = (
        GroupMembership.objects.filter(
            user=member,
            role=GroupMembership.Role.MODERATOR,
            status=GroupMembership.Status.ACTIVE,
        )
        .select_related("group")
        .first()
        .group
    )
    thread = (
        Thread.objects.filter(group=group, status=PostStatus.PUBLISHED)
        .order_by("-reply_count", "pk")
        .first()
    )
    reply = Reply.objects.filter(thread=thread, status=PostStatus.PUBLISHED).order_by("pk").first()
    group_member_id = (
        GroupMembership.objects.filter(
            group=group, status=GroupMembership.Status.ACTIVE, role=GroupMembership.Role.MEMBER
        )
        .exclude(user=member)
        .order_by("pk")
        .first()
        .user_id
    )
    ours = Q(requesting_company=company) | Q(responding_company=company)
    # The demo member's company takes part in some conversations and referrals, not always.
    collaboration = Collaboration.objects.filter(ours).order_by("pk").first()
    collaboration = collaboration or Collaboration.objects.order_by("pk").first()
    referral = (
        Referral.objects.filter(Q(from_company=company) | Q(to_company=company))
        .order_by("pk")
        .first()
    ) or Referral.objects.order_by("pk").first()
    partner_request = (
        FindPartnerRequest.objects.filter(status=FindPartnerRequest.Status.OPEN)
        .exclude(company=company)
        .order_by("pk")
        .first()
    )
    item = ModerationItem.objects.filter(group=group).order_by("pk").first()
    item = item or ModerationItem.objects.order_by("pk").first()
    token = digest_token_make(member=member)
    security_key = Authenticator.objects.filter(user=member, type=Authenticator.Type.WEBAUTHN)
    connection = IdentityProviderConnection.objects.select_related("company", "app").get(
        app__provider=PROVIDER
    )
    saml_app = SocialApp.objects.get(provider=SAML_PROVIDER)
    return {
        "": {},
        # allauth's routes: the demo member's security key, and the demo company's (placeholder)
        # OpenID Connect identity provider.
        "accounts": {
            "pk": security_key.order_by("pk").first().pk,
            "provider_id": connection.app.provider_id,
            "organization_slug": saml_app.client_id,
        },
        "sso": {"slug": connection.company.slug, "connection_id": connection.pk},
        "api": {"slug": company.slug},
        "directory": {"slug": company.slug},
        "groups": {"slug": group.slug, "thread_id": thread.pk, "reply_id": reply.pk},
        "moderation": {
            "item_id": item.pk,
            "action": "approve",
            "kind": "thread",
            "post_id": thread.pk,
            "thread_id": thread.pk,
            "slug": group.slug,
            "user_id": group_member_id,
            "word_id": WatchedWord.objects.order_by("pk").first().pk,
        },
        "collaborate": {
            "request_id": partner_request.pk,
            "collaboration_id": collaboration.pk,
            "referral_id": referral.pk,
        },
        "deals": {
            "registration_id": DealRegistration.objects.filter(company=company)
            .order_by("pk")
            .first()
            .pk
        },
        "analytics": {
            "table": "funnel",
            "slug": company.slug,
            # Apply and dismiss answer POST only; a GET must still not fail.
            "proposal_id": TierProposal.objects.order_by("pk").values_list("pk", flat=True).first()
            or 1,
        },
        "digest": {"token": token},
        # Uploaded files: a name the demo has no file for answers 404 (media served by Django).
        "media": {"path": "logos/no-such-logo.png"},
        "_member": {"user": member},
    }


def _confirm_email(values: Values) -> list[dict]:
    address = EmailAddress.objects.get(user=values["_member"]["user"], primary=True)
    return [{"key": EmailConfirmationHMAC(address).key}]


def _reset_password(values: Values) -> list[dict]:
    member = values["_member"]["user"]
    return [
        {"uidb36": user_pk_to_url_str(member), "key": default_token_generator.make_token(member)}
    ]


def _admin_app_lists(values: Values) -> list[dict]:
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    return [{"app_label": label} for label in labels]


def _view_on_site(values: Values) -> list[dict]:
    company = Company.objects.order_by("pk").first()
    return [
        {"content_type_id": ContentType.objects.get_for_model(Company).pk, "object_id": company.pk}
    ]


PER_ROUTE: dict[str, Callable[[Values], list[dict] | list[str]]] = {
    "account_confirm_email": _confirm_email,
    "account_reset_password_from_key": _reset_password,
    "admin:app_list": _admin_app_lists,
    "admin:view_on_site": _view_on_site,
    "admin:auth_user_password_change": lambda v: [{"id": v["_member"]["user"].pk}],
    "moderation:thread-action": lambda v: [
        {"thread_id": v["moderation"]["thread_id"], "action": "pin"}
    ],
    # Unnamed patterns: the URL itself.
    "admin/(?P<url>.*)$": lambda v: ["/admin/no-such-page/"],
    "^media/(?P<path>.*)$": lambda v: ["/media/no-such-file.png"],
}


def _area(values: Values, area: str) -> dict[str, Any]:
    return values.get(area, {})


def _admin_object(route: Route) -> dict[str, Any]:
    model = route.model_admin.model
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        raise UnfilledRoute(
            f"{route.text}: the demo data has no {model._meta.label}. Make one in "
            "tests/smoke/urlwalk.py add_rows_the_demo_lacks() (or in seed_demo)."
        )
    return {param: obj.pk for param in route.params}


def urls(route: Route, values: Values) -> list[str]:
    """The URLs to request for one route, filled with real objects; UnfilledRoute if none fit."""
    if route.key in PER_ROUTE:
        filled = PER_ROUTE[route.key](values)
    elif not route.params:
        filled = [{}]
    elif route.model_admin is not None:
        filled = [_admin_object(route)]
    else:
        known = _area(values, route.area)
        missing = [param for param in route.params if param not in known]
        if missing:
            raise UnfilledRoute(
                f"{route.text}: no demo value for {', '.join(missing)} in area {route.area!r}. "
                "Add one to demo_values() or PER_ROUTE in tests/smoke/urlwalk.py."
            )
        filled = [{param: known[param] for param in route.params}]
    return [kwargs if isinstance(kwargs, str) else _build(route, kwargs) for kwargs in filled]


def _build(route: Route, kwargs: dict[str, Any]) -> str:
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    if not route.params:
        return "/" + route.text.replace("^", "").replace("$", "")
    # An unnamed path() route (the admin's "<path:object_id>/" redirect): fill it by hand.
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route.text)


# -- rows the demo data does not make ---------------------------------------------------------


def add_rows_the_demo_lacks() -> None:
    """A little activity seed_demo does not make, so every admin page has a row to open:
    a verified claim, a flag, a watched word, digest preferences and a sent digest, a
    permission group, a social account and token, a second company's SAML connection, and one
    beat schedule of each kind; and the
    second factors the demo staff and company admin would set up at their first sign-in
    (two-factor authentication is required of them, see portal/mfa.py), so the walk reaches the
    pages behind it."""
    staff = User.objects.get(email=DEMO_STAFF_EMAIL)
    member = User.objects.get(email=DEMO_MEMBER_EMAIL)
    for person in (staff, member):
        mfa_enrol(person)
        mfa_add_recovery_codes(person)
        mfa_add_security_key(person)
        mfa_audit_record(
            user=person,
            actor=person,
            action=MfaAuditEntry.Action.ADDED,
            authenticator_type=Authenticator.Type.TOTP,
            ip_address="127.0.0.1",
        )
    claim = CompanyCompetency.objects.order_by("pk").first()
    competency_verify(claim=claim, staff=staff, expires_at=None)
    thread = Thread.objects.filter(status=PostStatus.PUBLISHED).exclude(author=member).first()
    post_flag(post=thread, reporter=member, reason=Flag.Reason.OFF_TOPIC)
    watched_word_add(phrase="guaranteed returns", staff=staff)
    digest_preferences_update(member=member, frequency=Frequency.WEEKLY, enabled_group_ids=set())
    DigestSent.objects.create(member=member, period_key="2026-W01")
    PermissionGroup.objects.create(name="Partner program team")
    deal = DealRegistration.objects.exclude(protected_until=None).order_by("pk").first()
    DealReminder.objects.get_or_create(
        registration=deal, kind=DealReminder.Kind.DAYS_3, protected_until=deal.protected_until
    )
    app = IdentityProviderConnection.objects.select_related("app").get(app__provider=PROVIDER).app
    account = SocialAccount.objects.create(user=member, provider=app.provider_id, uid="demo-sub")
    SocialToken.objects.create(app=app, account=account, token="demo-token")
    every_ten = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    CrontabSchedule.objects.create(minute="0", hour="7")
    SolarSchedule.objects.create(event="sunrise", latitude=52.52, longitude=13.40)
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    PeriodicTask.objects.create(
        name="notify-moderators", task="moderation.tasks.notify_moderators", interval=every_ten
    )
    _connect_saml(staff)


def _connect_saml(staff: User) -> None:
    """A second demo company's approved SAML 2.0 connection, so allauth's SAML pages have an
    app to answer for (its IdP is a placeholder nothing answers at)."""
    admin = (
        CompanyMembership.objects.filter(
            role=CompanyMembership.Role.ADMIN, status=CompanyMembership.Status.APPROVED
        )
        .exclude(company__identity_provider__isnull=False)
        .select_related("company", "user")
        .order_by("pk")
        .first()
    )
    company = admin.company
    domain = ClaimedDomain.objects.create(company=company, domain=f"{company.slug}-saml.example")
    connection = connection_request_saml(
        company=company,
        admin=admin.user,
        entity_id="https://idp.demo-saml.invalid/metadata",
        sso_url="https://idp.demo-saml.invalid/sso",
        x509cert=key_and_certificate("Demo SAML IdP")[1],
        domains=[domain],
    )
    connection_approve(connection=connection, staff=staff)
