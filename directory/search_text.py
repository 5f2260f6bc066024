"""The words a company is found by on the embedded default (SQLite): ``Company.search_text``.

PostgreSQL searches the stored full-text vector (``Company.search_vector``, built by
``services.search_index``). SQLite has no such type, so the same fields are kept there as plain
words, lower-case and unaccented, each tagged with its field's weight in the vector: ``a:`` the
name, ``b:`` competencies and tags, ``c:`` public offerings, ``d:`` the description. A search
word then matches as in the vector, by its beginning, in any field (``LIKE '%:word%'``) or in
one (``LIKE '% a:word%'``), whatever its case and accents.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Chinese, Japanese and Korean text has no spaces between words, so a whole run
# ("サクラテクノロジー株式会社") is one word, and a word's prefix finds nothing inside it. The
# name also holds every ending that starts with such a character ("テクノロジー株式会社", ...),
# so that a search finds a name by any part of it.
CJK_CHARACTER = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f]"
_CJK = re.compile(CJK_CHARACTER)
_WORD = re.compile(r"[^\W_]+")
_ACCENTS = re.compile("[\u0300-\u036f]")

NAME, COMPETENCIES, OFFERINGS, DESCRIPTION = "a", "b", "c", "d"


def folded(text: str) -> str:
    """``text`` lower-case and without accents ("Zürich" → "zurich"); Japanese voicing marks
    stay ("データ" is not "テータ")."""
    unaccented = _ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    return unicodedata.normalize("NFKC", unaccented).casefold()


def folded_words(text: str) -> list[str]:
    """The words of ``text``, folded."""
    return _WORD.findall(folded(text))


def search_text(
    *, name: str, claims: Iterable[str], offerings: Iterable[str], description: str
) -> str:
    """A company's searchable words, each tagged with its field, each after a space.

    ``claims`` are the names of the competencies it claims (those that count) and of its tags;
    ``offerings`` the names and descriptions of its public products and services."""
    endings = [name[i:] for i in range(1, len(name)) if _CJK.match(name[i])]
    fields = (
        (NAME, [name, *endings]),
        (COMPETENCIES, claims),
        (OFFERINGS, offerings),
        (DESCRIPTION, [description]),
    )
    return "".join(
        f" {weight}:{word}"
        for weight, texts in fields
        for text in texts
        for word in folded_words(text)
    )


def word_start(term: str, weight: str = "") -> str:
    """What ``search_text`` holds where a word of this field (any field without ``weight``)
    begins with the search term ``term``."""
    return f" {weight}:{folded(term)}" if weight else f":{folded(term)}"


def matched_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where in ``text`` the words a search matched stand: each word (start, end) that begins
    with a search term whatever its case and accents, or, in Chinese, Japanese or Korean text,
    holds one (a name is found by any part of it)."""
    wanted = [folded(term) for term in terms if term]
    if not wanted:
        return []
    spans = []
    for word in _WORD.finditer(text):
        candidate = folded(word.group())
        cjk = _CJK.search(candidate) is not None
        if any(candidate.startswith(t) or (cjk and t in candidate) for t in wanted):
            spans.append(word.span())
    return spans
