from oauth2_provider.oauth2_validators import OAuth2Validator

# The portal under test: Django's test client (http://testserver) or a loopback live server.
PORTAL_CALLBACK_PREFIXES = ("http://testserver/", "http://localhost:", "http://127.0.0.1:")


class Validator(OAuth2Validator):
    """Email claims from the user: a last name of "unverified" means email_verified false."""

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.last_name != "unverified",
            "name": user.first_name,
        }

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        return redirect_uri.startswith(PORTAL_CALLBACK_PREFIXES) and "/accounts/oidc/" in (
            redirect_uri
        )
