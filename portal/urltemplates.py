"""URLs for many rows from one ``reverse()``: the one home of "reverse once, fill per row".

``reverse()`` is not free, and a list page would call it for every action of every row. A
`UrlTemplate` reverses its route once with marker values and fills in each row's values by
string replacement.
"""

from __future__ import annotations

from django.urls import reverse

# Digits only, so that int, slug and str converters all accept the markers.
_MARKER = "7310{}0137"


class UrlTemplate:
    """A route reversed once; ``fill(**kwargs)`` gives the URL for one row's values.

    Arguments named in ``fixed`` are the same for every row and reversed as they are; the
    names in ``per_row`` are filled by `fill`.
    """

    def __init__(self, name: str, *, per_row: tuple[str, ...], **fixed: object) -> None:
        self.markers = {key: _MARKER.format(index) for index, key in enumerate(per_row)}
        reversed_url = reverse(name, kwargs={**fixed, **self.markers})
        for key, marker in self.markers.items():
            if reversed_url.count(marker) != 1:
                raise ValueError(f"{name}: the {key} marker does not stand once in the URL")
        self.pattern = reversed_url

    def fill(self, **values: object) -> str:
        """The URL with each per-row argument replaced by its value."""
        url = self.pattern
        for key, marker in self.markers.items():
            url = url.replace(marker, str(values[key]))
        return url
