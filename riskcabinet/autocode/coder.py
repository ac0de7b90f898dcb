"""The trained narrative coder: features, one model per field, thresholds, and suggestions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from riskcabinet.autocode.features import NarrativeFeatures
from riskcabinet.autocode.field_model import FieldModel
from riskcabinet.autocode.labels import FIELDS, codebook
from riskcabinet.autocode.text import readability

TOP_CODES = 3
# Below this readability a narrative gets low-confidence suggestions only (see ``text.py``).
READABLE = 0.6
# The most a low-readability narrative's best group may be given, and never within this margin
# of the auto-accept threshold.
LOW_CONFIDENCE_CAP = 0.4
THRESHOLD_MARGIN = 0.05


def _shrink_to_cap(probability: np.ndarray, cap: float) -> np.ndarray:
    """Mix a distribution with the uniform one until its largest value is at most ``cap``."""
    uniform = 1.0 / len(probability)
    top = probability.max()
    if top <= cap or top <= uniform:
        return probability
    mix = max(0.0, (cap - uniform) / (top - uniform))
    return mix * probability + (1.0 - mix) * uniform


class NarrativeCoder:
    def __init__(
        self,
        features: NarrativeFeatures,
        models: dict[str, FieldModel],
        thresholds: dict[str, float],
    ) -> None:
        self.features = features
        self.models = models
        self.thresholds = thresholds

    def probabilities(self, narratives: Sequence[str]) -> dict[str, dict[str, np.ndarray]]:
        """Per field: calibrated group and full-code probabilities, after the readability cap."""
        texts = ["" if t is None else str(t) for t in narratives]
        matrix = self.features.transform(texts)
        readable = np.array([readability(t, self.features.vocabulary) for t in texts])
        out = {}
        for field in FIELDS:
            model = self.models[field]
            group_p, conditional = model.probabilities(matrix)
            cap = min(LOW_CONFIDENCE_CAP, self.thresholds[field] - THRESHOLD_MARGIN)
            for row in np.nonzero(readable < READABLE)[0]:
                group_p[row] = _shrink_to_cap(group_p[row], cap)
            code_p = group_p[:, model.code_group] * conditional
            out[field] = {"group": group_p, "code": code_p}
        return out

    def suggest_many(self, narratives: Sequence[str]) -> list[dict]:
        probabilities = self.probabilities(narratives)
        suggestions: list[dict] = [{} for _ in narratives]
        for field in FIELDS:
            model = self.models[field]
            book = codebook(field)
            group_p = probabilities[field]["group"]
            code_p = probabilities[field]["code"]
            for row, suggestion in enumerate(suggestions):
                best_group = int(np.argmax(group_p[row]))
                group_code = str(model.groups[best_group])
                group_probability = float(group_p[row, best_group])
                top = np.argsort(-code_p[row], kind="stable")[:TOP_CODES]
                suggestion[field] = {
                    "group": {
                        "code": group_code,
                        "title": book.title(group_code),
                        "probability": round(group_probability, 4),
                    },
                    "top": [
                        {
                            "code": str(model.codes[i]),
                            "title": book.title(str(model.codes[i])),
                            "probability": round(float(code_p[row, i]), 4),
                        }
                        for i in top
                    ],
                    "auto_accept": group_probability >= self.thresholds[field],
                }
        return suggestions
