"""User-facing text in German (default, "du"), formal German ("de-Sie") and English.

Every string a Lotse can see goes through ``t()``. Features register their own catalogues next to their
code with ``register()``; a missing English text falls back to German, a missing key is a programming
error and raises in tests rather than showing a key name in the room.

"de-Sie" is a *variant* of "de": only the texts that address the reader differ, so its texts live in
overlays (``texts_sie.py`` next to a feature's ``texts.py``) instead of a third column in every entry.
``register_variant()`` adds them by catalogue key; ``register_inline_variant()`` by the German text itself,
for inline ``{"de": …, "en": …}`` mappings (command help, labels, choices) and plain German strings (usage
examples, time-parse errors) that have no key. The fallback is explicit: a variant's text if there is one,
else the German text — which is right exactly when the German text does not address the reader, and
``tests/unit/test_i18n_sie.py`` checks that every text that does has its Sie form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["de", "de-Sie", "en"]
LANGS: tuple[Lang, ...] = ("de", "de-Sie", "en")
# A variant and the language whose texts it falls back to.
VARIANTS: dict[str, str] = {"de-Sie": "de"}

_CATALOGUE: dict[str, dict[str, str]] = {}
_BY_KEY: dict[str, dict[str, str]] = {variant: {} for variant in VARIANTS}  # variant → key → text
_BY_TEXT: dict[str, dict[str, str]] = {variant: {} for variant in VARIANTS}  # variant → German → text


def register(entries: Mapping[str, Mapping[str, str]]) -> None:
    """Add texts: ``{"key": {"de": "…", "en": "…"}}``. Re-registering the same text is harmless."""
    for key, texts in entries.items():
        if "de" not in texts:
            raise ValueError(f"i18n key {key!r} has no German text")
        existing = _CATALOGUE.get(key)
        if existing is not None and existing != dict(texts):
            raise ValueError(f"i18n key {key!r} registered twice with different texts")
        _CATALOGUE[key] = dict(texts)


def _add(table: dict[str, str], entries: Mapping[str, str], what: str) -> None:
    for key, text in entries.items():
        if table.get(key, text) != text:
            raise ValueError(f"{what} {key[:60]!r} registered twice with different texts")
        table[key] = text


def register_variant(lang: str, entries: Mapping[str, str]) -> None:
    """Add a variant's texts by catalogue key: ``register_variant("de-Sie", {"key": "…"})``."""
    _add(_BY_KEY[lang], entries, "variant key")


def register_inline_variant(lang: str, entries: Mapping[str, str]) -> None:
    """Add a variant's texts for key-less German texts: ``{"Schreib …": "Schreiben Sie …"}``."""
    _add(_BY_TEXT[lang], entries, "variant text")


def base(lang: str) -> str:
    """The language whose texts a variant falls back to ("de-Sie" → "de"); a language is its own base."""
    return VARIANTS.get(lang, lang)


def t(lang: str, key: str, /, **values: object) -> str:
    texts = _CATALOGUE[key]
    template = texts.get(lang) or _BY_KEY.get(lang, {}).get(key) or texts.get(base(lang)) or texts["de"]
    return template.format(**values)


def pick(lang: str, texts: Mapping[str, str]) -> str:
    """Choose from an inline ``{"de": …, "en": …}`` mapping, e.g. a command's help text."""
    if texts.get(lang):
        return texts[lang]
    if lang in VARIANTS:
        return variant(lang, texts.get(base(lang)) or texts["de"])
    return texts["de"]


def variant(lang: str, german: str) -> str:
    """A key-less German text in ``lang``'s voice (itself if it has no variant or ``lang`` is no variant)."""
    return _BY_TEXT.get(lang, {}).get(german, german)


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
