"""Group and thread pages (group.py, thread.py). Thin: forms parse, selectors read (and decide
visibility), services write. Anything the viewer may not see answers 404; a visible thing the
viewer may not act on (posting without membership, editing someone else's post) answers 403
with the reason."""
