"""Who is looking: the one rule for "a signed-in member" that every selector applies."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from portal.models import User

Viewer = User | AnonymousUser


def is_signed_in(viewer: Viewer | None) -> bool:
    """Whether the viewer is an active, signed-in user (not anonymous, not deactivated)."""
    return viewer is not None and viewer.is_authenticated and viewer.is_active
