"""Polls: native Matrix polls (MSC3381), points polls, secret and anonymous polls, deadlines.

Importing the package registers the commands, event hooks and jobs (see ``handlers``); the tally rules
live in ``tally`` and are free of I/O.
"""

from commands.polls import guided, handlers, texts  # noqa: F401
