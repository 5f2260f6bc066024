"""Typo tolerance: the closest known spelling of each search word ("did you mean").

The vocabulary (``directory_search_word``, migration 0003) holds every word of the companies'
names and descriptions and of the competency, industry and tag names, kept by
``directory.services.search_index``. A word that begins no known word is replaced by the
known word most similar to it by trigrams (pg_trgm), ties going to the word more companies
use. PostgreSQL only: the embedded SQLite default proposes nothing.
"""

from __future__ import annotations

from django.db import connection

# pg_trgm's similarity() below which a known word is not proposed for a search word.
MIN_SIMILARITY = 0.3


def corrected_terms(terms: list[str]) -> list[str] | None:
    """The search words with each unknown one replaced by its closest known spelling; None
    when nothing would change (every word known, or nothing close) or off PostgreSQL."""
    if connection.vendor != "postgresql" or not terms:
        return None
    with connection.cursor() as cursor:
        # One statement for every word: a known word is kept (it begins a vocabulary word),
        # an unknown one takes the most similar vocabulary word, if any is similar enough.
        # Search words hold letters and digits only (search_terms): nothing to escape in LIKE.
        cursor.execute(
            """
            SELECT t.term,
                   EXISTS (SELECT 1 FROM directory_search_word w WHERE w.word LIKE t.term || '%%'),
                   (SELECT w.word FROM directory_search_word w
                    WHERE w.word %% t.term AND similarity(w.word, t.term) >= %s
                    ORDER BY similarity(w.word, t.term) DESC, w.companies DESC, w.word
                    LIMIT 1)
            FROM unnest(%s::text[]) WITH ORDINALITY AS given (word, position),
                 LATERAL (SELECT unaccent(given.word) AS term) AS t
            ORDER BY given.position
            """,
            [MIN_SIMILARITY, terms],
        )
        rows = cursor.fetchall()
    corrected = [
        given if known or not closest else closest
        for given, (_, known, closest) in zip(terms, rows, strict=True)
    ]
    return corrected if corrected != terms else None
