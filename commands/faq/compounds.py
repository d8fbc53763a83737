"""Splitting German compounds into known parts ('reisekostenabrechnung' -> reise|kosten|abrechnung)."""

from __future__ import annotations

from collections.abc import Iterable

from commands.faq.analysis import MAX_WORD, normalise

# Common German word parts, so compounds split even when a part never stands alone in the KB.
_ATOMS_RAW = """
abend abrechnung abstimmung adresse agenda akte amt antrag anmeldung arbeit archiv aufgabe ausweis
auskunft bau beitrag beleg bericht beteiligung bild bildung buch burger buro daten datei dienst
digital dokument einfuhrung einladung entwicklung erstattung fahrt feld formular foto frage funktion
gebuhr gerat gesetz geschaft haus hilfe idee information kalender karte kasse konto konferenz kosten
kurs land leistung lern link liste management meldung methode modul netz netzwerk nummer nutzer
online ordner papier partner passwort person plan plattform portal post projekt prozess raum rat
rechnung recht rechte reise schulung service sitzung stadt stand start steuer strategie system tag
team technik telefon termin text thema verfahren verwaltung video vorschlag vortrag web weg werk
wissen zeit zugang zweck sicherheit leitung verbund ablauf akademie lotse lotsen bank datenbank
analyse ausleihe stelle verkehr mobilitat wirtschaft klima schutz daten management konferenz
"""
BUILTIN_ATOMS: frozenset[str] = frozenset(normalise(w) for w in _ATOMS_RAW.split())

_SHORT_ATOMS = frozenset({"amt", "bau", "rat", "tag", "web", "weg", "app", "bus", "zug", "netz", "kurs"})
_LINKERS = ("s", "es", "n", "en", "e", "er")
_ENDINGS = ("en", "n", "e", "s", "es", "er", "ern")


class CompoundSplitter:
    """Splits German compounds into known parts ('reisekostenabrechnung' -> reise|kosten|abrechnung)."""

    def __init__(self, atoms: Iterable[str]) -> None:
        base = {a for a in atoms if (len(a) >= 4 or a in _SHORT_ATOMS) and a.isalpha()} | _SHORT_ATOMS
        # Lookup tables so the split itself is one dict probe per candidate piece:
        # a non-final piece may carry a linking element ('verwaltungs'), or be a known word
        # minus its ending ('punkt' from 'punkte'); a final piece may be inflected.
        # Known words map to themselves first; of the derived spellings that collide, the one from
        # the alphabetically first word wins, so splits do not depend on set iteration order.
        atoms = sorted(base)
        inner: dict[str, str] = {a: a for a in atoms}
        final: dict[str, str] = dict(inner)
        for a in atoms:
            for suf in _LINKERS:
                inner.setdefault(a + suf, a)
            for suf in _ENDINGS:
                final.setdefault(a + suf, a + suf)
            plural = latin_plural(a)  # 'themen' in 'themenvorschlag' is 'thema'
            if plural:
                inner.setdefault(plural, a)
                final.setdefault(plural, a)
            for suf in ("e", "en", "n"):
                if a.endswith(suf) and len(a) - len(suf) >= 4:
                    inner.setdefault(a[: -len(suf)], a[: -len(suf)])
        self._inner = inner
        self._final = final
        self._cache: dict[str, tuple[str, ...]] = {}

    def _split_once(self, word: str) -> tuple[str, ...]:
        n = len(word)
        inner, final = self._inner, self._final
        # best[i] = pieces for word[:i]; the fewest pieces win so known sub-compounds stay whole.
        best: list[tuple[str, ...] | None] = [None] * (n + 1)
        best[0] = ()
        for j in range(n - 2):
            cur = best[j]
            if cur is None:
                continue
            top = n - 3 if n - 3 < j + 24 else j + 24  # min() costs more than the lookups here
            for i in range(j + 3, top + 1):
                part = inner.get(word[j:i])
                if part is not None:
                    old = best[i]
                    if old is None or len(cur) + 1 < len(old):
                        best[i] = (*cur, part)
            last = final.get(word[j:]) if j > 0 else None
            if last is not None:
                old = best[n]
                if old is None or len(cur) + 1 < len(old):
                    best[n] = (*cur, last)
        return best[n] or ()

    def affix(self, word: str) -> tuple[str, ...]:
        """A known word at the start or end of a compound whose other part is unknown.

        'passwortrücksetzung' -> ('passwort', 'rucksetzung'): the longest known head or tail with at
        least four letters left over; the unknown rest counts only partly when scoring.
        """
        if len(word) < 9 or len(word) > MAX_WORD or not word.isalpha():
            return ()
        n = len(word)
        for cut in range(n - 4, 3, -1):  # longest known first part
            head = self._inner.get(word[:cut])
            if head is not None and len(head) >= 4:
                return (head, word[cut:])
        for cut in range(4, n - 3):  # longest known last part
            tail = self._final.get(word[cut:])
            if tail is not None and len(tail) >= 4:
                return (word[:cut], tail)
        return ()

    def split(self, word: str) -> tuple[str, ...]:
        """Atomic parts of a compound, or () if the word does not split into known parts."""
        if len(word) < 7 or len(word) > MAX_WORD or not word.isalpha():
            return ()
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        parts = self._split_once(word)
        if parts:
            refined: list[str] = []
            for p in parts:
                sub = self.split(p) if len(p) >= 8 else ()
                refined.extend(sub or (p,))
            parts = tuple(refined)
        self._cache[word] = parts
        return parts


def latin_plural(word: str) -> str | None:
    """'thema' -> 'themen', 'zentrum' -> 'zentren': plurals the Snowball stemmer cannot relate."""
    if len(word) >= 4 and word.endswith("a"):
        return word[:-1] + "en"
    if len(word) >= 5 and word.endswith("um"):
        return word[:-2] + "en"
    return None


def number_variants(word: str) -> tuple[str, ...]:
    """The other number of a word with a Latin plural, both directions."""
    if len(word) >= 5 and word.endswith("en"):
        return (word[:-2] + "a", word[:-2] + "um")
    plural = latin_plural(word)
    return (plural,) if plural else ()
