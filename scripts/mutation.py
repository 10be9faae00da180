"""Mutation check of the statutory modules: change one thing, run the module's tests, count.

    python scripts/mutation.py                       # every module in MODULES
    python scripts/mutation.py deliberate/tally.py   # one module (its tests from MODULES)
    python scripts/mutation.py --list deliberate/periods.py   # the mutants, without running

Each mutant is one change made with the standard library's ``ast``: a comparison flipped at its
boundary (< and <=, > and >=, == and !=, is and is not, in and not in), ``and``/``or`` swapped,
an integer constant moved by one (Fraction numerators and denominators included), ``+``/``-``
swapped, ``not`` and unary minus dropped, a ``raise`` removed, an ``if`` condition negated, a
returned value replaced by ``None``. The module's own test files run against each mutant in a
fresh ``pytest -x -q`` subprocess (plugins not autoloaded, so no random order), one at a
time (the machine is shared), with a per-mutant timeout; a mutant the tests fail on (or time
out on) is killed, one they pass survives.
The script prints each module's score and every survivor as ``file:line  change``.

The work happens in a temporary copy of the package and the tests (never in the worktree), with
bytecode writing off, so an interrupted run leaves nothing mutated behind. Not part of the test
suite (minutes per module); tests/test_mutation.py checks the script itself on a tiny module.
Standard library only. Scores and the equivalent survivors are recorded in docs/mutation.md.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MODULES", "Mutant", "main", "mutants", "run"]

ROOT = Path(__file__).resolve().parent.parent

# Each statutory module and the test files that mirror it: the fast, exact ones first, since -x
# stops at the first failure.
MODULES: dict[str, tuple[str, ...]] = {
    "deliberate/rules/outcome.py": ("tests/test_rules.py", "tests/test_rules_properties.py"),
    "deliberate/rules/model.py": ("tests/test_rules.py", "tests/test_rules_properties.py"),
    "deliberate/composition.py": ("tests/test_composition.py", "tests/test_roster.py"),
    "deliberate/convening.py": ("tests/test_convening.py",),
    "deliberate/tally.py": ("tests/test_tally.py", "tests/test_rules.py",
                            "tests/test_rules_properties.py"),
    "deliberate/periods.py": ("tests/test_periods.py",),
}

_CMP_SWAP: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.In: ast.NotIn, ast.NotIn: ast.In,
}
_OP_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
              ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
              ast.NotIn: "not in", ast.And: "and", ast.Or: "or", ast.Add: "+", ast.Sub: "-"}


@dataclass(frozen=True)
class Mutant:
    """One change: where (line in the original file) and what, in words."""

    path: str
    index: int
    line: int
    change: str


class _Mutator(ast.NodeTransformer):
    """Walks a module in a fixed order; numbers each possible change; applies change ``target``.

    With ``target`` None it only collects the list of changes.
    """

    def __init__(self, target: int | None = None) -> None:
        self.target = target
        self.found: list[tuple[int, str]] = []

    def _point(self, node: ast.AST, change: str) -> bool:
        """Register a change at ``node``; True when it is the one to apply."""
        self.found.append((getattr(node, "lineno", 0), change))
        return len(self.found) - 1 == self.target

    # Docstrings, annotations and __all__ are not behaviour: skip them.
    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.body = self._body(node.body)
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args = self.visit(node.args)
        return node

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.body = self._body(node.body)
        return node

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = self._body(node.body)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return node  # an annotation

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return node
        return self.generic_visit(node)

    def _body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out = []
        for i, stmt in enumerate(body):
            if (i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)):
                out.append(stmt)  # docstring
                continue
            new = self.visit(stmt)
            if isinstance(new, list):
                out.extend(new)
            elif new is not None:
                out.append(new)
        return out or [ast.Pass()]

    # The changes.
    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            swap = _CMP_SWAP.get(type(op))
            if swap and self._point(node, f"{_OP_SYMBOL[type(op)]} → {_OP_SYMBOL[swap]}"):
                node.ops[i] = swap()
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        if self._point(node, f"{_OP_SYMBOL[type(node.op)]} → {_OP_SYMBOL[other]}"):
            node.op = other()
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swap = {ast.Add: ast.Sub, ast.Sub: ast.Add}.get(type(node.op))
        # A + joining two string literals or f-strings is text, not arithmetic.
        text = any(isinstance(s, ast.JoinedStr) or (isinstance(s, ast.Constant)
                                                     and isinstance(s.value, str))
                   for s in (node.left, node.right))
        if swap and not text and self._point(node, f"{_OP_SYMBOL[type(node.op)]} → "
                                                   f"{_OP_SYMBOL[swap]}"):
            node.op = swap()
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        swap = {ast.Add: ast.Sub, ast.Sub: ast.Add}.get(type(node.op))
        if swap and self._point(node, f"{_OP_SYMBOL[type(node.op)]}= → {_OP_SYMBOL[swap]}="):
            node.op = swap()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not | ast.USub):
            word = "not" if isinstance(node.op, ast.Not) else "unary -"
            if self._point(node, f"{word} dropped"):
                return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if type(value) is int:
            for delta in (1, -1):
                if self._point(node, f"{value} → {value + delta}"):
                    return ast.copy_location(ast.Constant(value + delta), node)
        elif type(value) is bool and self._point(node, f"{value} → {not value}"):
            return ast.copy_location(ast.Constant(not value), node)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return node  # imports for the type checker only: not behaviour
        self.generic_visit(node)
        if self._point(node.test, "if condition negated"):
            node.test = ast.UnaryOp(ast.Not(), node.test)
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        if self._point(node.test, "conditional expression's condition negated"):
            node.test = ast.UnaryOp(ast.Not(), node.test)
        return node

    def visit_Raise(self, node: ast.Raise) -> ast.AST:
        self.generic_visit(node)
        if self._point(node, "raise removed"):
            return ast.copy_location(ast.Pass(), node)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        if (node.value is not None
                and not (isinstance(node.value, ast.Constant) and node.value.value is None)
                and self._point(node, "return value → None")):
            node.value = ast.Constant(None)
        return node


def mutants(path: Path, rel: str) -> list[Mutant]:
    """Every change the mutator can make to the module at ``path``."""
    m = _Mutator()
    m.visit(ast.parse(path.read_text(encoding="utf-8")))
    return [Mutant(rel, i, line, change) for i, (line, change) in enumerate(m.found)]


def mutated_source(source: str, index: int) -> str:
    tree = ast.parse(source)
    _Mutator(index).visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree))


def _copy_tree(root: Path, module: str, tests: tuple[str, ...], into: Path) -> None:
    """The module's top-level package (or the module itself) and the tests' directories."""
    top = Path(module).parts[0]
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "vendor", "migrations")
    if (root / top).is_dir():
        shutil.copytree(root / top, into / top, ignore=ignore)
    else:
        shutil.copy2(root / top, into / top)
    for directory in {Path(t).parent for t in tests}:
        (into / directory).mkdir(parents=True, exist_ok=True)
        for f in (root / directory).glob("*.py"):
            shutil.copy2(f, into / directory / f.name)
    for name in ("pyproject.toml", "pytest.ini", "setup.cfg"):
        if (root / name).exists():
            shutil.copy2(root / name, into / name)


_PROFILE = """from hypothesis import settings

# Mutation runs: the same examples every time, no example database, and no deadline (a loaded
# machine must not kill a mutant by being slow).
settings.register_profile("mutation", derandomize=True, database=None, deadline=None)
settings.load_profile("mutation")
"""


def _plugins(work: Path, test: str) -> tuple[str, ...]:
    """Only the plugins a test file uses: autoloading every installed one (schemathesis,
    playwright, ...) costs seconds per mutant."""
    if importlib.util.find_spec("hypothesis") and "hypothesis" in (work / test).read_text(
            encoding="utf-8"):
        (work / "_mutation_profile.py").write_text(_PROFILE, encoding="utf-8")
        return ("-p", "_hypothesis_pytestplugin", "-p", "_mutation_profile")
    return ()


def _pytest(work: Path, tests: tuple[str, ...], timeout: float, *, show: bool = False) -> str:
    """'killed', 'survived' or 'timeout' for the tests in ``work`` as they stand (``show``: print
    pytest's output when they do not pass).

    One pytest per test file, in order, stopping at the first failure: the fast exact files come
    first and kill most mutants before a property-based file (and Hypothesis) is even imported.
    """
    env = {**os.environ, "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1",
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    deadline = time.monotonic() + timeout  # for the mutant, over all its test files
    for test in tests:
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               *_plugins(work, test), test]
        try:
            done = subprocess.run(cmd, cwd=work, env=env, capture_output=True, check=False,
                                  timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            return "timeout"
        if done.returncode == 0:
            continue
        if show:
            print((done.stdout + done.stderr).decode(errors="replace")[-3000:], file=sys.stderr)
        if done.returncode in (1, 2):  # tests failed or could not import: the mutant is noticed
            return "killed"
        said = (done.stdout + done.stderr).decode(errors="replace")
        if done.returncode == 4 and "conftest" in said:
            # The mutant breaks an import the tests' conftest makes (it imports the web UI,
            # which imports the module): pytest calls that a usage error, but it is noticed.
            return "killed"
        raise RuntimeError(f"pytest exited {done.returncode}:\n{done.stdout.decode()[-2000:]}")
    return "survived"


def run(module: str, tests: tuple[str, ...], *, root: Path = ROOT, timeout: float = 60.0,
        budget: float | None = None, out=sys.stdout) -> tuple[int, int, list[Mutant]]:
    """Mutate ``module`` one change at a time and run ``tests``; (killed, total, survivors)."""
    found = mutants(root / module, module)
    survivors: list[Mutant] = []
    killed = 0
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        work = Path(tmp)
        _copy_tree(root, module, tests, work)
        target = work / module
        original = target.read_text(encoding="utf-8")
        if _pytest(work, tests, timeout * 3, show=True) != "survived":
            raise SystemExit(f"{module}: the tests fail before any change ({', '.join(tests)})")
        for m in found:
            if budget is not None and time.monotonic() - start > budget:
                print(f"  time budget spent: {len(found) - m.index} mutants not run", file=out)
                found = found[:m.index]
                break
            target.write_text(mutated_source(original, m.index), encoding="utf-8")
            verdict = _pytest(work, tests, timeout)
            if verdict == "survived":
                survivors.append(m)
                print(f"  SURVIVED {m.path}:{m.line}  {m.change}", file=out, flush=True)
            else:
                killed += 1
        target.write_text(original, encoding="utf-8")
    return killed, len(found), survivors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules to mutate (default: all in MODULES)")
    parser.add_argument("--tests", nargs="+", help="test files (default: from MODULES)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project directory")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per mutant")
    parser.add_argument("--budget", type=float, default=None,
                        help="seconds per module; mutants left after it are not run")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    args = parser.parse_args(argv)
    modules = args.modules or list(MODULES)
    failed = False
    for module in modules:
        tests = tuple(args.tests) if args.tests else MODULES.get(module, ())
        tests = tuple(t for t in tests if (args.root / t).exists())
        if not tests:
            parser.error(f"no test files known for {module}; pass --tests")
        if args.list:
            for m in mutants(args.root / module, module):
                print(f"{m.path}:{m.line}  {m.change}")
            continue
        print(f"{module}  ({' '.join(tests)})", flush=True)
        began = time.monotonic()
        killed, total, _ = run(module, tests, root=args.root, timeout=args.timeout,
                               budget=args.budget)
        score = 100 * killed / total if total else 100.0
        print(f"{module}: {killed}/{total} killed, score {score:.1f}% "
              f"({time.monotonic() - began:.0f} s)", flush=True)
        failed |= killed < total
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
