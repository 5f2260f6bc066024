from oauth2_provider.oauth2_validators import OAuth2Validator

# The portal under test answers as http://testserver (Django's test client).
PORTAL_CALLBACK_PREFIX = "http://testserver/accounts/oidc/"


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
        return redirect_uri.startswith(PORTAL_CALLBACK_PREFIX)
