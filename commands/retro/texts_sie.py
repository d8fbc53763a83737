"""Formal German ("de-Sie") for retro: written in the next commit."""
