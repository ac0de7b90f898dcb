"""Export officers' OIICS code choices as JSON lines for `train --include-corrections FILE`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from incidents.coder_learning import code_corrections_for_training


class Command(BaseCommand):
    help = "Write one JSON line per coded incident: narrative and the officer's latest codes."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="The .jsonl file to write.")

    def handle(self, *args, out: str, **options):
        records = code_corrections_for_training()
        with Path(out).open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.stdout.write(f"Wrote {len(records)} corrected narrative(s) to {out}.")
