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
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from commands.faq import colloquial, selfcal, verify, weights
from commands.faq.analysis import (
    PREFIX_RE,
    PREFIXES,
    Fields,
    Token,
    analyse,
    analysed,
    intent,
    joined,
    normalise,
    noun_shares,
    stem,
    tokenise,
    tokenise_entries,
)
from commands.faq.caches import QuestionWeights, TermHits
from commands.faq.compounds import BUILTIN_ATOMS, CompoundSplitter, latin_plural, number_variants
from commands.faq.decision import Calibration, Decision, Match, Thresholds, decide
from commands.faq.german import split_compound, unknown_weight
from commands.faq.kb import Entry, KnowledgeBase
from commands.faq.signals import SecondOpinions
from commands.faq.thesaurus import general_synonyms
from commands.faq.typos import TypoIndex

_MAX_CONCEPTS = 48


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
    parts: tuple[str, ...]


@lru_cache(maxsize=20_000)
def _synonym_terms(word: str) -> tuple[tuple[str, ...], ...]:
    """The general synonyms of a question word as stems (thesaurus and colloquial groups), once per word."""
    return tuple(t for synonym in general_synonyms(normalise).get(word) if (t := analysed(synonym)))


def _leaders(scores: dict[int, float], n: int) -> list[tuple[int, float]]:
    """The ``n`` best (entry, score) pairs, ties by KB order: ``sorted(...)[:n]`` of all of them.

    Only the pairs at or above the n-th best score are sorted with a key; the cut itself is a
    C-level sort of bare floats (hundreds of candidates per question on a large KB).
    """
    if len(scores) > n:
        cut = sorted(scores.values(), reverse=True)[n - 1]
        pairs = [kv for kv in scores.items() if kv[1] >= cut]
    else:
        pairs = list(scores.items())
    return sorted(pairs, key=lambda kv: (-kv[1], kv[0]))[:n]


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
        self.calibration = calibration or Calibration()
        self._postings: dict[str, dict[int, float]] = {}
        self._idf: dict[str, float] = {}
        self._questions: list[list[list[_QuestionTerm]]] = []
        self._build(synonyms)
        #: how well this KB finds its own left-out alternatives (commands/faq/selfcal.py); None if untested
        self.paraphrase_level: float | None = None
        if thresholds is None:
            self.paraphrase_level = selfcal.paraphrase_level(
                self.entries, lambda es: FaqIndex(es, synonyms, Thresholds(), self.calibration).search
            )
            thresholds = selfcal.calibrated(Thresholds(), self.paraphrase_level)
        self.thresholds = thresholds
        self._doc_of = {entry.id: doc for doc, entry in enumerate(self.entries)}
        #: 👎 evidence: entry -> [(stems of the question, how often)]
        self._mismatches: dict[int, list[tuple[frozenset[str], int]]] = {}

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
        tokenised, joins, vocab = tokenise_entries(self.entries)
        self.splitter = CompoundSplitter(vocab | BUILTIN_ATOMS)
        self.typos = TypoIndex(vocab)
        self._postings = self._index_terms(tokenised, joins)
        n = max(1, len(self.entries))
        self._idf = {
            t: math.log(1.0 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self._postings.items()
        }
        self._idf_unknown = math.log(1.0 + (n - 0.5) / 1.5)  # as rare as a word in one entry
        self._questions = [self._question_terms(fields) for fields in tokenised]
        self._hits = TermHits(self._postings, self._idf)
        self._weighted = QuestionWeights(self._questions, self._idf)
        self._intents = [{intent(q) for q in entry.questions} - {None} for entry in self.entries]
        self._noun_share = noun_shares(self.entries)
        self._families: dict[str, list[str]] = defaultdict(list)
        for term in self._postings:
            if len(term) >= 5:
                self._families[term[:5]].append(term)
        self._opinions = SecondOpinions(self.entries)
        self._synonyms: list[list[tuple[str, ...]]] = []
        for group in synonyms:
            variants = [tuple(stem(t.text) for t in tokenise(v)) for v in group]
            variants = [v for v in dict.fromkeys(variants) if v]
            if len(variants) > 1:
                self._synonyms.append(variants)

    def _index_terms(
        self, tokenised: list[Fields], joins: list[list[set[str]]]
    ) -> dict[str, dict[int, float]]:
        """Postings: term -> {entry: best field weight}, derived terms (parts, joins) weighing less."""
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
                dw = weight * weights.DERIVED
                for term in derived:
                    local.setdefault(term, dw)
            for term, w in local.items():
                postings[term][doc] = w
        return dict(postings)

    def _question_terms(self, fields: Fields) -> list[list[_QuestionTerm]]:
        """Each phrasing of an entry's question as weighted terms, for reverse coverage."""
        qs: list[list[_QuestionTerm]] = []
        for toks, weight in fields:
            if weight != weights.FIELD_QUESTION:
                continue
            terms: dict[str, _QuestionTerm] = {}
            for t in toks:
                term = stem(t.text)
                parts = t.parts or self._split(t.text)
                terms[term] = _QuestionTerm(term, tuple(stem(p) for p in parts))
            qs.append(list(terms.values()))
        return qs

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
        plural = latin_plural(token.text)
        if plural:  # an entry about a 'Thema' also answers questions about 'Themen'
            derived.append(stem(plural))
        m = PREFIX_RE.match(token.text)
        if m is not None:
            derived.append(stem(token.text[m.end() :]))
        return full, tuple(t for t in dict.fromkeys(derived) if t not in full)

    # -- query

    def _concepts(self, question: str) -> list[_Concept]:
        words: dict[str, Token] = {}
        for tok in tokenise(question[:20_000]):
            words.setdefault(stem(tok.text), tok)
            if len(words) >= _MAX_CONCEPTS:
                break
        stems = list(words)
        asked = frozenset(stems)
        concepts = [self._concept(tok, term, asked) for term, tok in words.items()]
        self._expand_joins(concepts, [tok.text for tok in words.values()])
        self._expand_synonyms(concepts, stems)
        return concepts

    def _concept(self, tok: Token, term: str, asked: frozenset[str]) -> _Concept:
        """One question word with every form the KB may know it by, its weight and certainty.

        ``asked`` holds the stems of the whole question: a synonym that is another word of the
        question ('Ideen vorstellen': 'Idee' ~ 'Vorstellung') would count that word twice.
        """
        c = self._direct_forms(tok, term)
        for cand in self._family(term):
            near = abs(len(cand) - len(term)) <= 1  # 'beantragt' ~ 'beantrag': a participle ending
            c.forms.append(((cand,), weights.FORM_MORPH if not c.known or near else weights.FORM_MORPH_KNOWN))
            if not c.known:
                c.weight, c.known = self._idf[cand], True
        if not c.known:
            self._fallback_forms(c, tok)
        elif weights.KNOWN_THESAURUS > 0:
            self._known_synonyms(c, tok, asked)
        factor = unknown_weight(tok.text) if not c.known else self._noun_factor(c.forms)
        c.weight *= factor
        c.noun = factor >= 1.0
        return c

    def _direct_forms(self, tok: Token, term: str) -> _Concept:
        """The word itself, written together, its compound parts and the words that stand for it."""
        idf, postings = self._idf, self._postings
        c = _Concept(idf.get(term, idf.get(tok.text, self._idf_unknown)), False, [((term,), 1.0)])
        if tok.text != term and tok.text in postings:  # written together where the KB writes apart
            c.forms.append(((tok.text,), weights.FORM_PARTS))
        c.known = term in postings or tok.text in postings
        parts = tok.parts or self._split(tok.text)
        part_stems = tuple(stem(p) for p in parts)
        if part_stems and any(p in postings for p in part_stems):
            c.forms.append((part_stems, weights.FORM_PARTS))
            if not c.known and part_stems[0] in postings:
                c.weight = sum(idf.get(p, self._idf_unknown) for p in part_stems) / len(part_stems)
                c.known = True
                # The first part makes a compound specific: 'Eltern|zeit' is no known topic just
                # because the KB speaks of 'Zeit', while 'Passwort|rücksetzung' is about passwords.
                c.certainty = sum(p in postings for p in part_stems) / len(part_stems)
        for e in tok.extra:
            # 'akte' stands for 'e-akte'; inside a longer word it replaces only its own part, so
            # 'e-government-gesetz' does not fully match an entry that merely says 'government'.
            alt = tuple(e if p != e and p.endswith(e) else p for p in parts) if tok.parts else (e,)
            c.forms.append((tuple(stem(p) for p in alt), weights.FORM_PARTS))
        return c

    def _fallback_forms(self, c: _Concept, tok: Token) -> None:
        """For a word the KB does not use: its other number, without its prefix, a synonym, a typo."""
        idf, postings = self._idf, self._postings
        for other in number_variants(tok.text):  # 'Themen' ~ 'Thema', 'Daten' ~ 'Datum'
            ostem = stem(other)
            if ostem in postings:
                c.forms.append(((ostem,), weights.FORM_MORPH))
                c.weight, c.known = idf[ostem], True
                return
        spoken = colloquial.written(tok.text)  # 'runterladen' -> 'herunterladen'
        if spoken is not None and stem(spoken) in postings:
            c.forms.append(((stem(spoken),), weights.FORM_MORPH))
            c.weight, c.known = idf[stem(spoken)], True
            return
        for pre in PREFIXES:
            rest = tok.text[len(pre) :]
            if tok.text.startswith(pre) and len(rest) >= 5 and stem(rest) in postings:
                c.forms.append(((stem(rest),), weights.FORM_PREFIX))
                c.weight, c.known = idf[stem(rest)], True
                return
        for other in _synonym_terms(tok.text):
            if all(t in postings for t in other):
                c.forms.append((other, weights.FORM_THESAURUS))
                if not c.known:
                    c.known, c.certainty = True, weights.THESAURUS_CERTAINTY
        if c.known:
            return
        for cand, dist in self.typos.lookup(tok.text):
            cstem = stem(cand)
            if cstem in postings:
                c.forms.append(((cstem,), weights.FORM_TYPO[dist]))
                c.weight = idf[cstem]
                c.known = True

    def _known_synonyms(self, c: _Concept, tok: Token, asked: frozenset[str]) -> None:
        """A word the KB knows may stand in the right entry under a synonym ('Kennwort' / 'Passwort')."""
        postings = self._postings
        for other in _synonym_terms(tok.text):
            if asked.isdisjoint(other) and all(t in postings for t in other):
                c.forms.append((other, weights.FORM_THESAURUS * weights.KNOWN_THESAURUS))

    def _noun_factor(self, forms: list[tuple[tuple[str, ...], float]]) -> float:
        """1 for nouns, down to weights.VERB_WEIGHT for words the KB only writes in lower case."""
        for terms, _ in forms:
            if len(terms) > 1:
                return 1.0  # a compound split into known parts is a noun
            share = self._noun_share.get(terms[0])
            if share is not None:
                return weights.VERB_WEIGHT + (1.0 - weights.VERB_WEIGHT) * share
        return 1.0

    def _expand_joins(self, concepts: list[_Concept], texts: list[str]) -> None:
        """'Stakeholder Analyse' also looks for 'Stakeholderanalyse' (and the other way round, at build)."""
        for i in range(len(texts) - 1):
            for j in range(i + 2, min(len(texts), i + 3) + 1):
                term = "".join(texts[i:j])
                if term in self._postings:
                    for c in concepts[i:j]:
                        c.forms.append(((term,), weights.FORM_PARTS))
                        if not c.known:
                            c.known, c.weight = True, self._idf[term]

    def _family(self, term: str) -> list[str]:
        """Known stems sharing a long prefix with ``term`` (Snowball leaves verb endings alone)."""
        if len(term) < 5:
            return []
        known = term in self._postings
        out: list[tuple[int, int, str]] = []
        size = len(term)
        for cand in self._families.get(term[:5], ()):
            lo, hi = (len(cand), size) if len(cand) < size else (size, len(cand))
            # the length tests first: they reject most of a family without comparing characters
            if known:  # only an inflection away: one is the other plus at most three letters
                if hi - lo <= 3 and cand != term and (term.startswith(cand) or cand.startswith(term)):
                    out.append((-lo, hi - lo, cand))
                continue
            if lo < 6 or hi - lo > 5 or cand == term:  # hi - lcp <= 5 needs hi - lo <= 5
                continue
            lcp = 5
            while lcp < lo and cand[lcp] == term[lcp]:
                lcp += 1
            if lcp >= max(5, 0.6 * lo) and hi - lcp <= 5:
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
                            c.forms.append((other, weights.FORM_SYNONYM))
                            if not c.known and any(t in self._postings for t in other):
                                c.known = True
                                c.weight = max(self._idf.get(t, 0.0) for t in other)

    def _score_all(self, question: str) -> tuple[list[tuple[int, float, float, float, float, int]], float]:
        """Candidates as (doc, rank, coverage, reverse, topic, agree), and the known share of the question."""
        concepts = self._concepts(question)
        if not concepts:
            return [], 0.0
        idf, unknown = self._idf, self._idf_unknown
        total = sum(c.weight for c in concepts) or 1.0
        coverage: dict[int, float] = defaultdict(float)
        topic: dict[int, float] = defaultdict(float)  # coverage of the question's nouns only
        nouns = sum(c.weight for c in concepts if c.noun)
        query_terms: set[str] = set()
        for c in concepts:
            best: dict[int, float] = {}
            for terms, fweight in c.forms:
                query_terms.update(terms)
                norm = sum(idf.get(t, unknown * weights.UNKNOWN_PART) for t in terms) or 1.0
                scale = fweight / norm
                hits = self._hits.form(terms)
                if not best:  # the concept's first form with hits: nothing to compare against yet
                    best = {doc: s for doc, v in hits.items() if (s := v * scale) > 0.0}
                    continue
                for doc, v in hits.items():
                    v *= scale
                    if v > best.get(doc, 0.0):
                        best[doc] = v
            weight = c.weight
            for doc, v in best.items():
                coverage[doc] += weight * v
            if c.noun:
                for doc, v in best.items():
                    topic[doc] += weight * v
        if not coverage:
            return [], 0.0
        known = sum(c.weight * c.certainty for c in concepts if c.known) / total
        # Ties broken by KB order, so the same question always gets the same answer.
        shortlist = _leaders(coverage, 30)
        out = []
        asked = intent(question)
        for doc, cov in shortlist:
            cov /= total
            rev = self._reverse(doc, query_terms)
            # Coverage decides; reverse coverage only breaks near-ties in favour of the entry whose
            # own question is about what was asked (so 'Open Data' prefers 'Was bedeutet Open Data?').
            rank = cov * (0.75 + 0.25 * rev)
            if asked is not None and asked in self._intents[doc]:
                rank *= 1.0 + weights.INTENT_BONUS  # on a near-tie, 'Wo …?' prefers an entry asking 'Wo …?'
            out.append((doc, rank, cov, rev, topic[doc] / nouns if nouns else 1.0))
        return self._second_opinions(question, out), known

    def _second_opinions(
        self, question: str, out: list[tuple[int, float, float, float, float]]
    ) -> list[tuple[int, float, float, float, float, int]]:
        """Fuse the character n-gram view into the rank and count which views agree on each entry.

        Each entry's rank gains ``weights.CHAR_FUSION`` times the shortlist's best rank, scaled by
        its n-gram similarity relative to the best one: a relative blend, so it means the same on
        any KB. ``agree`` counts the other views (n-grams, BM25) that put this entry first.
        """
        out.sort(key=lambda r: (-r[1], r[0]))
        # Only the leaders can change places: an entry below (1 - CHAR_FUSION) of the best rank
        # cannot overtake it, and the views' agreement matters for the top entry only.
        docs = [r[0] for r in out[: weights.OPINION_SHORTLIST]]
        chars = self._opinions.char_scores(question, docs)
        lexical = self._opinions.bm25_scores(question, docs)
        top_rank = out[0][1]
        top_char = max(chars) or 1.0
        # ties go to the concept engine's order, which is the shortlist's order
        char_first = docs[chars.index(max(chars))] if max(chars) > 0 else -1
        bm25_first = docs[lexical.index(max(lexical))] if max(lexical) > 0 else -1
        fused = []
        for i, (doc, rank, cov, rev, topic) in enumerate(out):
            if i < len(chars):
                rank += weights.CHAR_FUSION * top_rank * chars[i] / top_char
            agree = (doc == char_first) + (doc == bm25_first)
            fused.append((doc, rank, cov, rev, topic, agree))
        fused.sort(key=lambda r: (-r[1], r[0]))
        return fused

    def _reverse(self, doc: int, query_terms: set[str]) -> float:
        """Share of the entry's own question that the user asked about (best phrasing)."""
        best = 0.0
        for norm, terms in self._weighted.of(doc):
            hit = 0.0
            for term, w, parts in terms:
                if term in query_terms:
                    hit += w
                elif parts:
                    share = sum([p in query_terms for p in parts]) / len(parts)
                    hit += w * share * weights.DERIVED
            best = max(best, hit / norm)
        return best

    def search(self, question: str, k: int = 3) -> list[Match]:
        """Top ``k`` entries with calibrated scores in [0, 1], best first."""
        scored, known = self._score_all(question)
        if not scored:
            return []
        matches: list[Match] = []
        top = scored[: max(k, 1) + 1]
        for i, (doc, rank, cov, rev, topic, agree) in enumerate(top):
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
                "agree": float(agree),
            }
            matches.append(Match(self.entries[doc], score, feats))
        # Order by retrieval score; a runner-up never shows a higher confidence than the one above it.
        for i in range(1, len(matches)):
            if matches[i].score > matches[i - 1].score:
                matches[i] = Match(matches[i].entry, matches[i - 1].score, matches[i].features)
        return matches[:k]

    def decide(self, question: str, k: int = 3) -> Decision:
        matches = tuple(self.search(question, k=max(k, 3)))
        if self._mismatches and matches:
            matches = self._weakened(question, matches)
        return decide(matches, self.thresholds, k, verify.checker(self, question))

    # -- learning from use

    def add_phrasing(self, entry_id: str, text: str) -> bool:
        """Teach the entry the words of ``text`` that the KB does not use yet (cheap: only they change).

        Only new vocabulary is learned ('verschwitzt', 'Kopierer', 'Perso'), at question-field weight
        ``weights.FIELD_LEARNED``; words the KB already uses keep their entries, and the learned text does not
        count as the entry's own question for reverse coverage: on the dev sets both made a learned
        phrasing pull other questions to the wrong entry (docs/faq-eval.md). The compound and spelling
        vocabularies stay the KB's own, so a Lotse's typo never becomes a known word.
        """
        doc = self._doc_of.get(entry_id)
        toks = tokenise(text[:1000])
        if doc is None or not toks:
            return False
        local: dict[str, float] = {}
        derived: set[str] = joined(toks)
        for t in set(toks):
            full, more = self._doc_terms(t)
            local[full[0]] = weights.FIELD_LEARNED
            derived.update(more)
        for term in derived:
            local.setdefault(term, weights.FIELD_LEARNED * weights.DERIVED)
        n = max(1, len(self.entries))
        self._weighted.clear()
        self._hits.clear()
        for term, weight in local.items():
            if term in self._postings:
                continue  # a word the KB already uses: learning it for this entry misled more than helped
            self._postings[term] = {doc: weight}
            if len(term) >= 5:
                self._families[term[:5]].append(term)
            self._idf[term] = math.log(1.0 + (n - 1 + 0.5) / (1 + 0.5))
        asked = intent(text)
        if asked is not None:
            self._intents[doc].add(asked)
        return True

    def add_mismatch(self, entry_id: str, text: str, count: int = 1) -> bool:
        """A 👎 on this entry as the answer to ``text``: similar questions score lower for it."""
        doc = self._doc_of.get(entry_id)
        stems = frozenset(analyse(text[:1000]))
        if doc is None or not stems or count < 1:
            return False
        self._mismatches.setdefault(doc, []).append((stems, count))
        return True

    def _weakened(self, question: str, matches: tuple[Match, ...]) -> tuple[Match, ...]:
        asked = frozenset(analyse(question[:20_000]))
        out = []
        for m in matches:
            factor = 1.0
            for stems, count in self._mismatches.get(self._doc_of[m.entry.id], ()):
                if self._similarity(asked, stems) >= weights.MISMATCH_SIMILAR:
                    factor *= weights.MISMATCH_FACTOR ** min(count, 3)
            if factor == 1.0:
                out.append(m)
            else:  # a 👎'd pairing: agreeing views must not make it an answer again (decision._agreed)
                out.append(Match(m.entry, m.score * factor, {**m.features, "agree": 0.0}))
        return tuple(sorted(out, key=lambda m: -m.score))

    def _similarity(self, a: frozenset[str], b: frozenset[str]) -> float:
        """Idf-weighted share of the stems two questions have in common (Jaccard)."""
        idf, unknown = self._idf, self._idf_unknown
        union = sum(idf.get(t, unknown) for t in a | b)
        return sum(idf.get(t, unknown) for t in a & b) / union if union else 0.0
