"""FAQ feature: answers Lotsen questions from the Markdown knowledge base.

The retrieval engine (``kb``, ``retrieval``, ``bm25``, ``stemming``, ``evaluate``, ``cli``) has no
chat dependencies; ``chat`` registers the commands, the message hook and the reaction hook.
"""

from commands.faq import chat  # noqa: F401  (registers commands and hooks)
