"""A small coder trained once per test session, without and with officers' corrections.

Training on every eighth report keeps the session fast; the full shipped model is checked
separately in ``test_shipped_model.py``.
"""

import pytest

from riskcabinet.autocode.corrections import Correction
from riskcabinet.autocode.dataset import load_reports
from riskcabinet.autocode.store import save_model
from riskcabinet.autocode.training import train_coder

# A made-up phrase no OSHA report uses, corrected by an officer to a rare event code.
CORRECTED_NARRATIVE = "Zamboni blade grazed the rink attendant during resurfacing rounds."
CORRECTED_EVENT = "6411"


@pytest.fixture(scope="session")
def sample_reports():
    reports = load_reports()
    return reports.iloc[::8].reset_index(drop=True)


@pytest.fixture(scope="session")
def trained(sample_reports):
    return train_coder(reports=sample_reports, log=lambda message: None)


@pytest.fixture(scope="session")
def coder(trained):
    return trained[0]


@pytest.fixture(scope="session")
def model_file(trained, tmp_path_factory):
    path = tmp_path_factory.mktemp("autocode") / "autocode-test.joblib"
    return save_model(*trained, path=path)


@pytest.fixture(scope="session")
def corrected_coder(sample_reports):
    corrections = [
        Correction(narrative=CORRECTED_NARRATIVE, event=CORRECTED_EVENT, nature="1312")
    ] * 3
    coder, metadata = train_coder(
        reports=sample_reports, corrections=corrections, log=lambda message: None
    )
    return coder, metadata
