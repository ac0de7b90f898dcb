"""Command line: ``python -m riskcabinet.autocode {train,evaluate,predict}``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from riskcabinet.autocode.corrections import CorrectionsError, load_corrections
from riskcabinet.autocode.evaluation import evaluate_coder, format_table
from riskcabinet.autocode.store import (
    MODEL_PATH,
    ModelMissingError,
    model_is_current,
    read_model,
    save_model,
)
from riskcabinet.autocode.training import train_coder


def _train(args: argparse.Namespace) -> int:
    if args.if_missing and model_is_current(args.model):
        print(f"{args.model} is current; not training.", file=sys.stderr)
        return 0
    corrections = []
    if args.include_corrections:
        try:
            corrections = load_corrections(args.include_corrections)
        except (OSError, CorrectionsError) as error:
            print(f"error: corrections file: {error}", file=sys.stderr)
            return 2
    print(
        "training the narrative coder on the OSHA reports (about a minute on two free cores)...",
        file=sys.stderr,
    )
    coder, metadata = train_coder(corrections=corrections)
    path = save_model(coder, metadata, args.model)
    print(f"wrote {path} in {metadata['train_seconds']} s", file=sys.stderr)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    coder, metadata = read_model(args.model)
    figures = evaluate_coder(coder)
    figures["model"] = {
        k: metadata[k]
        for k in ("model_version", "sklearn_version", "trained_at", "training_dates", "corrections")
    }
    figures["validation"] = metadata["validation"]
    if args.format == "json":
        print(json.dumps(figures, indent=2))
    else:
        print(format_table(figures))
    return 0


def _predict(args: argparse.Namespace) -> int:
    coder, _ = read_model(args.model)
    failures = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"not valid JSON ({error.msg})") from None
            if not isinstance(record, dict) or not isinstance(record.get("narrative"), str):
                raise ValueError('expected an object like {"narrative": "..."}')
        except ValueError as error:
            failures += 1
            message = f"line {number}: {error}"
            print(f"error: {message}", file=sys.stderr)
            print(json.dumps({"error": message}), flush=True)
            continue
        print(json.dumps(coder.suggest_many([record["narrative"]])[0]), flush=True)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m riskcabinet.autocode", description="OIICS narrative auto-coder."
    )
    parser.add_argument("--model", type=Path, default=MODEL_PATH, help="model file")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train on the OSHA reports and save the model")
    train.add_argument(
        "--include-corrections", metavar="FILE.jsonl", help="officers' corrections to learn from"
    )
    train.add_argument(
        "--if-missing", action="store_true", help="do nothing when a current model exists"
    )
    train.set_defaults(handler=_train)

    evaluate = commands.add_parser("evaluate", help="figures on the held-out period")
    evaluate.add_argument("--format", choices=("json", "table"), default="table")
    evaluate.set_defaults(handler=_evaluate)

    predict = commands.add_parser("predict", help='JSON lines {"narrative": ...} in, codes out')
    predict.set_defaults(handler=_predict)

    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except ModelMissingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
