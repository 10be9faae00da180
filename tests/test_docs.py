"""Generated documentation is what the code says, and the examples run."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("generator", "page"), [("make_procedure", "procedure.md"),
                                                 ("make_rules", "rules.md")])
def test_generated_pages_are_current(generator, page):
    assert (ROOT / "docs" / page).read_text(encoding="utf-8") == _load(generator).render(), \
        f"docs/{page} is stale: run python docs/{generator}.py"


def test_concepts_carries_the_current_diagram():
    page = (ROOT / "docs" / "concepts.md").read_text(encoding="utf-8")
    assert page == _load("make_procedure").concepts(page), "run python docs/make_procedure.py"
    assert "stateDiagram-v2" in page


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant", "en"])
def test_jinding_example_runs_to_the_end(lang):
    run = subprocess.run([sys.executable, str(ROOT / "examples" / "jinding.py"), lang],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "chain verifies: True" in run.stdout
    # The template speaks the language; the matter's own title stays as the village wrote it.
    title = {"zh_Hans": "关于建设金町村公益性骨灰楼的公示", "zh_Hant": "關於建设金町村公益性骨灰楼的公示",
             "en": "Public notice: 建设金町村公益性骨灰楼"}[lang]
    assert title in run.stdout


@pytest.mark.parametrize("script", ["village_rule.py", "failed_quorum.py"])
def test_other_examples_run(script):
    run = subprocess.run([sys.executable, str(ROOT / "examples" / script)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip()


def test_the_clerks_guide_shows_screenshots_that_exist():
    guide = (ROOT / "docs" / "clerk-guide.md").read_text(encoding="utf-8")
    images = __import__("re").findall(r"\]\((images/[^)]+)\)", guide)
    assert len(images) >= 5
    for image in images:
        assert (ROOT / "docs" / image).stat().st_size > 5000, image


def test_the_http_api_page_lists_every_documented_path():
    from webui.api_schema import openapi

    page = (ROOT / "docs" / "http-api.md").read_text(encoding="utf-8")
    for path in openapi()["paths"]:
        assert f"`{path}`" in page, path
