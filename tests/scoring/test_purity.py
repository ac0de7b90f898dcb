"""The scoring package stays pure: it imports no Django."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "riskcabinet" / "scoring"


def test_it_imports_no_django():
    imported = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])

    assert "django" not in imported
    assert "celery" not in imported
