"""Signals core sends to the apps that keep figures derived from it.

`working_calendar_changed` is sent, inside the writing transaction, when an office's calendar exception is
added or archived: the working time of `dates` changed for `organization_id`, and whatever an app counted
on those days (a leader's working minutes on a calendar day) must be counted again.
"""

from django.dispatch import Signal

# Arguments: organization_id (int), dates (list of datetime.date).
working_calendar_changed = Signal()
