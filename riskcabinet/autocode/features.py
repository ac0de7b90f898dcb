"""Text features: word 1-2-grams, character 3-5-grams and rule cues of the cleaned narrative.

Word n-grams carry the vocabulary of injuries ("caught between", "fell from"); character
n-grams inside word boundaries tolerate the misspellings and run-together words officers type.
Both use sublinear term frequency, so a word repeated in a long report does not dominate.
Rule cues (``cues.py``) add what a bag of words cannot see: how many body regions and injury
kinds a report names, which of them the injury clause is about, and which event comes first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from riskcabinet.autocode.cues import cue_matrix
from riskcabinet.autocode.text import clean_narrative, english_words

VOCABULARY_MIN_REPORTS = 3
# Character 2-grams add non-zeros and time but no accuracy on the held-out period. The cap keeps
# the model small if corrections ever bring many new spellings; the OSHA reports give 24,354.
CHAR_FEATURES = 30_000
# Each cue column's value; the TF-IDF rows have unit length, so this sets the cues' say.
CUE_WEIGHT = 0.3


class NarrativeFeatures:
    def __init__(self) -> None:
        self.words = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_df=0.9, dtype=np.float32
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            sublinear_tf=True,
            min_df=3,
            max_df=0.9,
            max_features=CHAR_FEATURES,
            dtype=np.float32,
        )
        self.vocabulary: frozenset[str] = frozenset()

    def fit(self, narratives: Sequence[str]) -> NarrativeFeatures:
        self.fit_transform(narratives)
        return self

    def fit_transform(self, narratives: Sequence[str]) -> sp.csr_matrix:
        """Learn the vocabularies and return the features of the same narratives, cleaning and
        counting each narrative once rather than once to fit and again to transform."""
        cleaned = [clean_narrative(t) for t in narratives]
        seen = Counter()
        for text in narratives:
            seen.update(set(english_words(text)))
        self.vocabulary = frozenset(w for w, n in seen.items() if n >= VOCABULARY_MIN_REPORTS)
        return self._stack(
            self.words.fit_transform(cleaned), self.chars.fit_transform(cleaned), cleaned
        )

    def transform(self, narratives: Sequence[str]) -> sp.csr_matrix:
        cleaned = [clean_narrative(t) for t in narratives]
        return self._stack(self.words.transform(cleaned), self.chars.transform(cleaned), cleaned)

    @staticmethod
    def _stack(words: sp.spmatrix, chars: sp.spmatrix, cleaned: list[str]) -> sp.csr_matrix:
        return sp.hstack([words, chars, cue_matrix(cleaned, CUE_WEIGHT)], format="csr")
