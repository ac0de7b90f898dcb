"""Judging a trained coder on the held-out period (reports on or after ``HELD_OUT_START``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskcabinet.autocode.calibration import coverage_and_accuracy, reliability
from riskcabinet.autocode.coder import NarrativeCoder
from riskcabinet.autocode.dataset import held_out_part, load_reports, training_part
from riskcabinet.autocode.labels import FIELDS, group_of

LEVELS = ("group", "code")


def _majority_accuracy(train_labels: pd.Series, test_labels: np.ndarray) -> float:
    majority = train_labels.value_counts().idxmax()
    return float(np.mean(test_labels == majority))


def evaluate_coder(coder: NarrativeCoder, reports: pd.DataFrame | None = None) -> dict:
    """Per field and level: accuracy, majority baseline, auto-accept coverage and accuracy."""
    reports = load_reports() if reports is None else reports
    training = training_part(reports)
    held_out = held_out_part(reports)
    probabilities = coder.probabilities(held_out["narrative"].tolist())
    figures: dict = {
        "held_out_reports": len(held_out),
        "held_out_dates": [
            held_out["event_date"].min().isoformat(),
            held_out["event_date"].max().isoformat(),
        ],
        "fields": {},
    }
    for field in FIELDS:
        model = coder.models[field]
        labelled = held_out[field].notna().to_numpy()
        truth_code = held_out[field].to_numpy()[labelled]
        truth_group = np.array([group_of(c) for c in truth_code], dtype=object)
        group_p = probabilities[field]["group"][labelled]
        code_p = probabilities[field]["code"][labelled]
        group_confidence = group_p.max(axis=1)
        threshold = coder.thresholds[field]
        ranked = np.argsort(-code_p, axis=1)[:, :3]
        predicted = {
            "group": model.groups[group_p.argmax(axis=1)],
            "code": model.codes[ranked[:, 0]],
        }
        truth = {"group": truth_group, "code": truth_code}
        train_labels = training[field].dropna()
        baseline_labels = {"group": train_labels.map(group_of), "code": train_labels}
        field_figures = {
            "reports": int(labelled.sum()),
            "dropped_unmatched_titles": int((~labelled).sum()),
            "auto_accept_threshold": round(threshold, 4),
        }
        for level in LEVELS:
            correct = predicted[level] == truth[level]
            confidence = group_confidence if level == "group" else code_p.max(axis=1)
            coverage, accepted_accuracy = coverage_and_accuracy(
                group_confidence, correct, threshold
            )
            level_figures = {
                "accuracy": round(float(correct.mean()), 4),
                "majority_baseline": round(
                    _majority_accuracy(baseline_labels[level], truth[level]), 4
                ),
                "auto_accept_coverage": round(coverage, 4),
                "auto_accept_accuracy": (
                    None if accepted_accuracy is None else round(accepted_accuracy, 4)
                ),
                "reliability": reliability(confidence, correct),
            }
            if level == "code":
                top3 = (model.codes[ranked] == truth_code[:, None]).any(axis=1)
                level_figures["top3_accuracy"] = round(float(top3.mean()), 4)
            field_figures[level] = level_figures
        figures["fields"][field] = field_figures
    return figures


def format_table(figures: dict) -> str:
    """A plain-text table of ``evaluate_coder`` figures, with the reliability of each group."""
    lines = [
        f"Held-out period {figures['held_out_dates'][0]} to {figures['held_out_dates'][1]}, "
        f"{figures['held_out_reports']} reports",
        "",
        f"{'field':<8}{'level':<7}{'accuracy':>9}{'majority':>9}{'top-3':>7}"
        f"{'threshold':>10}{'coverage':>9}{'acc@auto':>9}{'ECE':>7}",
    ]
    for field, data in figures["fields"].items():
        for level in LEVELS:
            row = data[level]
            top3 = row.get("top3_accuracy")
            accepted = row["auto_accept_accuracy"]
            lines.append(
                f"{field:<8}{level:<7}{row['accuracy']:>9.1%}{row['majority_baseline']:>9.1%}"
                f"{'' if top3 is None else format(top3, '.1%'):>7}"
                f"{data['auto_accept_threshold']:>10.3f}{row['auto_accept_coverage']:>9.1%}"
                f"{'-' if accepted is None else format(accepted, '.1%'):>9}"
                f"{row['reliability']['ece']:>7.3f}"
            )
    lines.append("")
    lines.append("Reliability of the 2-digit group probability (bin: reports, mean p, accuracy)")
    for field, data in figures["fields"].items():
        cells = [
            f"{b['low']:.1f}-{b['high']:.1f}: {b['count']}, "
            f"{b['mean_probability']:.2f}, {b['accuracy']:.2f}"
            for b in data["group"]["reliability"]["bins"]
        ]
        lines.append(f"{field}:")
        lines.extend(f"  {cell}" for cell in cells)
    dropped = ", ".join(
        f"{f} {d['dropped_unmatched_titles']}" for f, d in figures["fields"].items()
    )
    lines.append(f"Held-out reports dropped for an unmatched OIICS title: {dropped}")
    return "\n".join(lines)
