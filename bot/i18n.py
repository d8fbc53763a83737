"""User-facing text in German (default) and English.

Every string a Lotse can see goes through ``t()``. Features register their own catalogues next to their
code with ``register()``; a missing English text falls back to German, a missing key is a programming
error and raises in tests rather than showing a key name in the room.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")

_CATALOGUE: dict[str, dict[str, str]] = {}


def register(entries: Mapping[str, Mapping[str, str]]) -> None:
    """Add texts: ``{"key": {"de": "…", "en": "…"}}``. Re-registering the same text is harmless."""
    for key, texts in entries.items():
        if "de" not in texts:
            raise ValueError(f"i18n key {key!r} has no German text")
        existing = _CATALOGUE.get(key)
        if existing is not None and existing != dict(texts):
            raise ValueError(f"i18n key {key!r} registered twice with different texts")
        _CATALOGUE[key] = dict(texts)


def t(lang: str, key: str, /, **values: object) -> str:
    texts = _CATALOGUE[key]
    template = texts.get(lang) or texts["de"]
    return template.format(**values)


def pick(lang: str, texts: Mapping[str, str]) -> str:
    """Choose from an inline ``{"de": …, "en": …}`` mapping, e.g. a command's help text."""
    return texts.get(lang) or texts["de"]


register(
    {
        "greeting": {
            "de": "Hallo zusammen! Ich bin der Lotsenbot. Mit `{prefix}hilfe` zeige ich, was ich kann.",
            "en": "Hello everyone! I am Lotsenbot. Type `{prefix}help` to see what I can do.",
        },
        "greeting_dm": {
            "de": "Hallo! Ich bin der Lotsenbot. Schreib `{prefix}hilfe`, um zu sehen, was ich kann.",
            "en": "Hello! I am Lotsenbot. Type `{prefix}help` to see what I can do.",
        },
        "invite_refused": {
            "de": "Der Lotsenbot nimmt nur Einladungen von freigegebenen Konten an. "
            "Bitte wende dich an die Koordination Digitalisierung.",
            "en": "Lotsenbot only accepts invitations from approved accounts. Please ask the coordinators.",
        },
        "undecryptable": {
            "de": "Ich konnte deine letzte Nachricht nicht entschlüsseln. "
            "Bitte erlaube in deinem Matrix-Programm das Senden an nicht verifizierte Geräte "
            "(in Element: Einstellungen → Sicherheit) "
            "und schicke den Befehl noch einmal.",
            "en": "I could not decrypt your last message. Please allow sending to unverified devices in your "
            "Matrix client (Element: Settings → Security) and send the command again.",
        },
        "unsigned_device": {
            "de": "Ich habe deine Nachricht bekommen, aber sie kommt von einem Gerät, das du nicht "
            "bestätigt hast. Ich reagiere nur auf bestätigte Geräte (wie Element mit „Unsichere Geräte "
            "ausschließen“). Bitte bestätige dieses Gerät mit einem anderen angemeldeten Gerät oder deinem "
            "Wiederherstellungsschlüssel (in Element: Einstellungen → Sitzungen) und schicke die Nachricht "
            "dann noch einmal.",
            "en": "I received your message, but it comes from a device you have not verified. I only act on "
            "verified devices (like Element's 'exclude insecure devices'). Please verify this device with "
            "another signed-in device or your recovery key (Element: Settings → Sessions) and send the "
            "message again.",
        },
        "internal_error": {
            "de": "Da ist bei mir etwas schiefgegangen. Die Koordination kann es im Protokoll nachsehen "
            "(Fehlernummer `{ref}`). Bitte versuche es gleich noch einmal.",
            "en": "Something went wrong on my side. The coordinators can look it up in the log "
            "(reference `{ref}`). Please try again in a moment.",
        },
        "late_note": {
            "de": "_(verspätet um {minutes} Min., weil ich nicht erreichbar war)_",
            "en": "_(late by {minutes} min because I was unavailable)_",
        },
    }
)
