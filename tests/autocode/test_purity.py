import subprocess
import sys
from pathlib import Path

import riskcabinet.autocode

PACKAGE = Path(riskcabinet.autocode.__file__).parent


def test_the_package_source_never_mentions_django_imports():
    for source in PACKAGE.rglob("*.py"):
        text = source.read_text()
        assert "import django" not in text, source
        assert "from django" not in text, source


def test_importing_and_running_the_package_loads_no_django():
    code = (
        "import sys, riskcabinet.autocode, riskcabinet.autocode.__main__, "
        "riskcabinet.autocode.training, riskcabinet.autocode.evaluation; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"
