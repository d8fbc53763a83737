"""Polls: native Matrix polls (MSC3381), points polls, secret and anonymous polls, deadlines.

Importing the package registers the commands (``commands``), event hooks (``hooks``) and jobs (``jobs``).
Other features use ``service`` only; the tally rules live in ``tally`` and are free of I/O.
"""

from commands.polls import commands, guided, hooks, jobs, texts  # noqa: F401
