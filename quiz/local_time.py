"""Times as the person at the screen reads and types them: stored in UTC, shown and read in the machine's
own time zone."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

LOCAL_TIME_EXAMPLES = "2026-11-27, 2026-11-27 14:30, 27/11/2026, 27 nov 2026 kl 14.30, idag, igår"
"""What a date option's help and error message offer: the ways `read_local_time` reads."""


def local_minute(moment: datetime) -> str:
    """ "2025-03-03 10:30" in local time, the same in the CLI and the app (a naive time is taken as UTC's
    stored value would be read: as local, which is what datetime.astimezone assumes)."""
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def read_local_time(text: str, now: datetime | None = None) -> datetime | None:
    """The moment a teacher typed on the command line, in local time (aware); None if it is not one.

    Read as a Swedish teacher writes them as well as ISO 8601: a date as 2026-11-27, 27/11/2026,
    27.11.2026 or 27 nov[ember] [2026] (Swedish or English month names), optionally followed by a time as
    14:30 or 14.30 (the Swedish way), with or without 'kl'; idag/i dag/today and igår/i går/yesterday; or
    a time alone for today. A date alone is its first minute. An ISO time with an offset keeps it.
    `now` (default: the clock) gives today and the year of a date written without one.
    """
    cleaned = " ".join(text.strip().lower().split())
    if _ISO_WITH_ZONE.fullmatch(cleaned):
        return datetime.fromisoformat(cleaned.upper().replace("Z", "+00:00")).astimezone()
    today = (now or datetime.now()).astimezone().date()
    timed = _TIME_AT_END.search(cleaned)
    date_text = cleaned[: timed.start()] if timed else cleaned
    dated = _DATE.fullmatch(date_text)
    if not cleaned or (date_text and dated is None):
        return None
    day = _day(dated, today) if dated else today
    clock = _clock(timed) if timed else time()
    if day is None or clock is None:
        return None
    return datetime.combine(day, clock).astimezone()


_ISO_WITH_ZONE = re.compile(r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})")
_MONTHS = {
    **dict.fromkeys(("jan", "januari", "january"), 1),
    **dict.fromkeys(("feb", "februari", "february"), 2),
    **dict.fromkeys(("mar", "mars", "march"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("maj", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("aug", "augusti", "august"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oct", "oktober", "october"), 10),
    **dict.fromkeys(("nov", "november"), 11),
    **dict.fromkeys(("dec", "december"), 12),
}
_RELATIVE_DAYS = {"idag": 0, "i dag": 0, "today": 0, "igår": 1, "i går": 1, "yesterday": 1}
_DATE = re.compile(
    r"(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})"
    r"|(?P<num_day>\d{1,2})(?P<sep>[/.])(?P<num_month>\d{1,2})(?:(?P=sep)(?P<num_year>\d{4}))?"
    r"|(?P<name_day>\d{1,2}) ?(?P<month_name>[a-zåäö]+)\.?(?: (?P<name_year>\d{4}))?"
    rf"|(?P<relative>{'|'.join(_RELATIVE_DAYS)})"
)
_TIME_AT_END = re.compile(
    r"(?:^|,? |(?<=\d)t)(?:kl\.? ?)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?$"
)


def _day(match: re.Match[str], today: date) -> date | None:
    """The date part: a day that does not exist (31/02) or an unknown month name is None."""
    if match["relative"]:
        return today - timedelta(days=_RELATIVE_DAYS[match["relative"]])
    if match["iso_year"]:
        parts = (match["iso_year"], match["iso_month"], match["iso_day"])
    elif match["num_day"]:
        if match["sep"] == "." and not match["num_year"]:
            return None  # '12.05' alone is a time of day, not the 12th of May
        parts = (match["num_year"] or str(today.year), match["num_month"], match["num_day"])
    else:
        month = _MONTHS.get(match["month_name"])
        if month is None:
            return None
        parts = (match["name_year"] or str(today.year), str(month), match["name_day"])
    try:
        return date(*(int(part) for part in parts))
    except ValueError:
        return None


def _clock(match: re.Match[str]) -> time | None:
    """The time part; None for a time that does not exist (25:00)."""
    try:
        return time(int(match["hour"]), int(match["minute"]), int(match["second"] or 0))
    except ValueError:
        return None
