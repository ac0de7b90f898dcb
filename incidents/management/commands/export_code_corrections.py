"""Export officers' OIICS code choices as JSON lines for `train --include-corrections FILE`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from incidents.models import CodeCorrection

TRAINED_FIELDS = ("event", "nature", "part")


class Command(BaseCommand):
    help = "Write one JSON line per coded incident: narrative and the officer's latest codes."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="The .jsonl file to write.")

    def handle(self, *args, out: str, **options):
        latest: dict[int, dict] = {}
        corrections = (
            CodeCorrection.objects.filter(field__in=TRAINED_FIELDS, incident__privacy_case=False)
            .select_related("incident")
            .order_by("incident_id", "created_at", "pk")
            .iterator(chunk_size=2000)
        )
        narratives: dict[int, str] = {}
        for correction in corrections:
            # The latest choice per field wins: an officer may correct their own correction.
            latest.setdefault(correction.incident_id, {})[correction.field] = correction.chosen_code
            narratives[correction.incident_id] = correction.incident.narrative
        written = 0
        with Path(out).open("w", encoding="utf-8") as handle:
            for incident_id, codes in latest.items():
                narrative = narratives[incident_id].strip()
                if not narrative:
                    continue
                record = {"narrative": narrative, **{f: codes.get(f) for f in TRAINED_FIELDS}}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
        self.stdout.write(f"Wrote {written} corrected narrative(s) to {out}.")
