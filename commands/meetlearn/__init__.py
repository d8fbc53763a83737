"""Meet and Learn: recurring learning sessions for the Digitallotsen.

Importing the package registers the commands (``commands``, then ``sessions``, then ``topics``: the order
``!hilfe`` lists them in), the guided dialog, the scheduled jobs and the reaction hooks (``jobs``) and the
texts. What other code may call is in ``service``; queries are in ``store``, texts in ``present``, series
operations in ``seriesops``, job planning in ``reminders``, calendar files in ``calendars``; the pure cores
are ``planning`` (reminder times), ``recurrence`` (rules) and ``ics`` (the file format).
"""

from commands.meetlearn import commands, guided, jobs, sessions, texts, topics  # noqa: F401
