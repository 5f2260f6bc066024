"""Posting rates shared by every app where members write (django-ratelimit syntax)."""

THREAD_RATE = "5/m"
REPLY_RATE = "10/m"
VOTE_RATE = "30/m"
