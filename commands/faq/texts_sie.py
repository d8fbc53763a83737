"""Formal German ("de-Sie") for faq: written in the next commit."""
