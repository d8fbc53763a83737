"""Formal German ("de-Sie") for meetlearn: written in the next commit."""
