"""`manage.py totp_code KEY` prints the code an authenticator app would show for the key, so the
demo can be tried without a phone."""

import time

import pyotp
import pytest
from django.core.management import CommandError, call_command


def _codes_around_now(key: str) -> set[str]:
    # The command and the check may straddle a 30-second step.
    now = time.time()
    return {pyotp.TOTP(key).at(now + offset) for offset in (-30, 0, 30)}


def test_it_prints_the_code_an_authenticator_app_shows(capsys):
    key = pyotp.random_base32()

    call_command("totp_code", key)

    assert capsys.readouterr().out.strip() in _codes_around_now(key)


def test_the_key_may_be_typed_in_lower_case_and_in_groups(capsys):
    key = pyotp.random_base32()
    typed = " ".join(key[i : i + 4] for i in range(0, len(key), 4)).lower()

    call_command("totp_code", typed)

    assert capsys.readouterr().out.strip() in _codes_around_now(key)


def test_something_that_is_not_a_key_is_refused_with_a_message():
    with pytest.raises(CommandError, match="not an authenticator key"):
        call_command("totp_code", "not-a-key!")
