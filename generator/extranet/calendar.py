"""The project's calendar feed, shipped in its extranet like an attachment.

The feed is built from the scoped Book (what the client may see: no resource, no
internal note, no link to the internal site) and sealed with the extranet's key under an
opaque name: the home page offers it as a download. A calendar app could not subscribe
to it (it would poll an encrypted file without the password), so the extranet gives a
file to import, kept up to date by downloading it again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.book.book import Book
from generator.calendars.feeds import FeedWriter, last_changes, project_feed
from generator.extranet.attachments import Attachment
from generator.files.yamlio import atomic_write


def project_calendar(
    scoped: Book, project_id: str, work: Path, blob_name: Callable[[], str], history: Any = None
) -> Attachment | None:
    """Write the feed of ``project_id`` (from its scoped Book) into the private folder
    ``work`` and plan its sealed copy; ``None`` when the extranet shows no timed
    interaction."""
    project = scoped.projects[project_id].record
    feed = project_feed(scoped, project_id, project.title, firm=scoped.settings.firm.name)
    if not feed.interactions:
        return None
    data = FeedWriter(scoped, last_changes(scoped, history)).render(feed)
    source = work / "calendar" / f"{project_id}.ics"
    atomic_write(source, data)
    return Attachment("", f"{project_id}.ics", source, blob_name(), len(data))
