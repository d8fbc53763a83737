"""The retrieval engine's weights in one place: fields, word forms, and learning from use.

Chosen on the dev sets only (docs/faq-eval.md); a change here must leave the held-out figures no worse.
"""

from __future__ import annotations

INTENT_BONUS = 0.2  # same kind of question (how/what/where/...): decides between entries on one topic
FIELD_QUESTION = 1.0
FIELD_TAG = 0.85
FIELD_ANSWER = 0.5
#: a phrasing learned from use (a choice, a coordinator's assignment): a question field, a little weaker
FIELD_LEARNED = 0.9
#: a question this similar (idf-weighted share of shared stems) to one that got a 👎 for an entry ...
MISMATCH_SIMILAR = 0.6
#: ... scores this much lower for that entry, per 👎 (so it is offered rather than answered)
MISMATCH_FACTOR = 0.6
DERIVED = 0.85  # compound parts and de-prefixed verbs found inside an entry
FORM_PARTS = 0.9
FORM_SYNONYM = 0.9
FORM_THESAURUS = 0.75  # a general German synonym (OpenThesaurus): right more often than not, not always
THESAURUS_CERTAINTY = 0.5  # ... so a question known only through synonyms is half known
#: a word the KB does use may still stand in another entry under a synonym ('Kennwort' where the
#: entry says 'Passwort'): its synonyms count this share of FORM_THESAURUS. Dev: 0.5 raised top-1 on
#: both dev sets by one question each (0.3, 0.65 and 1.0 no better)
KNOWN_THESAURUS = 0.5
FORM_TYPO = {1: 0.8, 2: 0.65}
FORM_MORPH = 0.75  # same word family, different ending: 'genehmigt' ~ 'Genehmigung'
FORM_MORPH_KNOWN = 0.55  # ... when the word itself occurs in the KB, trust the exact form more
FORM_PREFIX = 0.7  # verb without its prefix: 'anschauen' ~ 'nachschauen'
UNKNOWN_PART = 0.5  # share of weight for compound parts the KB never uses
#: weight of a question word the KB only ever writes in lower case (a verb or adjective such as
#: 'beantragen', 'passiert', 'neu') relative to a noun: the topic of a question is its nouns, so a
#: rare verb should not outweigh them ('Reisekostenerstattung beantragen')
VERB_WEIGHT = 0.6
#: share of the best concept rank that the character n-gram view adds to an entry as similar as the
#: shortlist's most similar one (commands/faq/signals.py); chosen on the dev sets, where 0.2 raised top-1
#: on it-servicedesk from 85.5 to 88.4 % and kept sample at 95.1 % (0.5 and more cost sample top-1)
CHAR_FUSION = 0.2
#: how many of the concept engine's best entries the second opinions score (cost per question)
OPINION_SHORTLIST = 7
