"""Lotsenbot: the Matrix side, dispatch, scheduling, i18n and configuration."""
