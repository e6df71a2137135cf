"""What ``carnet serve`` keeps between two stagings of its site, so that the work after an
edit follows what the edit changed, not the size of the repository.

Everything here is keyed by the digest of what it was made from (the contents of the
record files, the settings, the time stamps): an entry whose key no longer matches is
made again, so a kept value is only ever reused for the very inputs it came from. It
lives in memory only, for one server process (its code cannot change meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.calendars.feeds import EventMemo
from generator.documents.batch import DocumentMemo


@dataclass(slots=True)
class StageMemo:
    """The pieces of the previous staging ``carnet serve`` may reuse."""

    events: EventMemo = field(default_factory=dict)
    """The calendar feeds' events, by interaction (:class:`~generator.calendars.feeds.FeedWriter`)."""
    documents: DocumentMemo = field(default_factory=dict)
    """The documents' content keys, by interaction (:func:`~generator.documents.batch.render_all`)."""
