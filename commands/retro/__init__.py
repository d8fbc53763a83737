"""Retrospectives: honest, anonymous feedback by DM, a summary with trends, a points vote and actions.

Importing the package registers everything: the texts, the commands, the DM interview hook and the
scheduled jobs. The import order is the order of the commands in ``!hilfe``. What other features may call
is in ``service``; queries are in ``store``, chat texts in ``present``, the report of a closed retro in
``report``, who may do what in ``access``; the pure cores are ``analysis`` and ``chart``.
"""

from __future__ import annotations

# isort: off
from commands.retro import texts  # noqa: F401
from commands.retro import manage  # noqa: F401
from commands.retro import interview  # noqa: F401
from commands.retro import feedback  # noqa: F401
from commands.retro import jobs  # noqa: F401
from commands.retro import vote  # noqa: F401
from commands.retro import actions  # noqa: F401
from commands.retro import guided  # noqa: F401
# isort: on
