"""No template shows English text that gettext never sees.

Each template is read as a German reader would get it: comments, {% translate %} and
{% blocktranslate %} blocks and every other template tag or variable are taken out, then the
HTML is parsed. Words left in text nodes, in the attributes people read or hear (alt, title,
placeholder, aria-label…) or on a button's value are text nobody translated.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR, "templates")
# Names, not words: the product's name and the API link stay as they are in every language.
PROPER_NAMES = re.compile(r"Partner(\s|&nbsp;)Portal|\bAPI\b")

TEMPLATE_COMMENT = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", re.S)
TRANSLATED_BLOCK = re.compile(
    r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S
)
# {% block main_class %}main-narrow{% endblock %}: a CSS class name, not text.
CLASS_BLOCK = re.compile(r"\{%\s*block\s+\w+_class\s*%\}.*?\{%\s*endblock\b.*?%\}", re.S)
TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
WORD = re.compile(r"[^\W\d_]{2,}")
READ_ATTRIBUTES = {
    "alt",
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "label",
    "data-confirm",  # shown by window.confirm() (static/js/portal.js)
}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        self._in_code += tag in ("script", "style")
        attributes = dict(attrs)
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and WORD.search(value):
                self.found.append((self.getpos()[0], f'{name}="{value}"'))
        button = tag == "input" and attributes.get("type") in ("submit", "button", "reset")
        if button and WORD.search(attributes.get("value") or ""):
            self.found.append((self.getpos()[0], f'value="{attributes["value"]}"'))

    def handle_endtag(self, tag):
        self._in_code -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._in_code and WORD.search(data):
            self.found.append((self.getpos()[0], data.strip()))


def _keep_lines(match: re.Match) -> str:
    return "\n" * match.group(0).count("\n")


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of each piece of visible text outside gettext in a template's source."""
    for pattern in (TEMPLATE_COMMENT, TRANSLATED_BLOCK, CLASS_BLOCK, TEMPLATE_SYNTAX):
        source = pattern.sub(_keep_lines, source)
    source = PROPER_NAMES.sub("", source)
    parser = _VisibleText()
    parser.feed(source)
    parser.close()
    return parser.found


def _templates() -> list[str]:
    names = [
        str(path.relative_to(TEMPLATES))
        for pattern in ("**/*.html", "**/*.txt")
        for path in TEMPLATES.glob(pattern)
    ]
    return sorted(names)


def test_the_check_finds_text_outside_gettext():
    source = """{% load i18n %}{% block main_class %}main-narrow{% endblock %}
<h1>{% translate "Groups" %}</h1>
<p>{% blocktranslate %}Hello {{ name }}{% endblocktranslate %} · {{ count }}</p>
<a href="/" title="Home page">{% translate "Home" %}</a>
<button type="submit">Save</button>
<img src="x.png" alt="{% translate 'Logo' %}"><input type="submit" value="Send">
<script>const label = "not shown";</script>{# a comment #}"""

    assert untranslated_text(source) == [
        (4, 'title="Home page"'),
        (5, "Save"),
        (6, 'value="Send"'),
    ]


@pytest.mark.parametrize("name", _templates())
def test_every_visible_text_of_a_template_goes_through_gettext(name):
    found = untranslated_text((TEMPLATES / name).read_text(encoding="utf-8"))

    assert found == [], f"{name}: text outside {{% translate %}}: {found}"
