"""Property tests: every rule's fix on workspaces whose manifests use every TOML spelling.

For each rule and each drawn workspace (tests/robustness/manifests.py), the fix runs through
`scaffold.lint.engine.run` and `scaffold.transaction.write.write_all` on a temporary directory,
then:
- every file parses with tomllib, keeps its BOM and line endings;
- comparing the parsed data before and after, only the keys the rule may touch changed, and the
  change is the intended one (per-rule oracle below); every other file is byte-identical;
- fixing again changes nothing, and the rule has nothing fixable left.
The drawn workspaces give every rule something to fix (asserted on a fixed seed).
Round trip: reading any drawn manifest (TextFile + tomlkit) and writing it back without edits is
byte-identical. Counts are printed at the end of the run (tests/robustness/conftest.py).
"""

from __future__ import annotations

import contextlib
import tempfile
import tomllib
from pathlib import Path

import pytest
import tomlkit
import tomlkit.exceptions
from hypothesis import given, seed, settings

from scaffold import rules
from scaffold.errors import UserError
from scaffold.lint import engine
from scaffold.lint.diagnostic import Applicability
from scaffold.toml.editor import Editor
from scaffold.toml.textfile import TextFile
from scaffold.transaction import files, write
from tests.conftest import read_tree
from tests.robustness.conftest import COUNTS
from tests.robustness.manifests import is_dependency_table, normalized, workspaces
from tests.rules.test_rule_cases import REPORT_ONLY

ROOT, EXT, CLI, PYPROJECT = (
    "Cargo.toml",
    "crates/ext/Cargo.toml",
    "crates/cli/Cargo.toml",
    "pyproject.toml",
)
MISSING = object()
PYO3_FAMILY = ("pyo3", "pyo3-ffi", "pyo3-build-config", "pyo3-macros", "numpy")


def flatten(data: dict, prefix: tuple = ()) -> dict[tuple, object]:
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):  # an empty table is no key: `[tool.maturin]` gaining one
            out.update(flatten(value, (*prefix, key)))  # changes only that key
        else:
            out[(*prefix, key)] = value
    return out


def changed_paths(before: dict, after: dict) -> set[tuple]:
    a, b = flatten(normalized(before)), flatten(normalized(after))
    return {p for p in a.keys() | b.keys() if a.get(p, MISSING) != b.get(p, MISSING)}


def dependency(path: tuple) -> tuple[str, tuple] | None:
    """(name, rest) when `path` lies inside a dependency entry."""
    for size in (1, 2, 3):
        if len(path) > size and is_dependency_table(path[:size]):
            return path[size], path[size + 1 :]
    return None


def dep_named(path: tuple, *names: str) -> bool:
    found = dependency(path)
    return found is not None and found[0] in names


def deps(data: dict, name: str) -> list[dict]:
    """Every spec of dependency `name` in a parsed manifest (normalized)."""
    found = []
    data = normalized(data)

    def visit(table, path):
        for key, value in table.items():
            if isinstance(value, dict):
                if is_dependency_table((*path, key)) and name in value:
                    found.append(value[name])
                visit(value, (*path, key))

    visit(data, ())
    return found


def features_reach(features: dict, start: str = "default") -> set[str]:
    seen, pending = set(), list(features.get(start, []))
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending += features.get(name, [])
    return seen


# --- per rule: which keys it may change, and what must hold afterwards ------------------------


def allowed(code: str, file: str, path: tuple) -> bool:
    if code in ("PW101", "PW102"):
        return file == EXT and path[0] == "lib"
    if code == "PW103":
        return file == CLI and (
            dep_named(path, "pyo3") or path[:2] == ("build-dependencies", "pyo3-build-config")
        )
    if code in ("PW201", "PW202", "PW206"):
        if file == EXT:
            return path[0] == "features" or (
                dep_named(path, "pyo3") and dependency(path)[1][:1] == ("features",)
            )
        if file == ROOT and code in ("PW201", "PW206"):
            return path[:4] == ("workspace", "dependencies", "pyo3", "features")
        if file == PYPROJECT and code == "PW206":
            return path in (
                ("tool", "maturin", "features"),
                ("tool", "pyo3-scaffold", "wiring"),
                ("build-system", "requires"),
            ) or path[:3] == ("tool", "maturin", "features")
        return False
    if code == "PW203":
        return (
            file == CLI
            and dep_named(path, "ext")
            and dependency(path)[1] in (("default-features",), ("default_features",))
        )
    if code == "PW204":
        return file == CLI and dep_named(path, "ext")
    if code == "PW205":
        return file == ROOT and path == ("workspace", "default-members")
    if code == "PW301":
        if file == ROOT:
            return (
                path[:2] == ("workspace", "dependencies")
                and len(path) > 2
                and path[2] in PYO3_FAMILY
            )
        return file in (EXT, CLI) and dep_named(path, *PYO3_FAMILY)
    if code == "PW401":
        return file == PYPROJECT and path == ("tool", "maturin", "module-name")
    if code == "PW402":
        return file == PYPROJECT and path == ("tool", "maturin", "manifest-path")
    if code == "PW403":
        return file == PYPROJECT and path == ("build-system", "requires")
    if code == "PW404":
        return file == ROOT and path == ("workspace", "default-members")
    raise AssertionError(f"{code}: a new rule needs its entry in allowed()")


def intended(code: str, before: dict[str, dict], after: dict[str, dict], changed: set) -> None:
    """The semantic change each rule's fix promises, on the parsed files."""
    if not changed:
        return
    ext_b, ext_a = before[EXT], after[EXT]
    if code in ("PW101", "PW102"):
        old = ext_b.get("lib", {}).get("crate-type")
        new = ext_a["lib"]["crate-type"]
        wanted = "cdylib" if code == "PW101" else "rlib"
        if old is None:
            assert new == ["rlib", "cdylib"]
        else:
            assert new == [*old, wanted]
    elif code == "PW103":
        specs = deps(after[CLI], "pyo3")
        assert specs and all("auto-initialize" in s.get("features", []) for s in specs)
    elif code == "PW201":
        for old, new in zip(deps(ext_b, "pyo3"), deps(ext_a, "pyo3"), strict=True):
            assert [f for f in old.get("features", []) if f != "extension-module"] == new.get(
                "features", []
            )
        shared = after[ROOT].get("workspace", {}).get("dependencies", {}).get("pyo3", {})
        assert "extension-module" not in (
            shared.get("features", []) if isinstance(shared, dict) else []
        )
    elif code == "PW202":
        features = ext_a["features"]
        assert "extension-module" in features_reach(features)
        assert any(v.endswith("/extension-module") for v in features["extension-module"])
    elif code == "PW203":
        assert all(s.get("default-features") is False for s in deps(after[CLI], "ext"))
    elif code == "PW204":
        for old, new in zip(deps(before[CLI], "ext"), deps(after[CLI], "ext"), strict=True):
            kept = {k: old[k] for k in ("features", "optional") if k in old}
            assert new == {"path": "../ext", "default-features": False, **kept}
    elif code == "PW205":
        members = after[ROOT]["workspace"]["default-members"]
        assert "crates/ext" not in members and members
    elif code == "PW206":
        assert not any(
            "extension-module" in k or any("extension-module" in v for v in values)
            for k, values in ext_a.get("features", {}).items()
        )
        assert not any("extension-module" in s.get("features", []) for s in deps(ext_a, "pyo3"))
    elif code == "PW401":
        assert after[PYPROJECT]["tool"]["maturin"]["module-name"].rpartition(".")[2] == "ext"
    elif code == "PW403":
        requires = after[PYPROJECT]["build-system"]["requires"]
        assert any(r.replace(" ", "").startswith("maturin>=1.9.4") for r in requires), requires
    elif code == "PW402":
        assert after[PYPROJECT]["tool"]["maturin"]["manifest-path"] == "crates/ext/Cargo.toml"


WIRING = {"PW206": "env"}


@pytest.fixture(autouse=True, scope="module")
def _no_fsync():
    """fsync makes each write cost milliseconds of disk flushes; crash safety is tested in
    test_crash_safety.py, here only the bytes matter."""
    patch = pytest.MonkeyPatch()
    patch.setattr(files.os, "fsync", lambda fd: None)
    yield
    patch.undo()


@contextlib.contextmanager
def written(ws):
    """The drawn workspace's files in a temporary directory."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        for name, raw in ws.files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(raw)
        yield root


def apply(root: Path, code: str) -> engine.Outcome:
    outcome = engine.run(root, rules.select([code], None), Applicability.UNSAFE, WIRING.get(code))
    write.write_all({p: t.original for p, t in outcome.changes.items()}, root=root)
    return outcome


@pytest.mark.parametrize("code", [rule.code for rule in rules.ALL])
@given(ws=workspaces())
def test_fix_changes_only_what_it_means(code, ws):
    stats = COUNTS.setdefault(code, {"workspaces": 0, "manifests": 0, "fixed": 0, "refused": 0})
    stats["workspaces"] += 1
    stats["manifests"] += len(ws.manifests())
    with written(ws) as root:
        try:
            outcome = apply(root, code)
        except UserError as error:
            # --wiring env on PyO3 < 0.26, or a layout tomlkit cannot parse (super tables out of
            # order, tomlkit's limitation): refused with exit 2, nothing written.
            assert (
                code == "PW206" and "needs PyO3 >= 0.26" in str(error)
            ) or "cannot be edited without losing its layout" in str(error), error
            stats["refused"] += 1
            assert all((root / n).read_bytes() == raw for n, raw in ws.files.items())
            return
        on_disk = read_tree(root)
        created = on_disk.keys() - ws.files.keys()
        assert created <= ({"crates/cli/build.rs"} if code == "PW103" else set()), created
        stats["fixed"] += bool(outcome.changes)

        before, after, changed = {}, {}, set()
        for name in ws.manifests():
            old, new = ws.files[name], on_disk[name]
            assert new.startswith(b"\xef\xbb\xbf") == old.startswith(b"\xef\xbb\xbf"), name
            if b"\r\n" in old:
                assert new.count(b"\n") == new.count(b"\r\n"), f"{name}: mixed line endings"
            before[name] = TextFile.from_bytes(root / name, old).parse()
            after[name] = TextFile.from_bytes(root / name, new).parse()  # parses with tomllib
            for path in changed_paths(before[name], after[name]):
                assert allowed(code, name, path), f"{code} changed {name}: {path}"
                changed.add((name, path))
            if old == new:
                continue
            assert (root / name) in outcome.changes
        intended(code, before, after, changed)

        again = apply(root, code)
        assert again.changes == {}, f"{code}: fixing twice changes {list(again.changes)}"
        assert not [
            d for d in again.diagnostics if d.fixable(Applicability.UNSAFE) and d.code == code
        ], again.diagnostics


# The generator draws virtual workspaces; PW404 needs maturin building the root package
# (tests/rules/cases/PW404 and tests/e2e/test_whole_project.py cover it with real maturin).
NOT_DRAWN = {"PW404"}


def test_generator_reaches_every_fix():
    """The drawn workspaces give every rule something to fix (a fixed seed: deterministic), so
    the property above checks each rule's fix, not only its silence."""
    reached: set[str] = set()

    @seed(20261123)
    @settings(max_examples=300, database=None)
    @given(ws=workspaces())
    def lint(ws):
        with written(ws) as root:
            for selected, wiring in ((None, None), (["PW206"], "env")):
                try:
                    outcome = engine.run(root, rules.select(selected, None), None, wiring)
                except UserError:
                    continue  # refusals are checked above
                reached.update(
                    d.code for d in outcome.diagnostics if d.fixable(Applicability.UNSAFE)
                )

    lint()
    fixing = {rule.code for rule in rules.ALL} - REPORT_ONLY - NOT_DRAWN
    assert reached == fixing, "never fixable: " + ", ".join(sorted(fixing - reached))


@given(ws=workspaces())
def test_round_trip_is_byte_identical(ws):
    COUNTS.setdefault("round-trip", {"workspaces": 0, "manifests": 0})
    COUNTS["round-trip"]["workspaces"] += 1
    for name in ws.manifests():
        COUNTS["round-trip"]["manifests"] += 1
        raw = ws.files[name]
        file = TextFile.from_bytes(Path(name), raw)
        assert file.original.encode("utf-8") == raw
        assert tomllib.loads(file.text) == file.parse()
        try:
            document = tomlkit.parse(file.text)
        except tomlkit.exceptions.TOMLKitError:
            # tomlkit refuses some valid layouts (super tables out of order); the editor must
            # then refuse cleanly (exit 2), never write.
            COUNTS["round-trip"]["tomlkit-refused"] = (
                COUNTS["round-trip"].get("tomlkit-refused", 0) + 1
            )
            with pytest.raises(UserError, match="cannot be edited without losing its layout"):
                Editor(lambda _path, file=file: file).document(Path(name))
            continue
        assert file.render(tomlkit.dumps(document)).encode("utf-8") == raw
        editor = Editor(lambda _path, file=file: file)
        editor.document(Path(name))
        assert editor.changes() == {}
