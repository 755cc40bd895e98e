"""Generated and hand-written docs stay true: rules.md, json-output.md, .pre-commit-hooks.yaml."""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from scaffold.cli import COMMANDS
from scaffold.lint import docs
from scaffold.lint.diagnostic import Applicability, Diagnostic, Fix
from scaffold.lint.output import JSON_SCHEMA_VERSION, json_document
from scaffold.rules import ALL

REPO = Path(__file__).resolve().parents[1]


def test_rules_md_is_current():
    current = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == docs.render(), f"docs/rules.md is stale; run `{docs.REGENERATE}`"


def test_docs_check_mode_reports_staleness(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(docs, "RULES_MD", tmp_path / "rules.md")
    assert docs.main(["--check"]) == 1
    assert docs.REGENERATE in capsys.readouterr().err
    assert docs.main([]) == 0
    assert docs.main(["--check"]) == 0


@pytest.mark.parametrize("rule", ALL, ids=[r.code for r in ALL])
def test_every_rule_is_documented(rule):
    assert re.fullmatch(r"PW[1-9]\d\d", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.name)
    for heading in ("## What", "## Why", "## Example", "## Fix"):
        assert heading in rule.doc, f"{rule.code} has no {heading!r} section"
    assert f"### {rule.code} {rule.name}" in docs.render()


def test_rule_codes_and_names_are_unique():
    assert len({r.code for r in ALL}) == len({r.name for r in ALL}) == len(ALL)


def test_json_output_doc_names_every_field():
    fix = Fix("title", Applicability.SAFE, lambda editor: None)
    document = json.loads(
        json_document([Diagnostic("PW201", "name", "m", Path("C"), fix=fix)], [], [], "check")
    )
    text = (REPO / "docs" / "json-output.md").read_text(encoding="utf-8")
    assert f'"version": {JSON_SCHEMA_VERSION}' in text
    fields = [*document, *document["diagnostics"][0], *document["diagnostics"][0]["fix"]]
    missing = [f for f in fields if f"`{f}`" not in text and f"`fix.{f}`" not in text]
    assert not missing, f"docs/json-output.md does not describe {missing}"


def test_pre_commit_hook_names_a_real_command():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "fix-features")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    program, command, *flags = shlex.split(hook["entry"])
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert program in scripts and command in COMMANDS and flags == ["--check"]
    files = re.compile(hook["files"])
    for path in ("Cargo.toml", "crates/a/Cargo.toml", "pyproject.toml", "setup.py", "Cargo.lock"):
        assert files.search(path), path
    for path in ("README.md", "src/lib.rs", "NotCargo.toml.bak", "xsetup.py"):
        assert not files.search(path), path


def test_docs_site_builds_strict(tmp_path):
    """docs/ as the site mkdocs.yml describes: a broken link or anchor, a page missing from the
    nav or a nav entry without its page fails the build."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)]
    done = subprocess.run(build, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    commands = {p.stem for p in (REPO / "docs" / "commands").glob("*.md")}
    assert commands == set(COMMANDS), "one page per command in docs/commands/"
    assert (tmp_path / "rules" / "index.html").is_file()


def _one_line(shell: str) -> str:
    return " ".join(shell.replace("\\\n", " ").split())


def test_readme_is_a_front_door_with_the_ci_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    ci = _one_line((REPO / ".ci" / "run").read_text(encoding="utf-8"))
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.DOTALL)
    suite = [_one_line(b) for b in blocks if "pytest" in b]
    assert suite and suite[0] in ci, "README's test command and .ci/run differ"
    assert any("scaffold new" in b for b in blocks)
    linked = re.findall(r"\]\((docs/[^)#]+)", readme)
    assert all((REPO / path).exists() for path in linked), linked


def _architecture_modules() -> list[str]:
    """The module paths docs/architecture.md's module table names (`a.py`, `a/b.py`, `pkg/`;
    `x`, `y` listed after a path share its folder)."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("## Modules", 1)[1].split("\nOutside the package", 1)[0]
    names = []
    for row in table.splitlines():
        if not row.startswith("| `"):
            continue
        cell = row.split("|")[1]
        folder = ""
        for name in re.findall(r"`([\w/]+(?:\.py|/))`", cell):
            if "/" in name.rstrip("/"):
                folder = name.rsplit("/", 1)[0] + "/"
            elif name.endswith(".py") and folder and not name.startswith(folder):
                name = folder + name
            names.append(name)
    return names


def test_architecture_names_every_package_and_only_real_modules():
    named = _architecture_modules()
    package = REPO / "scaffold"
    missing = [n for n in named if "NNN" not in n and not (package / n).exists()]
    assert not missing, f"docs/architecture.md names modules that do not exist: {missing}"
    folders = {n.split("/", 1)[0] + "/" for n in named if "/" in n}
    packages = {p.name + "/" for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert packages <= folders, f"packages missing from docs/architecture.md: {packages - folders}"
    top = {p.name for p in package.glob("*.py")} - {"__init__.py", "__main__.py"}
    assert top <= set(named), f"modules missing from docs/architecture.md: {top - set(named)}"


def _layers() -> dict[str, int]:
    """Top-level module or package -> its row in docs/architecture.md's layer diagram (0 on
    top). A row names one layer: `a.py`, `pkg/`, several joined by `|` or `,`."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    diagram = text.split("## Layers", 1)[1].split("```", 2)[1]
    rows = [line for line in diagram.splitlines() if line and line[0] != " "]
    rank: dict[str, int] = {}
    for row, line in enumerate(rows):
        names = re.split(r"\s*[|,]\s*", re.split(r"\s{2,}", line.strip(), maxsplit=1)[0])
        for name in filter(None, names):
            rank[name.removesuffix(".py").rstrip("/")] = row
    return rank


def test_each_layer_imports_only_from_layers_below():
    """The diagram's promise, checked on every `import scaffold.X` (lazy ones included) but
    those made for type checking only. `lint/docs.py` renders the rules reference from the
    rule table, the one upward import, named in the document."""
    import ast

    rank = _layers()
    rank["cli_help"] = rank["__main__"] = rank["cli"]
    allowed = {("lint/docs.py", "rules")}
    wrong = []
    for path in sorted((REPO / "scaffold").rglob("*.py")):
        relative = path.relative_to(REPO / "scaffold").as_posix()
        layer = relative.split("/")[0].removesuffix(".py")
        if layer == "__init__":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for node in ast.walk(block)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only or not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [
                    f"{node.module}.{a.name}" if node.module == "scaffold" else node.module
                    for a in node.names
                ]
            )
            for module in modules:
                parts = (module or "").split(".")
                if parts[0] != "scaffold" or len(parts) < 2 or parts[1] not in rank:
                    continue
                if rank[parts[1]] < rank[layer] and (relative, parts[1]) not in allowed:
                    wrong.append(f"{relative}:{node.lineno} imports {module}")
    assert set(rank) >= {"commands", "api", "rules", "lint", "workspace", "toml", "facts"}
    assert not wrong, "imports against docs/architecture.md's layers:\n" + "\n".join(wrong)


def test_every_writing_command_has_the_preview_flags_docs_preview_flags_describes():
    """A command with `--allow-dirty` writes: it takes `flags.preview` (`--check`, its alias
    `--dry-run`, `--diff`, one `Preview` each), and docs/preview-flags.md's table names it."""
    import argparse
    import importlib

    from scaffold.commands.flags import Preview

    page = (REPO / "docs" / "preview-flags.md").read_text(encoding="utf-8")
    writing = []
    for name, (module, _) in COMMANDS.items():
        parser = argparse.ArgumentParser()
        importlib.import_module(f"scaffold.commands.{module}").register(parser)
        options = {o: a for a in parser._actions for o in a.option_strings}
        if "--allow-dirty" not in options:
            continue
        writing.append(name)
        assert options["--check"] is options["--dry-run"], name  # one flag, two spellings
        assert (options["--check"].const, options["--diff"].const) == (Preview.CHECK, Preview.DIFF)
        assert parser.get_default("preview") is Preview.WRITE, name
        assert f"\n| `{name}` |" in page, f"docs/preview-flags.md does not describe {name}"
    assert sorted(writing) == ["add", "add-profiler", "cross", "fix-features", "update", "upgrade"]


def test_writes_go_through_the_one_commit_sequence():
    """docs/architecture.md's write path: only `transaction.commit` takes the lock, guards the
    tree and calls `write_all` (upgrade's lockfile puts the manifests back under that lock
    when `cargo update` fails)."""
    allowed = {"transaction", "vcs.py", "upgrade/lockfile.py"}
    found = []
    for path in sorted((REPO / "scaffold").rglob("*.py")):
        relative = path.relative_to(REPO / "scaffold").as_posix()
        text = path.read_text(encoding="utf-8")
        if re.search(r"\b(write_all|ensure_clean|locked)\(", text) and not any(
            relative == a or relative.startswith(a + "/") for a in allowed
        ):
            found.append(relative)
    assert found == [], f"writes outside transaction.commit: {found}"


def _import_graph() -> dict[str, set[str]]:
    """`scaffold` module -> the `scaffold` modules it imports (lazy ones included, those for
    type checking only left out)."""
    import ast

    package = REPO / "scaffold"
    modules = {
        ".".join(("scaffold", *p.relative_to(package).with_suffix("").parts)).removesuffix(
            ".__init__"
        ): p
        for p in package.rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for node in ast.walk(block)
        }
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                targets |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        graph[module] = {t for t in targets if t in modules and t != module}
    return graph


def test_no_import_cycles_between_modules_or_packages():
    """One direction each: no module imports one that imports it back (through any chain),
    and no package imports a package that imports it back, but the exceptions named in
    docs/architecture.md (`lint/docs.py` renders the rules reference from `rules/`)."""
    graph = _import_graph()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            module = todo.pop()
            if module == goal:
                return True
            if module not in seen:
                seen.add(module)
                todo += graph[module]
        return False

    cycles = sorted(f"{a} <-> {b}" for a in graph for b in graph[a] if a < b and reaches(b, a))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
    package = {m: ".".join(m.split(".")[:2]) for m in graph}
    packages = {(package[a], package[b]) for a in graph for b in graph[a]}
    allowed = {("scaffold.lint", "scaffold.rules")}
    both = sorted(
        f"{a} <-> {b}"
        for a, b in packages
        if a < b and a != b and (b, a) in packages and (a, b) not in allowed
    )
    assert not both, "packages importing each other:\n" + "\n".join(both)


def test_nothing_below_the_commands_prints_or_asks():
    """docs/architecture.md's promise: below `commands/` and `cli.py` nothing prints or asks;
    the API reports through its callbacks (`on_note`, `on_plan`, `confirm`, `choose`). One
    exception: `lint/docs.py`, the developer script `python -m scaffold.lint.docs`."""
    import ast

    allowed = {"cli.py", "cli_help.py", "__main__.py", "lint/docs.py"}
    found = []
    for path in sorted((REPO / "scaffold").rglob("*.py")):
        relative = path.relative_to(REPO / "scaffold").as_posix()
        if relative in allowed or relative.startswith("commands/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] == "questionary" for n in names):
                    found.append(f"{relative}:{node.lineno} imports questionary")
            elif isinstance(node, ast.Call):
                called = ast.unparse(node.func)
                if called in ("print", "sys.stdout.write", "sys.stderr.write", "input"):
                    found.append(f"{relative}:{node.lineno} calls {called}")
    assert not found, "printing or asking below the commands:\n" + "\n".join(found)
