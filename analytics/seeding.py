"""Demo data for /analytics/ and the scorecards: seed_demo's deal history (deals.seeding) is
rolled up, and the first nightly scorecards and tier proposals are computed."""

from __future__ import annotations

from analytics.models import TierProposal
from analytics.rollup import deal_rollup_refresh
from analytics.services import scorecards_compute


def seed_analytics() -> dict[str, int]:
    """Build the deal rollup and compute today's scorecards, as the nightly tasks would."""
    return {
        "rollup_rows": deal_rollup_refresh(),
        "scorecards": scorecards_compute(),
        "proposals": TierProposal.objects.filter(status=TierProposal.Status.PENDING).count(),
    }
