"""Who a customer is: the keys two registrations share when they name the same customer.

Two registrations are for the same customer when their *registrable domains* match (the domain
a registrar sells, found with the Public Suffix List: ``sales.acme.co.uk`` is ``acme.co.uk``) or
when their *name keys* match (case, accents, punctuation and legal suffixes ignored: "ACME, Inc.",
"Acme Inc" and "Ácme GmbH" are all ``acme``). The list is the snapshot shipped inside the
``publicsuffixlist`` package; nothing is fetched at run time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

# Legal-form words dropped from the end (and, for a few, the start) of a customer's name. They are
# compared after accents and punctuation are gone, so "S.A." is "sa" and "S.à r.l." is "sarl".
LEGAL_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "kgaa",
        "ug",
        "ev",
        "sa",
        "sas",
        "sasu",
        "sarl",
        "sl",
        "slu",
        "srl",
        "spa",
        "sapa",
        "snc",
        "bv",
        "nv",
        "vof",
        "ab",
        "as",
        "asa",
        "oy",
        "oyj",
        "aps",
        "pty",
        "pte",
        "kk",
        "gk",
        "yk",
        "se",
        "sp",
        "z",
        "oo",
        "sro",
        "kft",
        "zrt",
        "doo",
        "ooo",
        "pjsc",
        "jsc",
        "ltda",
        "cv",
        "de",
        "and",
    }
)
# "de" and "and" only ever go as part of a trailing run ("S.A. de C.V.", "& Co"), never alone
# when they are the whole name; see ``customer_name_key``.
_CONNECTORS = frozenset({"de", "and"})


def customer_name_key(name: str) -> str:
    """The comparison key of a customer name: lower case ASCII words, legal forms removed."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    # Dots inside abbreviations join their letters ("S.A." -> "sa"); other punctuation separates.
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)
    words = re.findall(r"[a-z0-9]+", text.encode("ascii", "ignore").decode())
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    while len(words) > 1 and words[-1] in _CONNECTORS:
        words.pop()
    return " ".join(words)[:200]


def customer_host(value: str) -> str:
    """The host name in what someone typed: a bare domain, an address or a URL."""
    text = (value or "").strip().lower()
    if not text:
        return ""
    if "@" in text and "://" not in text:
        text = text.rsplit("@", 1)[1]
    if "://" not in text:
        text = f"//{text}"
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.strip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    if host.startswith("www."):
        host = host[4:]
    return host


@cache
def _suffix_list() -> PublicSuffixList:
    return PublicSuffixList()


def registrable_domain(host: str) -> str:
    """The registrable domain of a host (``sales.acme.co.uk`` -> ``acme.co.uk``), or ``""``
    when the host is itself a public suffix or not a domain name."""
    if not host or "." not in host:
        return ""
    return _suffix_list().privatesuffix(host) or ""
