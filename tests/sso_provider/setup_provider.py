"""Prepare the test provider's database: its client application and its people.

Run as ``python -m tests.sso_provider.setup_provider CLIENT_ID CLIENT_SECRET`` with the
provider's settings; the people's password is PASSWORD."""

import sys

import django

PASSWORD = "idp-password-1"
# email, name, last name (see validators.Validator: "unverified", "entra")
PEOPLE = [
    ("alice@acme.example", "Alice Acme", ""),
    ("unverified@acme.example", "Uma Unverified", "unverified"),
    ("erin@acme.example", "Erin Entra", "entra"),
    ("bob@other.example", "Bob Other", ""),
    ("dana@vendor.example", "Dana Staff", ""),
]


def main(client_id: str, client_secret: str) -> None:
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for email, name, last_name in PEOPLE:
        User.objects.create_user(
            username=email, email=email, password=PASSWORD, first_name=name, last_name=last_name
        )
    Application.objects.create(
        name="Partner Portal",
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://testserver/accounts/oidc/",
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
