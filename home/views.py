"""The front page: the landing page for visitors, the dashboard for members and for staff."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from home.selectors import dashboard_for, staff_dashboard_for
from portal.adapters import FIRST_VISIT_SESSION_KEY


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home/landing.html")
    first_visit = request.session.get(FIRST_VISIT_SESSION_KEY, False)
    if request.user.is_staff:
        dashboard = staff_dashboard_for(user=request.user)
        template = "home/staff_dashboard.html"
    else:
        dashboard = dashboard_for(user=request.user)
        template = "home/dashboard.html"
    return render(request, template, {"dashboard": dashboard, "first_visit": first_visit})
