import numpy as np

from riskcabinet.autocode.calibration import choose_threshold, fit_temperature, softmax
from riskcabinet.autocode.evaluation import evaluate_coder


def test_it_recovers_a_known_temperature():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(4000, 5))
    probabilities = softmax(scores, 2.5)
    truth = np.array([rng.choice(5, p=p) for p in probabilities])

    assert abs(fit_temperature(scores, truth) - 2.5) < 0.3


def test_the_threshold_accepts_only_a_prefix_that_meets_the_target():
    confidence = np.linspace(1.0, 0.0, 100)
    correct = np.arange(100) < 60

    threshold = choose_threshold(confidence, correct, target_accuracy=0.95)

    accepted = confidence >= threshold
    assert correct[accepted].mean() >= 0.95
    assert accepted.sum() >= 60


def test_its_probabilities_match_observed_accuracy(coder, sample_reports):
    figures = evaluate_coder(coder, sample_reports)

    for field, data in figures["fields"].items():
        assert data["group"]["reliability"]["ece"] < 0.08, field
        assert data["group"]["accuracy"] > 2 * data["group"]["majority_baseline"], field
