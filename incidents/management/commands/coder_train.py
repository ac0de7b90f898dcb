"""Train the narrative coder with the officers' corrections, when it needs it."""

from django.core.management.base import BaseCommand

from incidents.coder_learning import coder_learn_from_corrections


class Command(BaseCommand):
    help = (
        "Train the narrative coder again with the officers' code corrections when the model is "
        "missing, out of date (another model version, scikit-learn or OSHA file) or learnt "
        "other corrections; otherwise do nothing. The weekly task does the same."
    )

    def handle(self, *args, **options):
        metadata = coder_learn_from_corrections()
        if metadata is None:
            self.stdout.write("The narrative coder is current; not trained.")
        else:
            self.stdout.write(
                f"Trained the narrative coder with {metadata['corrections']} officers' "
                f"correction(s) in {metadata['train_seconds']} s."
            )
