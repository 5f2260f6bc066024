"""The front page: a landing page for visitors, the dashboard once signed in."""

import pytest


@pytest.mark.django_db
def test_landing_page_for_visitors_and_dashboard_for_members(client, member):
    assert "Join the community" in client.get("/").content.decode()
    client.force_login(member)
    assert f"Welcome back, {member.name}" in client.get("/").content.decode()
