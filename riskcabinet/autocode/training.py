"""Training the coder: features, per-field models, calibration and auto-accept thresholds.

Two fits. The first learns from the training period up to ``VALIDATION_START`` and is judged
on the rest of the training period (the validation slice): that fixes the softmax
temperatures and the auto-accept thresholds. The second refits on the whole training period
with the same settings and keeps them. The held-out period is never read here.
"""

from __future__ import annotations

import sys
import time
import warnings
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import sklearn
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning

from riskcabinet.autocode.calibration import (
    choose_threshold,
    coverage_and_accuracy,
    reliability,
)
from riskcabinet.autocode.coder import NarrativeCoder
from riskcabinet.autocode.corrections import (
    CORRECTION_WEIGHT,
    Correction,
    corrections_fingerprint,
    corrections_frame,
)
from riskcabinet.autocode.dataset import (
    HELD_OUT_START,
    OSHA_CSV,
    VALIDATION_START,
    file_sha256,
    load_reports,
    training_part,
)
from riskcabinet.autocode.features import NarrativeFeatures
from riskcabinet.autocode.field_model import FieldModel
from riskcabinet.autocode.labels import FIELDS, group_of

# 2: rule-cue features and character 3-5-grams. 3: stacked group scores for event and part.
MODEL_VERSION = 4
# Per field, the stacker's inverse regularisation (``field_model.py``), chosen on the validation
# slice; a field not listed has none.
STACK_C = {"event": 1.0, "part": 1.0}
# Accepted suggestions must be right at least this often on the validation slice.
TARGET_ACCURACY = 0.95


def _fit_field(field: str, features, codes: np.ndarray, weights: np.ndarray) -> FieldModel:
    return FieldModel(stack_c=STACK_C.get(field)).fit(features, codes, weights)


def _fit_fields(matrix, frame: pd.DataFrame, weights: np.ndarray) -> dict[str, FieldModel]:
    jobs = []
    for field in FIELDS:
        labelled = frame[field].notna().to_numpy()
        jobs.append(
            delayed(_fit_field)(
                field, matrix[labelled], frame[field].to_numpy()[labelled], weights[labelled]
            )
        )
    # liblinear releases the GIL, so threads use both cores without copying the matrix. Warning
    # filters are process-wide, so the stackers' expected warnings (see ``field_model.py``) are
    # silenced around both threads here rather than only inside each one.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = Parallel(n_jobs=2, prefer="threads")(jobs)
    return dict(zip(FIELDS, fitted, strict=True))


def train_coder(
    reports: pd.DataFrame | None = None,
    corrections: list[Correction] | None = None,
    log=None,
) -> tuple[NarrativeCoder, dict]:
    """Train on the training period (plus corrections); return the coder and its metadata."""
    started = time.perf_counter()
    say = log or (lambda message: print(message, file=sys.stderr))
    reports = load_reports() if reports is None else reports
    training = training_part(reports)
    extra = corrections_frame(corrections or [])
    frame = pd.concat([training.drop(columns="event_date"), extra], ignore_index=True)
    weights = np.concatenate(
        [np.ones(len(training)), np.full(len(extra), CORRECTION_WEIGHT)]
    ).astype(float)
    in_validation = np.concatenate(
        [(training["event_date"] >= VALIDATION_START).to_numpy(), np.zeros(len(extra), bool)]
    )

    features = NarrativeFeatures()
    matrix = features.fit_transform(frame["narrative"].tolist())
    say(f"features: {matrix.shape[1]} columns from {matrix.shape[0]} narratives")

    early = ~in_validation
    # Two rounds of fitting, each a minute or so on two free cores: say so, or a first
    # `make run` looks stuck.
    say("fitting event, nature and part on the reports before the validation slice...")
    models = _fit_fields(matrix[early], frame[early].reset_index(drop=True), weights[early])
    validation = frame[in_validation].reset_index(drop=True)
    validation_matrix = matrix[in_validation]
    thresholds, validation_figures = {}, {}
    for field, model in models.items():
        labelled = validation[field].notna().to_numpy()
        codes = validation[field].to_numpy()[labelled]
        model.calibrate(validation_matrix[labelled], codes)
        group_p, _ = model.probabilities(validation_matrix[labelled])
        predicted = model.groups[group_p.argmax(axis=1)]
        correct = predicted == np.array([group_of(c) for c in codes], dtype=object)
        confidence = group_p.max(axis=1)
        thresholds[field] = choose_threshold(confidence, correct, TARGET_ACCURACY)
        coverage, accepted_accuracy = coverage_and_accuracy(confidence, correct, thresholds[field])
        validation_figures[field] = {
            "reports": int(labelled.sum()),
            "group_accuracy": round(float(correct.mean()), 4),
            "group_temperature": round(model.group_temperature, 4),
            "code_temperature": round(model.code_temperature, 4),
            "auto_accept_threshold": round(thresholds[field], 4),
            "auto_accept_coverage": round(coverage, 4),
            "auto_accept_accuracy": accepted_accuracy,
            "ece": reliability(confidence, correct)["ece"],
        }
        say(f"validation {field}: {validation_figures[field]}")

    say("fitting again on the whole training period...")
    final = _fit_fields(matrix, frame, weights)
    for field, model in final.items():
        model.group_temperature = models[field].group_temperature
        model.code_temperature = models[field].code_temperature
    coder = NarrativeCoder(features=features, models=final, thresholds=thresholds)

    dates = training["event_date"]
    metadata = {
        "model_version": MODEL_VERSION,
        "sklearn_version": sklearn.__version__,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_dates": [dates.min().isoformat(), dates.max().isoformat()],
        "validation_start": VALIDATION_START.isoformat(),
        "held_out_start": HELD_OUT_START.isoformat(),
        "data_file": OSHA_CSV.name,
        "data_sha256": file_sha256(OSHA_CSV),
        "training_reports": {f: int(training[f].notna().sum()) for f in FIELDS},
        "dropped_unmatched_titles": {f: int(training[f].isna().sum()) for f in FIELDS},
        "corrections": len(extra),
        "corrections_sha256": corrections_fingerprint(corrections or []),
        "correction_weight": CORRECTION_WEIGHT,
        "auto_accept_thresholds": {f: round(t, 4) for f, t in thresholds.items()},
        "validation": validation_figures,
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    return coder, metadata
