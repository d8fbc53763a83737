"""FAQ feature: answers Lotsen questions from the Markdown knowledge base (chat commands live here)."""
