"""Small formatting helpers (``humanize_duration`` keeps its old import path)."""

import datetime as dt

from django.utils.translation import gettext, ngettext


def humanize_duration(duration: dt.timedelta) -> str:
    """A duration in words, largest units first: ``'1 day, 2 hours, 5 seconds'``.

    Units that are zero are left out; anything under a second (a negative
    duration from a clock set back included) reads ``'< 1 second'``.
    """
    total = int(duration.total_seconds())
    if total < 1:
        return gettext("< 1 second")
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    units = (
        (days, ngettext("%(n)d day", "%(n)d days", days)),
        (hours, ngettext("%(n)d hour", "%(n)d hours", hours)),
        (minutes, ngettext("%(n)d minute", "%(n)d minutes", minutes)),
        (seconds, ngettext("%(n)d second", "%(n)d seconds", seconds)),
    )
    return ", ".join(text % {"n": count} for count, text in units if count)
