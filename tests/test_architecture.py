"""The one-way data flow, kept true by reading the imports (ast), not by convention."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "quizgen"


def imports_of(path: Path) -> set[str]:
    """Modules a file imports, as dotted names inside quizgen ('facts', 'exporters.anki', ...) or outside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.parent.relative_to(PACKAGE).parts
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - (node.level - 1)])
                module = ".".join(base + ([node.module] if node.module else []))
                found.add(module or ".")
                if not node.module:
                    found.update(".".join(base + [alias.name]) for alias in node.names)
            else:
                found.add(node.module or "")
    return found


def modules(folder: str = "") -> dict[str, set[str]]:
    root = PACKAGE / folder if folder else PACKAGE
    return {str(p.relative_to(PACKAGE)): imports_of(p) for p in sorted(root.rglob("*.py"))}


def uses(imports: set[str], *names: str) -> set[str]:
    return {i for i in imports for n in names if i == n or i.startswith(n + ".") or i == f"quizgen.{n}"}


def test_exporters_see_questions_never_facts_or_yaml():
    for name, imports in modules("exporters").items():
        assert not uses(imports, "facts", "load", "checks", "generators", "pipeline", "cli", "yaml"), name


def test_generators_never_format_write_or_print():
    for name, imports in modules("generators").items():
        assert not uses(imports, "exporters", "pipeline", "cli", "load", "output", "typer"), name


def test_the_model_layers_depend_only_downwards():
    allowed = {
        "errors.py": set(),
        "dates.py": set(),
        "facts.py": {"dates", "errors"},
        "questions.py": set(),
        "ids.py": set(),
        "load.py": {"errors", "facts", "dates"},
        "checks.py": {"errors", "facts", "questions", "dates"},
    }
    internal = {"errors", "dates", "facts", "questions", "ids", "load", "checks", "generators", "exporters",
                "pipeline", "cli", "quiz", "notestate", "output", "schemas"}
    for name, imports in modules().items():
        if name in allowed:
            inside = {i.split(".")[0] for i in imports if i.split(".")[0] in internal}
            assert inside <= allowed[name], (name, inside - allowed[name])


def test_only_the_cli_prints_exits_or_imports_typer():
    for name, imports in modules().items():
        if name == "cli.py":
            continue
        assert "typer" not in imports, name
        tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
        calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert not calls & {"print", "exit"}, name
        attributes = {f"{n.func.value.id}.{n.func.attr}" for n in ast.walk(tree)
                      if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)}
        assert "sys.exit" not in attributes, name


def test_cli_imports_nothing_heavy_at_start():
    top_level = set()
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Import):
            top_level.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            top_level.add(node.module or "")
    assert not top_level & {"pydantic", "yaml", "genanki", "typst", "quizgen.pipeline", "pipeline"}
