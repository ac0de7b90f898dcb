"""The Python API the incident app calls: ``suggest(narrative)`` and the thresholds."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from riskcabinet.autocode.labels import FIELDS
from riskcabinet.autocode.store import load_model, load_model_soon


def suggest(narrative: str) -> dict:
    """Suggested OIICS event, nature and part-of-body codes for one narrative.

    Returns ``{field: {"group": {...}, "top": [...], "auto_accept": bool}}`` for each field, the
    same shape as one line of ``python -m riskcabinet.autocode predict``. The model is read
    from disk on the first call and kept for the life of the process.
    """
    coder, _ = load_model()
    return coder.suggest_many([narrative])[0]


def model_info() -> dict:
    """When the model answering was trained, and on how many officers' corrections besides the
    OSHA reports: ``{"trained_at": ISO 8601 text, "corrections": int}``."""
    _, metadata = load_model()
    return {
        "trained_at": metadata.get("trained_at"),
        "corrections": int(metadata.get("corrections") or 0),
    }


def prepare() -> None:
    """Read the model in the background now, so that a later ``suggest`` does not wait for it
    (a few seconds); it is still read once per process, and only when this or ``suggest`` asks."""
    load_model_soon()


class _Thresholds(Mapping):
    """Auto-accept threshold per field, read from the trained model when first needed."""

    def __getitem__(self, field: str) -> float:
        if field not in FIELDS:
            raise KeyError(field)
        coder, _ = load_model()
        return coder.thresholds[field]

    def __iter__(self) -> Iterator[str]:
        return iter(FIELDS)

    def __len__(self) -> int:
        return len(FIELDS)

    def __repr__(self) -> str:
        return f"AUTO_ACCEPT_THRESHOLD({dict(self)!r})"


AUTO_ACCEPT_THRESHOLD: Mapping[str, float] = _Thresholds()
