"""allauth's SAML views read the Host header straight from ``request.META``; a request without
one (HTTP/1.0) would be a server error there. Name the host Django would use instead."""

from django.http import HttpRequest, HttpResponse


class HostHeaderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_HOST" not in request.META:
            # get_host() checks ALLOWED_HOSTS (SERVER_NAME otherwise): a bad one is Django's 400.
            request.META["HTTP_HOST"] = request.get_host()
        return self.get_response(request)
