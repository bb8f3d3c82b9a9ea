"""Times as the person at the screen reads them: stored in UTC, shown in the machine's own time zone."""

from __future__ import annotations

from datetime import datetime


def local_minute(moment: datetime) -> str:
    """ "2025-03-03 10:30" in local time, the same in the CLI and the app (a naive time is taken as UTC's
    stored value would be read: as local, which is what datetime.astimezone assumes)."""
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"
