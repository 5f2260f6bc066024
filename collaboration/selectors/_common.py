"""What more than one kind of collaboration read needs."""

from __future__ import annotations


def is_signed_in(viewer) -> bool:
    """Whether the viewer is an active, signed-in user (not anonymous, not deactivated)."""
    return viewer is not None and viewer.is_authenticated and viewer.is_active
