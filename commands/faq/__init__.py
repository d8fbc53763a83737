"""FAQ feature: answers Lotsen questions from the Markdown knowledge base.

The retrieval engine (``kb``, ``retrieval``, ``bm25``, ``stemming``, ``evaluate``, ``cli``) has no
chat dependencies. In the chat: ``answering`` (the ``!faq`` command), ``addressing`` (which plain
messages are questions), ``feedback`` (👍/👎) and ``curation`` (the coordinators' commands); their
queries are in ``store``, their texts in ``present`` and ``texts``. Import order is the order
``!hilfe`` lists the commands in.
"""

from commands.faq import addressing, answering, curation, feedback, learned  # noqa: F401  (register them)
