"""Text features: word 1-2-grams and character 2-5-grams of the cleaned narrative.

Word n-grams carry the vocabulary of injuries ("caught between", "fell from"); character
n-grams inside word boundaries tolerate the misspellings and run-together words officers type.
Both use sublinear term frequency, so a word repeated in a long report does not dominate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from riskcabinet.autocode.text import clean_narrative, english_words

VOCABULARY_MIN_REPORTS = 3


class NarrativeFeatures:
    def __init__(self) -> None:
        self.words = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_df=0.9, dtype=np.float32
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            sublinear_tf=True,
            min_df=3,
            max_df=0.9,
            dtype=np.float32,
        )
        self.vocabulary: frozenset[str] = frozenset()

    def fit(self, narratives: Sequence[str]) -> NarrativeFeatures:
        cleaned = [clean_narrative(t) for t in narratives]
        self.words.fit(cleaned)
        self.chars.fit(cleaned)
        seen = Counter()
        for text in narratives:
            seen.update(set(english_words(text)))
        self.vocabulary = frozenset(w for w, n in seen.items() if n >= VOCABULARY_MIN_REPORTS)
        return self

    def transform(self, narratives: Sequence[str]) -> sp.csr_matrix:
        cleaned = [clean_narrative(t) for t in narratives]
        return sp.hstack(
            [self.words.transform(cleaned), self.chars.transform(cleaned)], format="csr"
        )
