"""Saving and loading the versioned model file, and the once-per-process cache."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import joblib
import sklearn

from riskcabinet.autocode.coder import NarrativeCoder
from riskcabinet.autocode.dataset import OSHA_CSV, file_sha256
from riskcabinet.autocode.training import MODEL_VERSION

# The package's own folder, unless AUTOCODE_MODEL_DIR names another: in production, a folder
# the web processes and the worker that trains the model weekly both reach, and can write.
MODELS_DIR = Path(
    os.environ.get("AUTOCODE_MODEL_DIR") or Path(__file__).resolve().parent / "models"
)
MODEL_PATH = MODELS_DIR / f"autocode-v{MODEL_VERSION}.joblib"

logger = logging.getLogger(__name__)

_lock = threading.Lock()
# Per model file: the file's signature when it was read (see `_signature`), the coder and its
# metadata.
_cached: dict[Path, tuple[tuple | None, NarrativeCoder, dict]] = {}
_warming: frozenset[Path] = frozenset()
# Guards `_warming` only: `_lock` is held for the whole read (seconds), and a request asking for
# the read to start must not wait for it.
_warming_lock = threading.Lock()
# Per model file: the signature of a version of it that could not be read while a model read
# before kept serving. That version is not read again (a full read on every suggestion); the
# next one is.
_unreadable: dict[Path, tuple | None] = {}


def _signature(path: Path) -> tuple | None:
    """What changes when the file is written again (``save_model`` replaces it whole)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


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
    """The model at ``path``, read from disk once per process, and again once the file has been
    written anew (the weekly training on officers' corrections): the model read before serves
    while the new one is read in the background."""
    cached = _cached.get(path)
    if cached is not None:
        if _stale(path, cached):
            load_model_soon(path)
        return cached[1], cached[2]
    with _lock:
        if path not in _cached:
            _read_into_cache(path)
        return _cached[path][1], _cached[path][2]


def _stale(path: Path, cached: tuple) -> bool:
    """Whether the file has been written anew since ``cached`` was read, and that version has
    not already failed to read."""
    signature = _signature(path)
    return cached[0] != signature and _unreadable.get(path, cached[0]) != signature


def _read_into_cache(path: Path) -> None:
    # The signature is taken before the read: a file replaced during the read is read again.
    signature = _signature(path)
    coder, metadata = read_model(path)
    _cached[path] = (signature, coder, metadata)
    _unreadable.pop(path, None)


def load_model_soon(path: Path = MODEL_PATH) -> bool:
    """Start reading the model at ``path`` in a background thread, unless it is read (and its
    file unchanged since) or being read; True when this call started it. A missing or broken
    file is left for the first ``load_model`` to report; where a model read before keeps
    serving, it is logged, and that version of the file is not read again."""
    global _warming
    with _warming_lock:
        cached = _cached.get(path)
        if (cached is not None and not _stale(path, cached)) or path in _warming:
            return False
        _warming = _warming | {path}

    def read() -> None:
        signature = _signature(path)
        try:
            with _lock:
                cached = _cached.get(path)
                if cached is None or cached[0] != _signature(path):
                    _read_into_cache(path)
        # With no model read before, the caller that needs it will say why.
        except Exception:  # noqa: BLE001
            if _cached.get(path) is not None:
                _unreadable[path] = signature
                logger.warning(
                    "Narrative coder: the new model file %s could not be read; the model read "
                    "before keeps serving.",
                    path,
                    exc_info=True,
                )
        finally:
            global _warming
            with _warming_lock:
                _warming = _warming - {path}

    threading.Thread(target=read, name="autocode-load", daemon=True).start()
    return True


def model_is_current(path: Path = MODEL_PATH) -> bool:
    """True when ``path`` holds a model of this version, scikit-learn and training data."""
    return current_metadata(path) is not None


def current_metadata(path: Path = MODEL_PATH) -> dict | None:
    """The metadata of the model at ``path`` when it is current (see ``model_is_current``),
    else None: a missing or unreadable file, or one of another version or training data."""
    if not path.exists():
        return None
    try:
        _, metadata = read_model(path)
    except Exception:  # noqa: BLE001 - any unreadable file means "train again"
        return None
    current = (
        metadata.get("model_version") == MODEL_VERSION
        and metadata.get("sklearn_version") == sklearn.__version__
        and metadata.get("data_sha256") == file_sha256(OSHA_CSV)
    )
    return metadata if current else None
