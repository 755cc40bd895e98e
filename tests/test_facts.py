"""scaffold/facts.py is the one home of PyO3 version thresholds (issue 13, Done-when 3)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from scaffold import facts

ROOT = Path(__file__).resolve().parents[1]
# `(0, 26)` as code; `"0.26"` / `"0.26.1"` as a whole string literal.
# PyO3 minors worth a threshold have two digits (0.10 and later).
TUPLE = re.compile(r"\(\s*0\s*,\s*[1-9]\d\s*\)")
STRING = re.compile(r"""^[rbuRBU]?(['"])0\.[1-9]\d(\.\d+)?\1$""")
# In Jinja tags: any comparison with a number, or a version literal.
JINJA_TAG = re.compile(r"{[{%](.*?)[%}]}", re.S)
JINJA_THRESHOLD = re.compile(r"[<>]=?\s*\d|\d\s*[<>]=?|==\s*\d|\(\s*0\s*,\s*\d+\s*\)|0\.[1-9]\d")


def _code_tokens(source: str) -> list[tokenize.TokenInfo]:
    """Tokens of `source` except comments and docstrings (a string alone on its line)."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    kept, previous = [], tokenize.NEWLINE
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            continue
        if tok.type == tokenize.STRING and previous in (
            tokenize.NEWLINE,
            tokenize.NL,
            tokenize.INDENT,
            tokenize.DEDENT,
        ):
            previous = tok.type
            continue  # a docstring or a bare string statement
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            previous = tok.type
        kept.append(tok)
    return kept


def python_thresholds(source: str) -> list[str]:
    """PyO3-looking version literals used in code (not in comments or docstrings)."""
    found = []
    tokens = _code_tokens(source)
    code = "".join(t.string for t in tokens if t.type != tokenize.STRING)
    found += TUPLE.findall(code)
    found += [t.string for t in tokens if t.type == tokenize.STRING and STRING.match(t.string)]
    return found


def jinja_thresholds(text: str) -> list[str]:
    return [tag for tag in JINJA_TAG.findall(text) if JINJA_THRESHOLD.search(tag)]


def test_no_pyo3_threshold_outside_facts():
    offenders = []
    for path in sorted((ROOT / "scaffold").rglob("*.py")):
        if path == ROOT / "scaffold" / "facts.py":
            continue
        for literal in python_thresholds(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}: {literal}")
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.is_file() and path.suffix in (".jinja", ".yml", ".yaml"):
            for tag in jinja_thresholds(path.read_text(encoding="utf-8")):
                offenders.append(f"{path.relative_to(ROOT)}: {{{tag.strip()}}}")
    assert not offenders, "PyO3 version thresholds belong in scaffold/facts.py:\n" + "\n".join(
        offenders
    )


def test_the_detector_finds_what_it_must():
    assert python_thresholds("X = (0, 26)\nif s >= (0,28): pass\n") == ["(0,26)", "(0,28)"]
    assert python_thresholds('V = "0.1.0"\nlc = (0, 0)\n') == []
    assert python_thresholds('DEFAULT = "0.30"\n') == ['"0.30"']
    assert python_thresholds('"""Docstring: PyO3 0.26."""\n# (0, 26) in a comment\n') == []
    assert python_thresholds('msg = f"PyO3 {v} is older than 0.26"\n') == []
    assert jinja_thresholds("{%- if pyo3_minor >= 26 %}") == ["- if pyo3_minor >= 26 "]
    assert jinja_thresholds("{{ 'a' if pyo3_attach_api else 'b' }}") == []


def test_thresholds_as_documented():
    assert not facts.supports_env_wiring((0, 25)) and facts.supports_env_wiring((0, 26))
    assert not facts.feature_deprecated((0, 27)) and facts.feature_deprecated((0, 28))
    assert facts.has_rpath_helper((0, 28)) and not facts.has_rpath_helper((0, 27))
    assert facts.build_config_needs_direct_dep((0, 29))
    assert not facts.build_config_needs_direct_dep((0, 28))
    assert facts.generate_import_lib_noop((0, 29))
    assert facts.has_attach_api((0, 26)) and not facts.has_attach_api((0, 25))
    # abi3 floors follow the dropped Pythons: abi3-py37 gone in 0.29, abi3-py38 in 0.30.
    assert facts.abi3_floor((0, 28)) == (3, 7)
    assert facts.abi3_floor((0, 29)) == (3, 8)
    assert facts.abi3_floor((0, 30)) == (3, 9)
    assert facts.msrv((0, 30)) == (1, 85)
    assert facts.backend_env_floor("maturin") == (1, 9, 4)
    assert facts.OLDEST_SUPPORTED <= facts.DEFAULT_SERIES <= facts.NEWEST_SUPPORTED
    # The template's `#[pymodule] mod` needs declarative modules.
    assert facts.OLDEST_SUPPORTED >= facts.DECLARATIVE_MODULES_SINCE
    assert all(s in facts.SUPPORT for s in (facts.OLDEST_SUPPORTED, facts.NEWEST_SUPPORTED))


def test_companion_crates_follow_pyo3():
    assert facts.pinned_to_pyo3_minor("numpy") and facts.pinned_to_pyo3_minor("pyo3-build-config")
    assert not facts.pinned_to_pyo3_minor("pyo3-log")  # its own line, resolved from the registry
    assert not facts.pinned_to_pyo3_minor("serde")
    assert facts.pinned_to_pyo3_minor("pythonize")
    assert not facts.pinned_to_pyo3_minor("pyo3-log")
