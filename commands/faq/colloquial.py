"""Everyday and office German that the thesaurus (OpenThesaurus, 2016) lacks or files elsewhere.

Askers write as they speak: 'PW', 'Handy', 'Perso', 'Rechner', 'kaputt'. These groups are general
German usage in an administration, written from common knowledge rather than from any KB, so they
apply to every knowledge base. Each group is a set of words that stand for each other; they join
the thesaurus's synonym sets (commands/faq/thesaurus.py) and are weighed like them.
"""

from __future__ import annotations

_GROUPS_RAW = """
Passwort, Kennwort, PW, Passwörter, Zugangsdaten
PIN, Geheimzahl
Handy, Smartphone, Mobiltelefon, Diensthandy, Telefon
Rechner, Computer, PC, Laptop, Notebook, Dienstlaptop, Arbeitsplatzrechner
Bildschirm, Monitor, Display
Mikrofon, Mikro, Headset
Drucker, Druckgerät, Kopierer, Multifunktionsgerät
E-Mail, Mail, Mails, Email, Emails
Postfach, Mailbox, Posteingang
Perso, Personalausweis, Ausweis
Urlaub, Urlaubstag, Erholungsurlaub
krank, Krankmeldung, Arbeitsunfähigkeit, AU, Krankschreibung
Gehalt, Lohn, Entgelt, Bezüge, Besoldung, Gehaltsabrechnung, Lohnabrechnung, Entgeltabrechnung
Chef, Chefin, Vorgesetzter, Vorgesetzte, Führungskraft
Kollege, Kollegin, Mitarbeiter, Mitarbeiterin, Beschäftigte
Homeoffice, Telearbeit, mobiles Arbeiten
Dienstreise, Dienstfahrt, Geschäftsreise
Fahrtkosten, Reisekosten, Spesen
Überstunden, Mehrarbeit, Gleitzeit
Stempeln, Zeiterfassung, Arbeitszeit
kaputt, defekt, beschädigt
Rechnung, Beleg, Quittung
Bestellung, Beschaffung, Einkauf
Angebot, Kostenvoranschlag
Büro, Dienstzimmer, Arbeitsplatz
Besprechungsraum, Sitzungszimmer, Konferenzraum, Besprechungszimmer, Meetingraum
Schlüssel, Transponder, Chip
Datenpanne, Datenschutzverletzung, Datenleck
Software, Programm, Anwendung, App
WLAN, WiFi, WLan, Internet
Ticket, Störungsmeldung, Anfrage
Azubi, Auszubildende, Auszubildender
Vertrag, Arbeitsvertrag
Kündigung, kündigen
Kantine, Mensa
Parkplatz, Stellplatz
Virus, Schadsoftware, Malware
Phishing, Betrugsmail, Spam
Login, Anmeldung, einloggen, anmelden
Account, Konto, Benutzerkonto
USB-Stick, Stick, Speicherstick
daheim, zuhause, zu Hause
"""


def groups() -> list[tuple[str, ...]]:
    """The groups as written (one set per line, comma-separated; a term may have two words)."""
    return [tuple(w.strip() for w in line.split(",")) for line in _GROUPS_RAW.strip().splitlines()]


#: spoken short forms of directional prefixes ('runterladen', 'reinkommen', 'rausfinden'), normalised
_SPOKEN_PREFIXES = (
    ("runter", "herunter"),
    ("rauf", "herauf"),
    ("raus", "heraus"),
    ("rein", "herein"),
    ("rueber", "heruber"),
    ("rüber", "herüber"),
    ("ruber", "heruber"),
)


def written(word: str) -> str | None:
    """The written form of a spoken verb ('runterladen' -> 'herunterladen'), or None."""
    for short, full in _SPOKEN_PREFIXES:
        if word.startswith(short) and len(word) - len(short) >= 4:
            return full + word[len(short) :]
    return None
