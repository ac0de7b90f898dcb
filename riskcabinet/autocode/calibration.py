"""Turning linear scores into calibrated probabilities, and judging how well that worked.

Linear SVM scores are sharp but not probabilities. A softmax with one fitted temperature per
model (fitted on the validation slice of the training period) turns them into probabilities
whose stated confidence matches observed accuracy; ``reliability`` measures that match.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

RELIABILITY_BINS = 10


def softmax(scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = scores * temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature that minimises the negative log-likelihood of ``truth``.

    ``truth`` holds column indices into ``scores``.
    """
    if len(truth) == 0:
        return 1.0
    rows = np.arange(len(truth))

    def nll(temperature: float) -> float:
        scaled = scores * temperature
        scaled = scaled - scaled.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scaled).sum(axis=1))
        return float(np.mean(log_norm - scaled[rows, truth]))

    result = minimize_scalar(nll, bounds=(0.05, 100.0), method="bounded")
    return float(result.x)


def reliability(confidence: np.ndarray, correct: np.ndarray) -> dict:
    """Expected calibration error and a reliability table in ten equal-width bins."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=bool)
    edges = np.linspace(0.0, 1.0, RELIABILITY_BINS + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, RELIABILITY_BINS - 1)
    bins = []
    ece = 0.0
    for b in range(RELIABILITY_BINS):
        members = which == b
        count = int(members.sum())
        if count == 0:
            continue
        mean_conf = float(confidence[members].mean())
        accuracy = float(correct[members].mean())
        ece += count / len(confidence) * abs(mean_conf - accuracy)
        bins.append(
            {
                "low": round(float(edges[b]), 2),
                "high": round(float(edges[b + 1]), 2),
                "count": count,
                "mean_probability": round(mean_conf, 4),
                "accuracy": round(accuracy, 4),
            }
        )
    return {"ece": round(float(ece), 4), "bins": bins}


def choose_threshold(confidence: np.ndarray, correct: np.ndarray, target_accuracy: float) -> float:
    """The lowest probability above which accepted suggestions are at least ``target_accuracy``.

    The cases are sorted by confidence; the threshold is the confidence of the last case in the
    longest most-confident prefix whose accuracy still meets the target. With no such prefix the
    threshold is 1.0, which accepts nothing.
    """
    order = np.argsort(-np.asarray(confidence))
    sorted_conf = np.asarray(confidence)[order]
    hits = np.cumsum(np.asarray(correct, dtype=float)[order])
    counts = np.arange(1, len(order) + 1)
    meets = np.nonzero(hits / counts >= target_accuracy)[0]
    # A prefix of a handful of cases says little; require at least twenty.
    meets = meets[meets >= 19]
    if len(meets) == 0:
        return 1.0
    last = meets[-1]
    # Ties at the boundary would accept cases beyond the prefix; step just above them.
    threshold = float(sorted_conf[last])
    if last + 1 < len(sorted_conf) and sorted_conf[last + 1] == threshold:
        threshold = float(np.nextafter(threshold, 1.0))
    return threshold


def coverage_and_accuracy(
    confidence: np.ndarray, correct: np.ndarray, threshold: float
) -> tuple[float, float | None]:
    accepted = np.asarray(confidence) >= threshold
    coverage = float(accepted.mean()) if len(accepted) else 0.0
    accuracy = float(np.asarray(correct)[accepted].mean()) if accepted.any() else None
    return coverage, accuracy
