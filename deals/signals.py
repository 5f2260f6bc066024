"""Hooks deals offers the apps above it (which deals never imports).

``registration_status_changed`` is sent inside the transaction of every status change of a
registration (submitted, approved, rejected, won, lost, expired), with ``registration``,
``from_status`` and ``to_status``. A receiver that acts outside the database defers it to
commit (``portal.queueing.enqueue_on_commit``), so a rolled-back change starts nothing.
"""

from django.dispatch import Signal

registration_status_changed = Signal()
