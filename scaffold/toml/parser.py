"""The TOML parser every read-only path uses: tomli, the project tomllib was made from.

- Cargo reads TOML 1.1 (cargo 1.95 accepts a multi-line inline table; checked against `cargo
  metadata` in tests/toml/test_parser.py); tomli >= 2.4 parses TOML 1.1, Python 3.11's
  tomllib only TOML 1.0 (tomli's CHANGELOG, 2.4.0: "TOML v1.1.0 compatibility").
- tomli >= 2.2 ships mypyc-compiled wheels for the common platforms (CHANGELOG 2.2.0): about
  three times tomllib's speed on manifests, the largest single cost of a cold check of a large
  workspace (benchmarks/README.md). Its pure-Python wheel elsewhere is tomllib's speed.

Same API and error messages as tomllib: `loads(text) -> dict`, `TOMLDecodeError` whose
message ends with "(at line L, column C)" or "(at end of document)".
"""

from tomli import TOMLDecodeError, loads

__all__ = ["TOMLDecodeError", "loads"]
