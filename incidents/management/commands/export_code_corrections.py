"""Export officers' OIICS code choices as JSON lines for `train --include-corrections FILE`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from incidents.access import private_cases_q
from incidents.models import CodeCorrection

TRAINED_FIELDS = ("event", "nature", "part")


class Command(BaseCommand):
    help = "Write one JSON line per coded incident: narrative and the officer's latest codes."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="The .jsonl file to write.")

    def handle(self, *args, out: str, **options):
        latest: dict[int, dict] = {}
        corrections = (
            # A report merged into a privacy case is about the same injury: left out too.
            CodeCorrection.objects.filter(field__in=TRAINED_FIELDS)
            .exclude(private_cases_q("incident"))
            .select_related("incident")
            .order_by("incident_id", "created_at", "pk")
            .iterator(chunk_size=2000)
        )
        narratives: dict[int, str] = {}
        for correction in corrections:
            # The latest choice per field wins: an officer may correct their own correction.
            # What the case holds now: a later clear, or a change saved with no suggestion beside
            # it (no CodeCorrection), is the officer's latest word.
            current = getattr(correction.incident, f"oiics_{correction.field}") or None
            latest.setdefault(correction.incident_id, {})[correction.field] = current
            narratives[correction.incident_id] = correction.incident.narrative
        written = 0
        with Path(out).open("w", encoding="utf-8") as handle:
            for incident_id, codes in latest.items():
                narrative = narratives[incident_id].strip()
                if not narrative or not any(codes.values()):
                    continue
                record = {"narrative": narrative, **{f: codes.get(f) for f in TRAINED_FIELDS}}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
        self.stdout.write(f"Wrote {written} corrected narrative(s) to {out}.")
