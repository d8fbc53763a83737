"""Words of a question or entry: normalisation, stop words, stems, tokens and the kind of question.

Everything here is a pure function of the text, shared by indexing and querying so both sides
meet in the same form.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from commands.faq import weights
from commands.faq.kb import Entry
from commands.faq.stemming import german_stem

_FOLD = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss"))
_TRANSLIT = re.compile(r"(?<!q)(ae|oe|ue)")
_WORD = re.compile(r"[^\W_]+(?:[-@][^\W_]+)*")
MAX_WORD = 40


def normalise(text: str) -> str:
    """Fold case, umlauts and their ASCII spellings so 'Schlüssel', 'Schluessel' and 'SCHLUSSEL' meet."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        for src, dst in _FOLD:  # chained replace is far faster than str.translate with a dict
            text = text.replace(src, dst)
        if not text.isascii():  # other accents: 'é' -> 'e'
            text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    # 'ae', 'oe', 'ue' are almost always transliterated umlauts ('Oeffnungszeiten'); folding both
    # sides the same way keeps the rare false hits ('aktuell') harmless. 'qu' + 'e' is left alone.
    if "ae" not in text and "oe" not in text and "ue" not in text:  # the common case, cheaply
        return text
    return _TRANSLIT.sub(lambda m: m.group(1)[0], text)


_STOPWORDS_RAW = """
aber alle allem allen aller alles also als am an ander andere anderen anders auch auf aus bei beim bin bis
bist bitte bloss da dabei dafur dagegen daher damit dann daran darauf daruber darf darfst darum das dass
dazu dein deine deinem deinen deiner dem den denen denn der deren des deshalb dessen dich die dies diese
diesem diesen dieser dieses dir doch dort du durch eben eigentlich ein eine einem einen einer eines einfach
er es etwa etwas euch euer eure fur gab gar gibt gern gerne geht gehen hab habe haben hat hatte hatten
hast hatte hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im immer in ins ist ja je jede
jedem jeden jeder jemand jetzt kann kannst kein keine keinem keinen keiner konnen konnte konnt
konnten kriege kriegt man mal manche mehr mein meine meinem meinen meiner mich mir mit muss musst mussen
nach nicht nichts noch nochmal nun nur ob oder ohne per schon sehr sein seine seinem seinen seiner seit
sich sie sind so soll sollen sollte sonst uber um und uns unser unsere unserem unseren unserer unter
viel vom von vor wann war waren warum was weil welche welchem welchen welcher welches wem wen wenn wer
werde werden wie wieder wieso will wir wird wirst wo woher wohin wollen wollte worden wurde wurden zu zum
zur zwar zwischen weshalb weswegen wofur womit wozu hallo hi moin servus danke frage fragen genau
uberhaupt ganz grad gerade irgendwie irgendwo irgendwas bzw usw z b eigentlich mache machen macht
tun sagen bekomme bekommen finde finden gibts heisst the and of a an to for is in on how what
versteht verstehen versteh bedeutet bedeuten bedeutung meint gemeint definition erklart erklaren erklarung
erklar erklare erklaert sinn begriff ab los hinzu heraus raus rein dran drauf
mochte mochten mocht wurd wurdest brauch brauche brauchen braucht ne nen nem halt grade selbst selber
neu neue neuen neuer neues bitteschon leute jemanden
"""
STOPWORDS: frozenset[str] = frozenset(normalise(w) for w in _STOPWORDS_RAW.split())

PREFIXES = (
    "aus",
    "ein",
    "an",
    "ab",
    "auf",
    "vor",
    "nach",
    "mit",
    "zu",
    "ver",
    "be",
    "er",
    "ent",
    "um",
    "uber",
    "unter",
    "zuruck",
    "weiter",
    "her",
    "hin",
)

PREFIX_RE = re.compile("(?:" + "|".join(sorted(PREFIXES, key=len, reverse=True)) + r")(?=[a-z]{5})")
_STEM_CACHE: dict[str, str] = {}


# Snowball leaves verb forms ending in '-igt' / '-iert' alone ('genehmigt' vs 'genehmigen' ->
# 'genehm'); these endings are (almost) never nouns, so they are stemmed as the infinitive.
_VERB_FORM = re.compile(r"(?<=[a-z]{3})(ig|ier)(?:t|te|ten|tes|ter|test)$")


def stem(word: str) -> str:
    """Snowball stem with a process-wide cache: stemming dominates index build time."""
    cached = _STEM_CACHE.get(word)
    if cached is None:
        if len(word) > MAX_WORD:
            cached = word[:MAX_WORD]
        else:
            m = _VERB_FORM.search(word)
            cached = german_stem(word[: m.start()] + m.group(1) + "en" if m else word)
        if len(_STEM_CACHE) > 500_000:
            _STEM_CACHE.clear()
        _STEM_CACHE[word] = cached
    return cached


class Token(NamedTuple):
    """A normalised word; hyphenated words ('open-data-portal') keep their parts.

    ``extra`` holds words that stand for the token on their own ('akte' inside 'e-akte').
    A NamedTuple rather than a dataclass: tokens are hashed a lot while indexing.
    """

    text: str
    parts: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()


def _hyphen_token(raw: str) -> Token | None:
    pieces = [p for p in re.split(r"[-@]", raw) if p]
    glued: list[str] = []
    extra: list[str] = []
    carry = ""
    for p in pieces:
        if len(p) == 1 and p.isalpha():  # 'E-Akte', 'U-Bahn': the letter belongs to the next word
            carry += p
            continue
        if carry:
            extra.append(p)
            p = carry + p
            carry = ""
        glued.append(p)
    if carry:
        glued.append(carry)
    content = tuple(p for p in glued if p not in STOPWORDS and len(p) > 1)
    if not content:
        return None
    joined = "".join(glued)[: MAX_WORD * 2]
    extra_content = tuple(e for e in extra if e not in STOPWORDS and len(e) > 1)
    return Token(joined, content if len(content) > 1 else (), extra_content)


def tokenise(text: str) -> list[Token]:
    tokens: list[Token] = []
    for raw in _WORD.findall(normalise(text)):
        if "-" in raw or "@" in raw:
            tok = _hyphen_token(raw)
            if tok is not None:
                tokens.append(tok)
        elif len(raw) > 1 and raw not in STOPWORDS:
            tokens.append(Token(raw))
    return tokens


_INTENTS = {
    "was": "what",
    "welche": "what",
    "welcher": "what",
    "welches": "what",
    "welchen": "what",
    "wie": "how",
    "wo": "where",
    "wohin": "where",
    "woher": "where",
    "wer": "who",
    "wen": "who",
    "wem": "who",
    "wann": "when",
    "warum": "why",
    "wieso": "why",
    "weshalb": "why",
    "wozu": "why",
}
_INTENT_WORD = re.compile(r"[^\W\d_]+")


def intent(text: str) -> str | None:
    """The kind of question by its first question word: what, how, where, who, when, why."""
    for word in _INTENT_WORD.findall(normalise(text)[:200]):
        found = _INTENTS.get(word)
        if found is not None:
            return found
    return None


def joined(tokens: Sequence[Token]) -> set[str]:
    """Neighbouring words written together: 'open', 'data', 'day' -> 'opendata', 'opendataday', ..."""
    out: set[str] = set()
    texts = [t.text for t in tokens]
    for i in range(len(texts) - 1):
        for j in range(i + 2, min(len(texts), i + 3) + 1):
            joined = "".join(texts[i:j])
            if len(joined) <= MAX_WORD:
                out.add(joined)  # unstemmed: cheap to build, and the last word is rarely inflected
    return out


def analyse(text: str) -> list[str]:
    """Stems of the content words; handy for tests and debugging."""
    return [stem(t.text) for t in tokenise(text)]


def analysed(text: str) -> tuple[str, ...]:
    return tuple(analyse(text))


# A word after a word (or comma) and one space is inside a sentence, so its case is meaningful.
_MID_SENTENCE_WORD = re.compile(r"(?<=[\w,;)] )[^\W\d_]{3,}")
_ANY_WORD = re.compile(r"[^\W\d_]{3,}")


def noun_shares(entries: Iterable[Entry]) -> dict[str, float]:
    """Share of capitalised spellings per stem, from words that cannot start a sentence.

    German capitalises nouns, so the KB's own spelling tells nouns from verbs and adjectives even
    though users type everything in lower case. In tag lists every word counts.
    """
    words: Counter[str] = Counter()
    for entry in entries:
        words.update(_MID_SENTENCE_WORD.findall("\n".join((*entry.questions, entry.answer))))
        words.update(_ANY_WORD.findall(" ".join(entry.tags)))
    counts: dict[str, list[int]] = {}
    for word, n in words.items():
        key = stem(normalise(word))
        pair = counts.get(key)
        if pair is None:
            pair = counts[key] = [0, 0]
        pair[0 if word[0].isupper() else 1] += n
    return {k: up / (up + low) for k, (up, low) in counts.items()}


Fields = list[tuple[list[Token], float]]


def tokenise_entries(entries: Sequence[Entry]) -> tuple[list[Fields], list[list[set[str]]], set[str]]:
    """Each entry's fields as tokens with their weight, its joined neighbour words, and the vocabulary."""
    tokenised: list[Fields] = []
    joins: list[list[set[str]]] = []
    vocab: set[str] = set()
    for entry in entries:
        questions = [tokenise(q) for q in entry.questions]
        tags = [tokenise(t) for t in (*entry.tags, entry.id.replace("-", " ").replace("_", " "))]
        fields = [(toks, weights.FIELD_QUESTION) for toks in questions]
        fields.append(([t for toks in tags for t in toks], weights.FIELD_TAG))
        link_text = " ".join(link.title for link in entry.links)
        fields.append((tokenise(f"{entry.answer}\n{link_text}"), weights.FIELD_ANSWER))
        tokenised.append(fields)
        # Compounds are written apart as often as together ('Open Data Day' / 'Opendataday'):
        # questions and tags also index their neighbouring words joined.
        joins.append([joined(toks) for toks in questions] + [set().union(*map(joined, tags))])
        for toks, _ in fields:
            for t in toks:
                vocab.add(t.text)
                vocab.update(t.parts)
    return tokenised, joins, vocab
