import json
import os
import subprocess
import sys

from riskcabinet.autocode.__main__ import main
from riskcabinet.autocode.labels import FIELDS
from riskcabinet.autocode.training import MODEL_VERSION


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "riskcabinet.autocode", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_it_predicts_one_json_line_per_input_in_order(model_file):
    lines = [
        {"narrative": "Worker fell from a roof and broke both legs."},
        {"narrative": "Employee's finger was amputated by a table saw."},
        {"narrative": ""},
    ]

    result = _run("--model", str(model_file), "predict", stdin="\n".join(map(json.dumps, lines)))

    assert result.returncode == 0, result.stderr
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == 3
    assert all(set(output) == set(FIELDS) for output in outputs)
    assert outputs[1]["nature"]["group"]["code"] == "13"


def test_it_answers_a_bad_line_with_an_error_line_not_a_traceback(model_file):
    stdin = '{"narrative": "Fell off a ladder."}\nnot json\n["a list"]\n{"narrative": "Cut."}\n'

    result = _run("--model", str(model_file), "predict", stdin=stdin)

    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in output) for output in outputs] == [False, True, True, False]
    assert "line 2" in outputs[1]["error"]
    assert "Traceback" not in result.stderr
    assert result.returncode == 1


def test_it_explains_a_missing_model(tmp_path, capsys):
    code = main(["--model", str(tmp_path / "none.joblib"), "predict"])

    assert code == 2
    assert "python -m riskcabinet.autocode train" in capsys.readouterr().err


def test_evaluate_prints_json_figures_per_field_and_level(model_file):
    result = _run("--model", str(model_file), "evaluate", "--format", "json")

    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    for field in FIELDS:
        for level in ("group", "code"):
            row = figures["fields"][field][level]
            assert {"accuracy", "majority_baseline", "auto_accept_coverage"} <= set(row)
            assert "ece" in row["reliability"]


def test_train_if_missing_leaves_a_current_model_alone(model_file, monkeypatch):
    import riskcabinet.autocode.__main__ as cli

    monkeypatch.setattr(cli, "model_is_current", lambda path: True)
    monkeypatch.setattr(cli, "train_coder", lambda **kwargs: (_ for _ in ()).throw(AssertionError))

    assert main(["--model", str(model_file), "train", "--if-missing"]) == 0


def test_train_refuses_a_bad_corrections_file(tmp_path, capsys):
    bad = tmp_path / "corrections.jsonl"
    bad.write_text('{"narrative": "Slipped on ice.", "event": "not-a-code"}\n')

    assert (
        main(["--model", str(tmp_path / "m.joblib"), "train", "--include-corrections", str(bad)])
        == 2
    )
    assert "line 1" in capsys.readouterr().err


def test_the_model_folder_can_be_one_the_web_and_the_worker_share(tmp_path):
    # Read when the package is imported, as a fresh web or worker process does.
    shown = subprocess.run(
        [sys.executable, "-c", "from riskcabinet.autocode import store; print(store.MODEL_PATH)"],
        env={**os.environ, "AUTOCODE_MODEL_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )

    assert shown.stdout.strip() == str(tmp_path / f"autocode-v{MODEL_VERSION}.joblib")
