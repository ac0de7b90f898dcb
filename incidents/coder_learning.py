"""Officers' code choices fed back to the narrative coder: the training records, and the weekly
training that learns from them when they have changed.

The coder is trained on OSHA's severe-injury reports; the city's own narratives (minor injuries,
assaults, dog bites on a meter route) read differently, and each officer's choice on one of them
teaches it the city's words. A privacy case's narrative is never used.
"""

from __future__ import annotations

import logging
from pathlib import Path

from incidents.access import private_cases_q
from incidents.models import CodeCorrection

logger = logging.getLogger(__name__)

TRAINED_FIELDS = ("event", "nature", "part")


def code_corrections_for_training() -> list[dict]:
    """One record per case an officer coded against the coder's suggestion: its narrative and
    the codes the case holds now (a later clear or change is the officer's latest word), in the
    shape of the coder's corrections file."""
    latest: dict[int, dict] = {}
    narratives: dict[int, str] = {}
    corrections = (
        # A report merged into a privacy case is about the same injury: left out too.
        CodeCorrection.objects.filter(field__in=TRAINED_FIELDS)
        .exclude(private_cases_q("incident"))
        .select_related("incident")
        .order_by("incident_id", "created_at", "pk")
        .iterator(chunk_size=2000)
    )
    for correction in corrections:
        current = getattr(correction.incident, f"oiics_{correction.field}") or None
        latest.setdefault(correction.incident_id, {})[correction.field] = current
        narratives[correction.incident_id] = correction.incident.narrative
    records = []
    for incident_id, codes in latest.items():
        narrative = narratives[incident_id].strip()
        if narrative and any(codes.values()):
            records.append({"narrative": narrative, **{f: codes.get(f) for f in TRAINED_FIELDS}})
    return records


def coder_learn_from_corrections(*, path: Path | None = None) -> dict | None:
    """Train the coder again, with the officers' corrections, when they differ from those the
    model at ``path`` learnt (or it is not current); returns the new model's metadata, or None
    when nothing changed. The file is replaced whole, and the web processes pick it up.

    A correction whose code the coder does not know (a code list changed since) is left out and
    logged, so one bad record never stops the others from teaching.
    """
    from riskcabinet.autocode import store, training
    from riskcabinet.autocode.corrections import (
        Correction,
        CorrectionsError,
        correction_from_record,
        corrections_fingerprint,
    )

    path = path or store.MODEL_PATH
    corrections: list[Correction] = []
    for number, record in enumerate(code_corrections_for_training(), start=1):
        try:
            corrections.append(correction_from_record(record, number))
        except CorrectionsError as error:
            logger.warning("Officers' corrections: record %s left out: %s", number, error)
    fingerprint = corrections_fingerprint(corrections)
    # The model file is read once (about 30 MB): its metadata says whether it is current.
    current = store.current_metadata(path)
    if current is not None and current.get("corrections_sha256") == fingerprint:
        return None
    coder, metadata = training.train_coder(corrections=corrections, log=logger.info)
    store.save_model(coder, metadata, path)
    logger.info(
        "Narrative coder trained again with %s officers' corrections in %s s",
        len(corrections),
        metadata["train_seconds"],
    )
    return metadata
