"""German Snowball stemming, fast enough to index a 1,000-entry KB in well under a second.

``snowballstemmer``'s pure-Python German stemmer spends most of its time in generic
per-character machinery (about 45 µs a word). Our words are already folded to ASCII, so this
module carries a direct port of the same algorithm (Snowball 3.x ``german.sbl``) for
``[a-z0-9]`` words and delegates everything else to ``snowballstemmer``. The unit tests check
that both give identical results.
"""

from __future__ import annotations

import re

import snowballstemmer

_VOWELS = frozenset("aeiouyäöü")
_S_ENDING = frozenset("bdfghklmnrt")
_ST_ENDING = frozenset("bdfghklmnt")
_ET_ENDING = frozenset("Udfgklmnrstzä")
_ET_EXCEPTIONS = ("tick", "plan", "geordn", "intern", "tr")
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_REFERENCE = snowballstemmer.stemmer("german")


def reference_stem(word: str) -> str:
    """The library implementation; the port below must agree with it."""
    return _REFERENCE.stemWord(word)


_NEEDS_MARK = re.compile(r"[aeiouyäöü][uy][aeiouyäöü]")
_NEEDS_UMLAUT = re.compile(r"ae|oe|ue")


def _prelude(word: str) -> str:
    if _NEEDS_MARK.search(word):
        s = list(word)
        # 'u' and 'y' between vowels count as consonants (marked upper-case), left to right.
        for i in range(len(s) - 2):
            if s[i] in _VOWELS and s[i + 1] in "uy" and s[i + 2] in _VOWELS:
                s[i + 1] = s[i + 1].upper()
        word = "".join(s)
    if _NEEDS_UMLAUT.search(word):
        # 'ae', 'oe', 'ue' spell umlauts, except the 'u' of 'qu'.
        out: list[str] = []
        i, n = 0, len(word)
        while i < n:
            pair = word[i : i + 2]
            if pair == "qu":
                out.append(pair)
                i += 2
            elif pair in _UMLAUTS:
                out.append(_UMLAUTS[pair])
                i += 2
            else:
                out.append(word[i])
                i += 1
        word = "".join(out)
    return word


_UMLAUTS = {"ae": "ä", "oe": "ö", "ue": "ü"}


def _regions(s: str) -> tuple[int, int]:
    n = len(s)
    if n < 3:
        return n, n

    def past_syllable(start: int) -> int | None:
        i = start
        while i < n and s[i] not in _VOWELS:
            i += 1
        if i >= n:
            return None
        i += 1
        while i < n and s[i] in _VOWELS:
            i += 1
        if i >= n:
            return None
        return i + 1

    raw_p1 = past_syllable(0)
    if raw_p1 is None:
        return n, n
    p2 = past_syllable(raw_p1)  # R2 is searched from the unadjusted R1 start
    return max(raw_p1, 3), (n if p2 is None else p2)


def _longest(s: str, suffixes: tuple[str, ...]) -> str | None:
    """First match in a longest-first tuple, i.e. Snowball's 'among' on suffixes."""
    for suf in suffixes:
        if s.endswith(suf):
            return suf
    return None


_STEP1 = ("erinnen", "erin", "lns", "ern", "em", "en", "ln", "er", "es", "e", "s")
_STEP2 = ("est", "en", "er", "et", "st")
_STEP3 = ("lich", "isch", "heit", "keit", "end", "ung", "ig", "ik")


def _stem_port(word: str) -> str:
    s = _prelude(word)
    p1, p2 = _regions(s)
    s = _step1(s, p1)
    s = _step2(s, p1)
    s = _step3(s, p1, p2)
    return s.translate(_POSTLUDE)


def _step1(s: str, p1: int) -> str:
    """Noun and adjective endings in R1: '-em', '-ern', '-e(n|s)', '-s', '-ln(s)'."""
    suf = _longest(s, _STEP1)
    if suf is None or len(s) - len(suf) < p1:
        return s
    bra = len(s) - len(suf)
    if suf == "em":
        if not s[:bra].endswith("syst"):
            s = s[:bra]
    elif suf in ("erinnen", "erin", "ern", "er"):
        s = s[:bra]
    elif suf in ("e", "en", "es"):
        s = s[:bra]
        if s.endswith("niss"):
            s = s[:-1]
    elif suf == "s":
        if bra >= 1 and s[bra - 1] in _S_ENDING:
            s = s[:bra]
    else:  # 'ln', 'lns'
        s = s[:bra] + "l"
    return s


def _step2(s: str, p1: int) -> str:
    """Verb and comparative endings in R1: '-en', '-er', '-est', '-st', '-et'."""
    suf = _longest(s, _STEP2)
    if suf is None or len(s) - len(suf) < p1:
        return s
    bra = len(s) - len(suf)
    if suf in ("en", "er", "est"):
        s = s[:bra]
    elif suf == "st":
        if bra >= 4 and s[bra - 1] in _ST_ENDING:
            s = s[:bra]
    elif bra >= 1 and s[bra - 1] in _ET_ENDING and not s[:bra].endswith(_ET_EXCEPTIONS):  # 'et'
        s = s[:bra]
    return s


def _step3(s: str, p1: int, p2: int) -> str:
    """Derivational suffixes in R2: '-end', '-ung', '-ig', '-ik', '-isch', '-lich', '-heit', '-keit'."""
    suf = _longest(s, _STEP3)
    if suf is None or len(s) - len(suf) < p2:
        return s
    bra = len(s) - len(suf)
    if suf in ("end", "ung"):
        s = s[:bra]
        if s.endswith("ig") and not s.endswith("eig") and len(s) - 2 >= p2:
            s = s[:-2]
    elif suf in ("ig", "ik", "isch"):
        if not (bra >= 1 and s[bra - 1] == "e"):
            s = s[:bra]
    elif suf in ("lich", "heit"):
        s = s[:bra]
        if s.endswith(("er", "en")) and len(s) - 2 >= p1:
            s = s[:-2]
    else:  # 'keit'
        s = s[:bra]
        tail = _longest(s, ("lich", "ig"))
        if tail is not None and len(s) - len(tail) >= p2:
            s = s[: len(s) - len(tail)]
    return s


_POSTLUDE = str.maketrans({"Y": "y", "U": "u", "ä": "a", "ö": "o", "ü": "u"})


def german_stem(word: str) -> str:
    """Snowball German stem of a lower-case word."""
    if word and all(c in _PLAIN for c in word):
        return _stem_port(word)
    return _REFERENCE.stemWord(word)
