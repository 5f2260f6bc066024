from oauth2_provider.oauth2_validators import OAuth2Validator

# The portal under test: Django's test client (http://testserver) or a loopback live server.
PORTAL_CALLBACK_PREFIXES = ("http://testserver/", "http://localhost:", "http://127.0.0.1:")


class Validator(OAuth2Validator):
    """Email claims from the user's last name: "unverified" sends email_verified false, "entra"
    sends none but Microsoft Entra ID's xms_edov (email domain owner verified) true."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "xms_edov": "email"}

    def get_additional_claims(self, request):
        user = request.user
        claims = {"email": user.email, "name": user.first_name}
        if user.last_name == "entra":
            claims["xms_edov"] = True
        else:
            claims["email_verified"] = user.last_name != "unverified"
        return claims

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        return redirect_uri.startswith(PORTAL_CALLBACK_PREFIXES) and "/accounts/oidc/" in (
            redirect_uri
        )
