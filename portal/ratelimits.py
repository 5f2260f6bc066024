"""Rate limits: the posting rates shared by every app where members write (django-ratelimit
syntax), and the page a refused request gets (settings.RATELIMIT_VIEW)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop
from rest_framework.throttling import UserRateThrottle

THREAD_RATE = "5/m"
REPLY_RATE = "10/m"
VOTE_RATE = "30/m"

RATE_LIMITED = gettext_noop(
    "You are doing that too often. Please wait a few minutes and try again."
)


def rate_limited(request: HttpRequest, exception: Exception | None) -> HttpResponse:
    """The page shown when django-ratelimit refuses a request."""
    return render(request, "429.html", {"message": gettext(RATE_LIMITED)}, status=429)


class MemberRateThrottle(UserRateThrottle):
    """The API's rate for signed-in members ("user"); visitors are counted once, by
    ``AnonRateThrottle`` alone. (DRF's own class counts a visitor too, by address, at the
    higher rate: a second counter in the cache on every request that could never refuse
    one.)"""

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
