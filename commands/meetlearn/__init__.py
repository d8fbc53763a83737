"""Meet and Learn: recurring learning sessions for the Digitallotsen.

Importing the package registers the commands (``commands``, ``topics``), the scheduled jobs and the
reaction hook (``jobs``) and the texts. Logic lives in ``service``, time planning in ``planning``,
recurrence rules in ``recurrence`` and the calendar files in ``ics``.
"""

from commands.meetlearn import commands, guided, jobs, texts, topics  # noqa: F401
