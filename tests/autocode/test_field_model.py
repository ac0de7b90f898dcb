"""One field's two-level model, with and without the stacker on its group scores."""

import numpy as np
import pytest
import scipy.sparse as sp

from riskcabinet.autocode.field_model import FieldModel


def synthetic(groups: list[str], per_group: int = 40, seed: int = 3):
    """Reports whose features point at their group, with noise; codes are group + '1'/'2'."""
    rng = np.random.default_rng(seed)
    rows, codes = [], []
    width = 4 * len(groups)
    for index, group in enumerate(groups):
        for n in range(per_group):
            row = rng.random(width) * 0.3
            row[4 * index : 4 * index + 4] += 1.0
            row[4 * index + (n % 2)] += 0.5  # which of the group's two codes
            rows.append(row)
            codes.append(f"{group}{1 + n % 2}")
    return sp.csr_matrix(np.array(rows, dtype=np.float32)), np.array(codes, dtype=object)


@pytest.mark.parametrize("groups", [["42", "62", "64"], ["42", "62"]])
def test_the_stacker_keeps_probabilities_whole_and_agrees_with_the_training_labels(groups):
    features, codes = synthetic(groups)
    weights = np.ones(len(codes))
    plain = FieldModel().fit(features, codes, weights)
    stacked = FieldModel(stack_c=1.0).fit(features, codes, weights)

    assert plain._stack is None
    assert stacked._stack is not None
    for model in (plain, stacked):
        group_p, code_p = model.probabilities(features)
        assert group_p.shape == (len(codes), len(groups))
        np.testing.assert_allclose(group_p.sum(axis=1), 1.0, rtol=1e-5)
        predicted = model.groups[group_p.argmax(axis=1)]
        truth = np.array([code[:2] for code in codes], dtype=object)
        assert (predicted == truth).mean() > 0.95


def test_a_group_missing_from_a_fold_leaves_the_stacker_finite():
    features, codes = synthetic(["42", "62", "64"])
    # One report of a fourth group: two of the three folds train without it, and their SVMs
    # give it the most negative float, which the stacker must not learn from.
    extra = sp.csr_matrix(np.ones((1, features.shape[1]), dtype=np.float32))
    features = sp.vstack([features, extra], format="csr")
    codes = np.append(codes, "7111")
    model = FieldModel(stack_c=1.0).fit(features, codes, np.ones(len(codes)))

    coef, intercept = model._stack
    assert np.isfinite(coef).all()
    assert np.isfinite(intercept).all()
    # Unclipped, those scores flatten the stacker to zero weights: a third right on new reports.
    fresh, fresh_codes = synthetic(["42", "62", "64"], seed=9)
    group_p, _ = model.probabilities(fresh)
    truth = np.array([code[:2] for code in fresh_codes], dtype=object)
    assert (model.groups[group_p.argmax(axis=1)] == truth).mean() > 0.95
    assert np.isfinite(model.group_scores(fresh)).all()
