"""The mutation check (scripts/mutation.py) itself, on a tiny module, so it cannot rot unnoticed.

The full run over the statutory modules takes minutes and is not part of the suite; see
docs/mutation.md for the command and the scores.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "mutation.py"

TINY = "def adult(age):\n    return age >= 18\n"
STRONG = ("from tiny import adult\n\n\ndef test_adult():\n"
          "    assert adult(18) is True and adult(17) is False\n")
WEAK = "from tiny import adult\n\n\ndef test_adult():\n    assert adult(30) and not adult(5)\n"


def _run(tmp_path: Path, tests: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "tiny.py").write_text(TINY, encoding="utf-8")
    (tmp_path / "test_tiny.py").write_text(tests, encoding="utf-8")
    return subprocess.run([sys.executable, str(SCRIPT), "tiny.py", "--root", str(tmp_path),
                           "--tests", "test_tiny.py", "--timeout", "60", *args],
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_mutants_of_a_comparison(tmp_path):
    listed = _run(tmp_path, STRONG, "--list").stdout.splitlines()
    assert listed == ["tiny.py:2  18 → 19", "tiny.py:2  18 → 17", "tiny.py:2  >= → >",
                      "tiny.py:2  return value → None"]


def test_a_boundary_test_kills_every_mutant(tmp_path):
    run = _run(tmp_path, STRONG)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "tiny.py: 4/4 killed, score 100.0%" in run.stdout
    assert (tmp_path / "tiny.py").read_text(encoding="utf-8") == TINY  # the original untouched


def test_a_test_away_from_the_boundary_lets_the_mutants_survive(tmp_path):
    run = _run(tmp_path, WEAK)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "SURVIVED tiny.py:2  >= → >" in run.stdout
    assert "SURVIVED tiny.py:2  18 → 19" in run.stdout
    assert "tiny.py: 1/4 killed, score 25.0%" in run.stdout
