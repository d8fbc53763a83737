"""The test suite's Matrix user is the same client the demo uses."""

from bot.dev.devclient import PASSWORD, Lotse

__all__ = ["PASSWORD", "Lotse"]
