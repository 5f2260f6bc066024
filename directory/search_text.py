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
# Letters with no accent to strip, spelt as PostgreSQL's unaccent spells them ("Øresund" is
# found by "oresund", "Łódź" by "lodz").
_UNACCENTED = str.maketrans(
    {
        "æ": "ae",
        "ð": "d",
        "ø": "o",
        "þ": "th",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "ł": "l",
        "ŋ": "n",
        "œ": "oe",
        "ŧ": "t",
    }
)
# PostgreSQL's English stop words (tsearch_data/english.stop), which the search vector leaves
# out and a search ignores: the search text leaves them out too.
_STOP_WORDS_FILE = (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself"
    " she her hers herself it its itself they them their theirs themselves what which who whom"
    " this that these those am is are was were be been being have has had having do does did"
    " doing a an the and but if or because as until while of at by for with about against"
    " between into through during before after above below to from up down in out on off over"
    " under again further then once here there when where why how all any both each few more"
    " most other some such no nor not only own same so than too very s t can will just don"
    " should now"
)
STOP_WORDS = frozenset(_STOP_WORDS_FILE.split())

NAME, COMPETENCIES, OFFERINGS, DESCRIPTION = "a", "b", "c", "d"


def folded(text: str) -> str:
    """``text`` lower-case and without accents ("Zürich" → "zurich"); Japanese voicing marks
    stay ("データ" is not "テータ")."""
    unaccented = _ACCENTS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return unicodedata.normalize("NFKC", unaccented).translate(_UNACCENTED)


def folded_words(text: str) -> list[str]:
    """The words of ``text``, folded, but for the stop words."""
    return [word for word in _WORD.findall(folded(text)) if word not in STOP_WORDS]


def searched_terms(terms: list[str]) -> list[str]:
    """The search terms a search matches by: PostgreSQL ignores the stop words among them."""
    return [term for term in terms if folded(term) not in STOP_WORDS]


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


def matched_spans(text: str, terms: list[str], *, name: bool = False) -> list[tuple[int, int]]:
    """Where in ``text`` the words a search matched stand: each word (start, end) that begins
    with a search term whatever its case and accents, or, in the Chinese, Japanese or Korean
    text of a ``name``, holds one (a name is found by any part of it). Stop words are never
    matched; words matched only through their stem ("services" finding "Service") are not
    marked."""
    wanted = [folded(term) for term in searched_terms(terms) if term]
    if not wanted:
        return []
    spans = []
    for word in _WORD.finditer(text):
        candidate = folded(word.group())
        if candidate in STOP_WORDS:
            continue
        inside = name and _CJK.search(candidate) is not None
        if any(candidate.startswith(t) or (inside and t in candidate) for t in wanted):
            spans.append(word.span())
    return spans
