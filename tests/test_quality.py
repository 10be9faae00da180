"""Project standards: lint, the layer contract, the public surface, and the message catalogue."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import deliberate
from deliberate.i18n import CATALOGUE, LANGS

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "deliberate"


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is installed with the test extras"
    return found


def test_ruff_is_clean():
    run = subprocess.run([_tool("ruff"), "check", str(ROOT)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_import_linter_contracts_hold():
    run = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    assert f"{len(contracts)} kept, 0 broken" in run.stdout


def test_the_core_contract_names_every_core_module():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["importlinter"]["contracts"][0]["source_modules"])
    core = {f"deliberate.{m.name}" for m in pkgutil.iter_modules(deliberate.__path__)
            if m.name not in _OUTSIDE_THE_CORE}
    assert listed == core


# The store (SQL), the use cases (which use the store) and the command line are not the core.
_OUTSIDE_THE_CORE = ("store", "usecases", "cli")


def _core_files():
    return [p for p in CORE.rglob("*.py") if not {"store", "usecases"} & set(p.relative_to(CORE).parts)
            and p.name != "cli.py"]


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_only_the_standard_library(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.ImportFrom):  # relative: never into the store or the CLI
            assert (node.module or "").split(".")[0] not in {"store", "cli"}, f"{path}: {node.module}"
            continue
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top == "deliberate" or top in sys.stdlib_module_names, f"{path}: imports {name}"
            assert not name.startswith(("deliberate.store", "deliberate.cli")), f"{path}: {name}"


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_does_no_io(path):
    """No files, no console, no clock, no randomness: time, ids and receipts are passed in."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"open", "print", "input"}, f"{path}: {node.func.id}()"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in {"now", "today", "utcnow", "time", "urandom"}, \
                f"{path}: .{node.func.attr}()"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in {"random", "secrets", "uuid", "os", "socket", "io",
                                                  "pathlib", "time", "subprocess"}, f"{path}: {name}"


def test_public_names_are_exactly_all():
    public = {n for n in dir(deliberate) if not n.startswith("_")}
    modules = {m.name for m in pkgutil.iter_modules(deliberate.__path__)}
    assert public - modules == set(deliberate.__all__) - modules
    for name in deliberate.__all__:
        assert hasattr(deliberate, name)


@pytest.mark.parametrize("module", [m.name for m in pkgutil.walk_packages(deliberate.__path__, "deliberate.")
                                    if ".migrations" not in m.name])
def test_every_module_declares_all(module):
    mod = importlib.import_module(module)
    assert hasattr(mod, "__all__"), module
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.{name}"


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_speaks_three_languages_with_the_same_fields(key):
    import string

    entry = CATALOGUE[key]
    assert len(entry) == len(LANGS)
    fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in entry]
    assert all(t.strip() for t in entry[:2]) and (entry[2].strip() or key.startswith("unit_"))
    for lang, f in zip(LANGS, fields, strict=True):
        assert {x.split("!")[0] for x in f} <= {x.split("!")[0] for x in fields[0]} | {
            x.split("!")[0] for x in fields[2]}, (key, lang)


def test_every_message_key_used_in_the_code_exists():
    import re

    used = set()
    for path in CORE.rglob("*.py"):
        used |= set(re.findall(r'"((?:err|find)_[a-z_]+)"', path.read_text(encoding="utf-8")))
    used = {k for k in used if not k.endswith("_")}
    assert used <= set(CATALOGUE), sorted(used - set(CATALOGUE))


def test_a_catalogue_refuses_a_missing_or_empty_translation():
    from deliberate.i18n import Catalogue

    with pytest.raises(ValueError, match="3 languages"):
        Catalogue({"k": ("一", "一")})
    with pytest.raises(ValueError, match="empty"):
        Catalogue({"k": ("一", " ", "one")})
    assert Catalogue({"k": ("{n}人", "{n}人", "{n} people")}).text("k", "en", n=3) == "3 people"


def _views():
    """Every view function of the web UI (decorated with a blueprint's route, get or post)."""
    for path in sorted((ROOT / "webui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                    and d.func.attr in ("get", "post", "route") for d in node.decorator_list):
                yield path, node


@pytest.mark.parametrize("path,view", list(_views()), ids=lambda x: getattr(x, "name", ""))
def test_a_view_parses_calls_one_use_case_and_renders(path, view):
    """A view is short: what it does beyond parsing and rendering belongs in a use case
    (deliberate.usecases). About 25 lines, not counting the docstring."""
    body = view.body
    first = body[1] if len(body) > 1 and isinstance(body[0], ast.Expr) \
        and isinstance(body[0].value, ast.Constant) else body[0]
    assert view.end_lineno - first.lineno + 1 <= 25, f"{path.name}:{view.name}"


# One helper each, and no second copy growing beside it: the names each helper alone may use.
_ONE_HELPER = {
    "conditional responses (ETag / 304)": ("pagecache.py", ("if_none_match", "set_etag(")),
    "QR codes": ("qr.py", ("segno",)),
    "limits on attempts": ("limits.py", ("deque(", "ip_network", "remote_addr")),
}


@pytest.mark.parametrize("what", sorted(_ONE_HELPER))
def test_the_web_ui_has_one_helper_for(what):
    home, names = _ONE_HELPER[what]
    found = [f"{path.name}: {name}" for path in sorted((ROOT / "webui").glob("*.py")) if path.name != home
             for name in names if name in path.read_text(encoding="utf-8")]
    assert found == [], f"{what} belong in webui/{home}"


@pytest.mark.parametrize("path", sorted(p for p in CORE.rglob("*.py") if "migrations" not in p.parts),
                         ids=lambda p: str(p.relative_to(CORE)))
def test_no_module_of_the_library_is_over_500_lines(path):
    """Small modules named after the domain: one that grows past ~500 lines splits by concern."""
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 500
