"""German-aware FAQ retrieval without any model download.

The score of an entry is built from *concepts*: every content word of the question is one
concept, and it may be satisfied by several *forms* — its Snowball stem, the parts of a
compound, a spelling correction, or a synonym from the KB. Coverage (how much of the
question an entry explains) and reverse coverage (how much of the entry's own question
the user asked about) are then mapped by a small logistic model to a probability-like
score in [0, 1], which drives the answer / unsure / abstain decision.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from commands.faq.german import split_compound, unknown_weight
from commands.faq.kb import Entry, KnowledgeBase
from commands.faq.stemming import german_stem
from commands.faq.thesaurus import general_synonyms

# --------------------------------------------------------------------------- normalisation

_FOLD = (("ä", "a"), ("ö", "o"), ("ü", "u"), ("ß", "ss"))
_TRANSLIT = re.compile(r"(?<!q)(ae|oe|ue)")
_WORD = re.compile(r"[^\W_]+(?:[-@][^\W_]+)*")
_MAX_WORD = 40
_MAX_CONCEPTS = 48


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
_PREFIXES = (
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

_PREFIX_RE = re.compile("(?:" + "|".join(sorted(_PREFIXES, key=len, reverse=True)) + r")(?=[a-z]{5})")
_STEM_CACHE: dict[str, str] = {}


# Snowball leaves verb forms ending in '-igt' / '-iert' alone ('genehmigt' vs 'genehmigen' ->
# 'genehm'); these endings are (almost) never nouns, so they are stemmed as the infinitive.
_VERB_FORM = re.compile(r"(?<=[a-z]{3})(ig|ier)(?:t|te|ten|tes|ter|test)$")


def stem(word: str) -> str:
    """Snowball stem with a process-wide cache: stemming dominates index build time."""
    cached = _STEM_CACHE.get(word)
    if cached is None:
        if len(word) > _MAX_WORD:
            cached = word[:_MAX_WORD]
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
    joined = "".join(glued)[: _MAX_WORD * 2]
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


def _joined(tokens: Sequence[Token]) -> set[str]:
    """Neighbouring words written together: 'open', 'data', 'day' -> 'opendata', 'opendataday', ..."""
    out: set[str] = set()
    texts = [t.text for t in tokens]
    for i in range(len(texts) - 1):
        for j in range(i + 2, min(len(texts), i + 3) + 1):
            joined = "".join(texts[i:j])
            if len(joined) <= _MAX_WORD:
                out.add(joined)  # unstemmed: cheap to build, and the last word is rarely inflected
    return out


def analyse(text: str) -> list[str]:
    """Stems of the content words; handy for tests and debugging."""
    return [stem(t.text) for t in tokenise(text)]


def _analysed(text: str) -> tuple[str, ...]:
    return tuple(analyse(text))


# --------------------------------------------------------------------------- compounds and typos


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
            plural = _latin_plural(a)  # 'themen' in 'themenvorschlag' is 'thema'
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
        if len(word) < 9 or len(word) > _MAX_WORD or not word.isalpha():
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
        if len(word) < 7 or len(word) > _MAX_WORD or not word.isalpha():
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


def _latin_plural(word: str) -> str | None:
    """'thema' -> 'themen', 'zentrum' -> 'zentren': plurals the Snowball stemmer cannot relate."""
    if len(word) >= 4 and word.endswith("a"):
        return word[:-1] + "en"
    if len(word) >= 5 and word.endswith("um"):
        return word[:-2] + "en"
    return None


def _number_variants(word: str) -> tuple[str, ...]:
    """The other number of a word with a Latin plural, both directions."""
    if len(word) >= 5 and word.endswith("en"):
        return (word[:-2] + "a", word[:-2] + "um")
    plural = _latin_plural(word)
    return (plural,) if plural else ()


def damerau(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, abandoned early once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        row_min = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            row_min = min(row_min, v)
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _trigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class TypoIndex:
    """Character-trigram index over the KB vocabulary to find near spellings quickly."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted({w for w in words if 4 <= len(w) <= _MAX_WORD and w.isalpha()})
        self._grams: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(self.words):
            for g in _trigrams(w):
                self._grams[g].append(i)

    @staticmethod
    def max_distance(word: str) -> int:
        return 0 if len(word) < 5 else 1 if len(word) < 9 else 2

    def lookup(self, word: str) -> list[tuple[str, int]]:
        """Nearest known words (same first letter) within the length-dependent edit distance."""
        limit = self.max_distance(word)
        if limit == 0 or len(word) > _MAX_WORD:
            return []
        counts: dict[int, int] = defaultdict(int)
        for g in _trigrams(word):
            for i in self._grams.get(g, ()):
                counts[i] += 1
        need = max(1, len(word) - 2 - 3 * limit)
        ranked = sorted((c for c in counts.items() if c[1] >= need), key=lambda c: -c[1])[:40]
        found: list[tuple[str, int]] = []
        for i, _ in ranked:
            cand = self.words[i]
            if cand[0] != word[0]:
                continue
            d = damerau(word, cand, limit)
            if 0 < d <= limit:
                found.append((cand, d))
        if not found:
            return []
        best = min(d for _, d in found)
        return [(w, d) for w, d in found if d == best][:5]


# --------------------------------------------------------------------------- index


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float
    #: raw signals behind the score, for `ask --json` and debugging
    features: Mapping[str, float] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Decision:
    """What the bot should do: answer with ``best``, offer choices, or say it does not know."""

    kind: Literal["answer", "unsure", "none"]
    best: Match | None
    #: answer: close second matches ("Meintest du auch: …"); unsure: the other choices to offer
    alternatives: tuple[Match, ...] = ()
    matches: tuple[Match, ...] = ()

    @property
    def choices(self) -> tuple[Match, ...]:
        """Best match plus alternatives, i.e. the list an 'unsure' reply shows."""
        return ((self.best,) if self.best else ()) + self.alternatives


@dataclass(frozen=True)
class Thresholds:
    """Decision bands on the calibrated score, chosen on the dev sets (docs/faq-eval.md).

    Below 0.20 the bot says it does not know. Between 0.20 and 0.35 it offers choices: on the
    independent dev KB (it-servicedesk) that band held the right entry for 4 % of askers who
    otherwise got nothing, and abstain accuracy rose (84.8 -> 88.6 %) because those questions had
    been wrongly refused; the sample KB gained too (92.9 -> 93.6 %). Answers at 0.70 or more were
    right 95 % of the time, below that the bot offers choices.
    """

    abstain: float = 0.20
    confident: float = 0.70
    #: a runner-up is worth mentioning if its score is at least this share of the best
    close_second: float = 0.6
    #: a confident match that explains at most this share of the question is no answer: in
    #: 'Wie beantrage ich Urlaub?' only 'beantragen' is known, and it matches a different request
    answer_known: float = 0.5
    #: an uncertain match that explains less than this share of the question is no match either:
    #: in 'Wann ist der nächste Betriebsausflug?' only 'nächste' is known, the topic is not
    unsure_known: float = 0.4
    #: a confident match that covers less than this share of the question's nouns is only offered
    answer_topic: float = 0.3


@dataclass(frozen=True)
class Calibration:
    """Logistic weights mapping retrieval signals to P(entry is the right answer).

    Fitted with :func:`commands.faq.evaluate.fit_calibration` on the dev split of the shipped
    evaluation set; re-fit if the KB grows very differently.
    """

    bias: float = -6.58
    coverage: float = 3.95
    reverse: float = 2.30
    gap: float = 2.43
    known: float = 4.56

    def __call__(self, coverage: float, reverse: float, gap: float, known: float) -> float:
        z = self.bias + self.coverage * coverage + self.reverse * reverse
        z += self.gap * gap + self.known * known
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


INTENT_BONUS = 0.2  # same kind of question (how/what/where/...): decides between entries on one topic
FIELD_QUESTION = 1.0
FIELD_TAG = 0.85
FIELD_ANSWER = 0.5
DERIVED = 0.85  # compound parts and de-prefixed verbs found inside an entry
FORM_PARTS = 0.9
FORM_SYNONYM = 0.9
FORM_THESAURUS = 0.75  # a general German synonym (OpenThesaurus): right more often than not, not always
THESAURUS_CERTAINTY = 0.5  # ... so a question known only through synonyms is half known
FORM_TYPO = {1: 0.8, 2: 0.65}
FORM_MORPH = 0.75  # same word family, different ending: 'genehmigt' ~ 'Genehmigung'
FORM_MORPH_KNOWN = 0.55  # ... when the word itself occurs in the KB, trust the exact form more
FORM_PREFIX = 0.7  # verb without its prefix: 'anschauen' ~ 'nachschauen'
UNKNOWN_PART = 0.5  # share of weight for compound parts the KB never uses
#: weight of a question word the KB only ever writes in lower case (a verb or adjective such as
#: 'beantragen', 'passiert', 'neu') relative to a noun: the topic of a question is its nouns, so a
#: rare verb should not outweigh them ('Reisekostenerstattung beantragen')
VERB_WEIGHT = 0.6

# A word after a word (or comma) and one space is inside a sentence, so its case is meaningful.
_MID_SENTENCE_WORD = re.compile(r"(?<=[\w,;)] )[^\W\d_]{3,}")
_ANY_WORD = re.compile(r"[^\W\d_]{3,}")


def _noun_shares(entries: Iterable[Entry]) -> dict[str, float]:
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


@dataclass(slots=True)
class _Concept:
    weight: float
    known: bool
    forms: list[tuple[tuple[str, ...], float]]
    #: how sure it is that the KB knows this word: 1 for its own words; less for a compound of which
    #: only some parts occur in the KB, or a word found only through a general synonym
    certainty: float = 1.0
    #: a noun (by the KB's spelling, or the general lexicon for unknown words): the question's topic
    noun: bool = False


@dataclass(slots=True)
class _QuestionTerm:
    term: str
    idf: float
    parts: tuple[str, ...]


class FaqIndex:
    """In-memory index over FAQ entries; build once per KB load, query many times."""

    def __init__(
        self,
        entries: Sequence[Entry],
        synonyms: Sequence[Sequence[str]] = (),
        thresholds: Thresholds | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.entries: list[Entry] = list(entries)
        self.thresholds = thresholds or Thresholds()
        self.calibration = calibration or Calibration()
        self._postings: dict[str, dict[int, float]] = {}
        self._idf: dict[str, float] = {}
        self._questions: list[list[list[_QuestionTerm]]] = []
        self._build(synonyms)

    @classmethod
    def build(
        cls,
        entries: Sequence[Entry] | KnowledgeBase,
        synonyms: Sequence[Sequence[str]] = (),
        thresholds: Thresholds | None = None,
        calibration: Calibration | None = None,
    ) -> FaqIndex:
        if isinstance(entries, KnowledgeBase):
            return cls(entries.entries, [*entries.synonyms, *synonyms], thresholds, calibration)
        return cls(entries, synonyms, thresholds, calibration)

    # -- build

    def _build(self, synonyms: Sequence[Sequence[str]]) -> None:
        tokenised: list[list[tuple[list[Token], float]]] = []
        joins: list[list[set[str]]] = []
        vocab: set[str] = set()
        for entry in self.entries:
            questions = [tokenise(q) for q in entry.questions]
            tags = [tokenise(t) for t in (*entry.tags, entry.id.replace("-", " ").replace("_", " "))]
            fields = [(toks, FIELD_QUESTION) for toks in questions]
            fields.append(([t for toks in tags for t in toks], FIELD_TAG))
            link_text = " ".join(link.title for link in entry.links)
            fields.append((tokenise(f"{entry.answer}\n{link_text}"), FIELD_ANSWER))
            tokenised.append(fields)
            # Compounds are written apart as often as together ('Open Data Day' / 'Opendataday'):
            # questions and tags also index their neighbouring words joined.
            joins.append([_joined(toks) for toks in questions] + [set().union(*map(_joined, tags))])
            for toks, _ in fields:
                for t in toks:
                    vocab.add(t.text)
                    vocab.update(t.parts)
        self.splitter = CompoundSplitter(vocab | BUILTIN_ATOMS)
        self.typos = TypoIndex(vocab)

        postings: dict[str, dict[int, float]] = defaultdict(dict)
        expansions: dict[Token, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for doc, (fields, field_joins) in enumerate(zip(tokenised, joins, strict=True)):
            # Fields come in falling weight (question, tags, answer) and derived terms weigh less
            # than full ones, so the first weight seen for a term is its best: setdefault suffices.
            local: dict[str, float] = {}
            for f, (toks, weight) in enumerate(fields):
                full: set[str] = set()
                derived: set[str] = set(field_joins[f]) if f < len(field_joins) else set()
                for t in set(toks):
                    exp = expansions.get(t)
                    if exp is None:
                        exp = expansions[t] = self._doc_terms(t)
                    full.add(exp[0][0])  # always exactly the stem
                    if exp[1]:
                        derived.update(exp[1])
                for term in full:
                    local.setdefault(term, weight)
                dw = weight * DERIVED
                for term in derived:
                    local.setdefault(term, dw)
            for term, w in local.items():
                postings[term][doc] = w
        self._postings = dict(postings)
        n = max(1, len(self.entries))
        self._idf = {t: math.log(1.0 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()}
        self._idf_unknown = math.log(1.0 + (n - 0.5) / 1.5)  # as rare as a word in one entry

        for fields in tokenised:
            qs: list[list[_QuestionTerm]] = []
            for toks, weight in fields:
                if weight != FIELD_QUESTION:
                    continue
                terms: dict[str, _QuestionTerm] = {}
                for t in toks:
                    term = stem(t.text)
                    parts = t.parts or self._split(t.text)
                    terms[term] = _QuestionTerm(term, self._idf.get(term, 0.0), tuple(stem(p) for p in parts))
                qs.append(list(terms.values()))
            self._questions.append(qs)
        self._intents = [{intent(q) for q in entry.questions} - {None} for entry in self.entries]

        self._noun_share = _noun_shares(self.entries)

        self._families: dict[str, list[str]] = defaultdict(list)
        for term in self._postings:
            if len(term) >= 5:
                self._families[term[:5]].append(term)

        self._general = general_synonyms(normalise)
        self._synonyms: list[list[tuple[str, ...]]] = []
        for group in synonyms:
            variants = [tuple(stem(t.text) for t in tokenise(v)) for v in group]
            variants = [v for v in dict.fromkeys(variants) if v]
            if len(variants) > 1:
                self._synonyms.append(variants)

    def _split(self, word: str) -> tuple[str, ...]:
        """Compound parts: from the KB's own words first, else from the general German vocabulary."""
        return self.splitter.split(word) or split_compound(word) or self.splitter.affix(word)

    def _doc_terms(self, token: Token) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Terms an entry word is indexed under: its stem, plus derived parts and sub-compounds."""
        full = (stem(token.text),)
        parts = token.parts or self._split(token.text)
        derived: list[str] = []
        if parts:
            for i in range(len(parts)):
                for j in range(i + 1, min(len(parts), i + 3) + 1):
                    if j - i < len(parts):
                        derived.append(stem("".join(parts[i:j])))
            if not token.parts:
                for p in parts:
                    for s in self._split(p):
                        derived.append(stem(s))
        for e in token.extra:
            derived.append(stem(e))
        plural = _latin_plural(token.text)
        if plural:  # an entry about a 'Thema' also answers questions about 'Themen'
            derived.append(stem(plural))
        m = _PREFIX_RE.match(token.text)
        if m is not None:
            derived.append(stem(token.text[m.end() :]))
        return full, tuple(t for t in dict.fromkeys(derived) if t not in full)

    # -- query

    def _concepts(self, question: str) -> list[_Concept]:
        tokens = tokenise(question[:20_000])
        concepts: list[_Concept] = []
        stems: list[str] = []
        texts: list[str] = []
        seen: set[str] = set()
        idf, postings = self._idf, self._postings
        for tok in tokens:
            term = stem(tok.text)
            if term in seen:
                continue
            seen.add(term)
            forms: list[tuple[tuple[str, ...], float]] = [((term,), 1.0)]
            if tok.text != term and tok.text in postings:  # written together where the KB writes apart
                forms.append(((tok.text,), FORM_PARTS))
            known = term in postings or tok.text in postings
            certainty = 1.0
            weight = idf.get(term, idf.get(tok.text, self._idf_unknown))
            parts = tok.parts or self._split(tok.text)
            part_stems = tuple(stem(p) for p in parts)
            if part_stems and any(p in postings for p in part_stems):
                forms.append((part_stems, FORM_PARTS))
                if not known and part_stems[0] in postings:
                    weight = sum(idf.get(p, self._idf_unknown) for p in part_stems) / len(part_stems)
                    known = True
                    # The first part makes a compound specific: 'Eltern|zeit' is no known topic just
                    # because the KB speaks of 'Zeit', while 'Passwort|rücksetzung' is about passwords.
                    certainty = sum(p in postings for p in part_stems) / len(part_stems)
            for e in tok.extra:
                # 'akte' stands for 'e-akte'; inside a longer word it replaces only its own part, so
                # 'e-government-gesetz' does not fully match an entry that merely says 'government'.
                alt = tuple(e if p != e and p.endswith(e) else p for p in parts) if tok.parts else (e,)
                forms.append((tuple(stem(p) for p in alt), FORM_PARTS))
            for cand in self._family(term):
                near = abs(len(cand) - len(term)) <= 1  # 'beantragt' ~ 'beantrag': a participle ending
                forms.append(((cand,), FORM_MORPH if not known or near else FORM_MORPH_KNOWN))
                if not known:
                    weight, known = idf[cand], True
            if not known:
                for other in _number_variants(tok.text):  # 'Themen' ~ 'Thema', 'Daten' ~ 'Datum'
                    ostem = stem(other)
                    if ostem in postings:
                        forms.append(((ostem,), FORM_MORPH))
                        weight, known = idf[ostem], True
                        break
            if not known:
                for pre in _PREFIXES:
                    rest = tok.text[len(pre) :]
                    if tok.text.startswith(pre) and len(rest) >= 5 and stem(rest) in postings:
                        forms.append(((stem(rest),), FORM_PREFIX))
                        weight, known = idf[stem(rest)], True
                        break
            for synonym in () if known else self._general.get(tok.text):
                other = _analysed(synonym)
                if other and all(t in postings for t in other):
                    forms.append((other, FORM_THESAURUS))
                    if not known:
                        known, certainty = True, THESAURUS_CERTAINTY
            if not known:
                for cand, dist in self.typos.lookup(tok.text):
                    cstem = stem(cand)
                    if cstem in postings:
                        forms.append(((cstem,), FORM_TYPO[dist]))
                        weight = idf[cstem]
                        known = True
            factor = unknown_weight(tok.text) if not known else self._noun_factor(forms)
            weight *= factor
            concepts.append(_Concept(weight, known, forms, certainty, noun=factor >= 1.0))
            stems.append(term)
            texts.append(tok.text)
            if len(concepts) >= _MAX_CONCEPTS:
                break
        self._expand_joins(concepts, texts)
        self._expand_synonyms(concepts, stems)
        return concepts

    def _noun_factor(self, forms: list[tuple[tuple[str, ...], float]]) -> float:
        """1 for nouns, down to VERB_WEIGHT for words the KB only writes in lower case."""
        for terms, _ in forms:
            if len(terms) > 1:
                return 1.0  # a compound split into known parts is a noun
            share = self._noun_share.get(terms[0])
            if share is not None:
                return VERB_WEIGHT + (1.0 - VERB_WEIGHT) * share
        return 1.0

    def _expand_joins(self, concepts: list[_Concept], texts: list[str]) -> None:
        """'Stakeholder Analyse' also looks for 'Stakeholderanalyse' (and the other way round, at build)."""
        for i in range(len(texts) - 1):
            for j in range(i + 2, min(len(texts), i + 3) + 1):
                term = "".join(texts[i:j])
                if term in self._postings:
                    for c in concepts[i:j]:
                        c.forms.append(((term,), FORM_PARTS))
                        if not c.known:
                            c.known, c.weight = True, self._idf[term]

    def _family(self, term: str) -> list[str]:
        """Known stems sharing a long prefix with ``term`` (Snowball leaves verb endings alone)."""
        if len(term) < 5:
            return []
        known = term in self._postings
        out: list[tuple[int, int, str]] = []
        for cand in self._families.get(term[:5], ()):
            if cand == term:
                continue
            lo, hi = min(len(cand), len(term)), max(len(cand), len(term))
            lcp = 5
            while lcp < lo and cand[lcp] == term[lcp]:
                lcp += 1
            if known:
                ok = lcp == lo and hi - lo <= 3  # only an inflection away
            else:
                ok = lo >= 6 and lcp >= max(5, 0.6 * lo) and hi - lcp <= 5
            if ok:
                out.append((-lcp, hi - lo, cand))
        # Nearest relatives first, and a fixed order: the first one sets the concept's weight.
        return [cand for _, _, cand in sorted(out)[:8]]

    def _expand_synonyms(self, concepts: list[_Concept], stems: list[str]) -> None:
        for variants in self._synonyms:
            for v in variants:
                n = len(v)
                for start in range(len(stems) - n + 1):
                    if tuple(stems[start : start + n]) != v:
                        continue
                    for other in variants:
                        if other == v:
                            continue
                        for c in concepts[start : start + n]:
                            c.forms.append((other, FORM_SYNONYM))
                            if not c.known and any(t in self._postings for t in other):
                                c.known = True
                                c.weight = max(self._idf.get(t, 0.0) for t in other)

    def _score_all(self, question: str) -> tuple[list[tuple[int, float, float, float, float]], float]:
        """Candidates as (doc, rank_score, coverage, reverse), and the known share of the question."""
        concepts = self._concepts(question)
        if not concepts:
            return [], 0.0
        idf, postings, unknown = self._idf, self._postings, self._idf_unknown
        total = sum(c.weight for c in concepts) or 1.0
        coverage: dict[int, float] = defaultdict(float)
        topic: dict[int, float] = defaultdict(float)  # coverage of the question's nouns only
        nouns = sum(c.weight for c in concepts if c.noun)
        query_terms: set[str] = set()
        for c in concepts:
            best: dict[int, float] = {}
            for terms, fweight in c.forms:
                query_terms.update(terms)
                norm = sum(idf.get(t, unknown * UNKNOWN_PART) for t in terms) or 1.0
                acc: dict[int, float] = defaultdict(float)
                for t in terms:
                    p = postings.get(t)
                    if not p:
                        continue
                    w = idf[t]
                    for doc, fw in p.items():
                        acc[doc] += w * fw
                scale = fweight / norm
                for doc, v in acc.items():
                    v *= scale
                    if v > best.get(doc, 0.0):
                        best[doc] = v
            for doc, v in best.items():
                coverage[doc] += c.weight * v
                if c.noun:
                    topic[doc] += c.weight * v
        if not coverage:
            return [], 0.0
        known = sum(c.weight * c.certainty for c in concepts if c.known) / total
        # Ties broken by KB order, so the same question always gets the same answer.
        shortlist = sorted(coverage.items(), key=lambda kv: (-kv[1], kv[0]))[:30]
        out = []
        asked = intent(question)
        for doc, cov in shortlist:
            cov /= total
            rev = self._reverse(doc, query_terms)
            # Coverage decides; reverse coverage only breaks near-ties in favour of the entry whose
            # own question is about what was asked (so 'Open Data' prefers 'Was bedeutet Open Data?').
            rank = cov * (0.75 + 0.25 * rev)
            if asked is not None and asked in self._intents[doc]:
                rank *= 1.0 + INTENT_BONUS  # on a near-tie, 'Wo …?' prefers an entry asking 'Wo …?'
            out.append((doc, rank, cov, rev, topic[doc] / nouns if nouns else 1.0))
        out.sort(key=lambda r: (-r[1], r[0]))
        return out, known

    def _reverse(self, doc: int, query_terms: set[str]) -> float:
        """Share of the entry's own question that the user asked about (best phrasing)."""
        best = 0.0
        for terms in self._questions[doc]:
            norm = sum(t.idf for t in terms)
            if norm <= 0:
                continue
            hit = 0.0
            for t in terms:
                if t.term in query_terms:
                    hit += t.idf
                elif t.parts:
                    share = sum(1 for p in t.parts if p in query_terms) / len(t.parts)
                    hit += t.idf * share * DERIVED
            best = max(best, hit / norm)
        return best

    def search(self, question: str, k: int = 3) -> list[Match]:
        """Top ``k`` entries with calibrated scores in [0, 1], best first."""
        scored, known = self._score_all(question)
        if not scored:
            return []
        matches: list[Match] = []
        top = scored[: max(k, 1) + 1]
        for i, (doc, rank, cov, rev, topic) in enumerate(top):
            other = max((r[1] for j, r in enumerate(top) if j != i), default=0.0)
            # relative, so a lone weak candidate does not look like a clear winner
            gap = (rank - other) / max(rank, other, 0.25)
            score = self.calibration(cov, rev, gap, known)
            feats = {
                "rank": rank,
                "coverage": cov,
                "reverse": rev,
                "gap": gap,
                "known": known,
                "topic": topic,
            }
            matches.append(Match(self.entries[doc], score, feats))
        # Order by retrieval score; a runner-up never shows a higher confidence than the one above it.
        for i in range(1, len(matches)):
            if matches[i].score > matches[i - 1].score:
                matches[i] = Match(matches[i].entry, matches[i - 1].score, matches[i].features)
        return matches[:k]

    def decide(self, question: str, k: int = 3) -> Decision:
        matches = tuple(self.search(question, k=max(k, 3)))
        th = self.thresholds
        if not matches or matches[0].score < th.abstain:
            return Decision("none", None, (), matches)
        best, rest = matches[0], matches[1:]
        if best.score >= th.confident and best.features.get("known", 1.0) <= th.answer_known:
            return Decision("none", None, (), matches)
        if best.score >= th.confident and best.features.get("topic", 1.0) < th.answer_topic:
            # the entry matches the question's frame ('wie lange dauert …') but none of its nouns
            return Decision(
                "unsure", best, tuple(m for m in rest[: k - 1] if m.score >= th.abstain * 0.5), matches
            )
        if best.score >= th.confident:
            close = tuple(m for m in rest if m.score >= max(th.abstain, th.close_second * best.score))
            return Decision("answer", best, close, matches)
        if best.features.get("known", 1.0) < th.unsure_known:
            return Decision("none", None, (), matches)
        floor = th.abstain * 0.5
        return Decision("unsure", best, tuple(m for m in rest[: k - 1] if m.score >= floor), matches)
