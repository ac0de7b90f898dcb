"""Saving and loading the versioned model file, and the once-per-process cache."""

from __future__ import annotations

import threading
from pathlib import Path

import joblib
import sklearn

from riskcabinet.autocode.coder import NarrativeCoder
from riskcabinet.autocode.dataset import OSHA_CSV, file_sha256
from riskcabinet.autocode.training import MODEL_VERSION

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODELS_DIR / f"autocode-v{MODEL_VERSION}.joblib"

_lock = threading.Lock()
_cached: dict[Path, tuple[NarrativeCoder, dict]] = {}
_warming: frozenset[Path] = frozenset()
# Guards `_warming` only: `_lock` is held for the whole read (seconds), and a request asking for
# the read to start must not wait for it.
_warming_lock = threading.Lock()


class ModelMissingError(RuntimeError):
    pass


def save_model(coder: NarrativeCoder, metadata: dict, path: Path = MODEL_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".joblib.partial")
    joblib.dump({"metadata": metadata, "coder": coder}, partial, compress=3)
    # Replace atomically so a running process never reads a half-written file.
    partial.replace(path)
    with _lock:
        _cached.pop(path, None)
    return path


def read_model(path: Path = MODEL_PATH) -> tuple[NarrativeCoder, dict]:
    if not path.exists():
        raise ModelMissingError(
            f"No narrative coder at {path}; run `python -m riskcabinet.autocode train`."
        )
    bundle = joblib.load(path)
    return bundle["coder"], bundle["metadata"]


def load_model(path: Path = MODEL_PATH) -> tuple[NarrativeCoder, dict]:
    """The model at ``path``, read from disk once per process."""
    with _lock:
        if path not in _cached:
            _cached[path] = read_model(path)
        return _cached[path]


def load_model_soon(path: Path = MODEL_PATH) -> bool:
    """Start reading the model at ``path`` in a background thread, unless it is read or being
    read; True when this call started it. A missing or broken file is left for the first
    ``load_model`` to report."""
    global _warming
    with _warming_lock:
        if path in _cached or path in _warming:
            return False
        _warming = _warming | {path}

    def read() -> None:
        try:
            load_model(path)
        except Exception:  # noqa: BLE001, S110 - the caller that needs it will say why.
            pass
        finally:
            global _warming
            with _warming_lock:
                _warming = _warming - {path}

    threading.Thread(target=read, name="autocode-load", daemon=True).start()
    return True


def model_is_current(path: Path = MODEL_PATH) -> bool:
    """True when ``path`` holds a model of this version, scikit-learn and training data."""
    if not path.exists():
        return False
    try:
        _, metadata = read_model(path)
    except Exception:  # noqa: BLE001 - any unreadable file means "train again"
        return False
    return (
        metadata.get("model_version") == MODEL_VERSION
        and metadata.get("sklearn_version") == sklearn.__version__
        and metadata.get("data_sha256") == file_sha256(OSHA_CSV)
    )
