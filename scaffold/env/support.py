"""What each PyO3 series supports: its MSRV and the CPython versions it builds for.

Sources: PyO3's CHANGELOG.md (shipped in the pyo3 0.30.1 crate) for the MSRV bumps
("Bump MSRV to ...") and dropped Pythons ("Drop support for Python 3.x"); the maximum version
is checked at build time since 0.20.3 (#3821) and comes from pyo3-ffi's build.rs
`SUPPORTED_VERSIONS_CPYTHON` (0.30.1: 3.9..=3.15; 0.22/0.23: max 3.13; 0.25..: max 3.14) and the
"Support Python 3.x" changelog lines. `pyo3-build-config` 0.30.1 `MINIMUM_SUPPORTED_VERSION` = 3.9.
"""

from __future__ import annotations

from dataclasses import dataclass

Version = tuple[int, int]


@dataclass(frozen=True)
class Support:
    msrv: tuple[int, int]
    python_min: Version
    python_max: Version | None  # None: PyO3 did not check a maximum yet (before 0.20.3)


# series -> Support; a series not listed is unknown to this table.
SERIES: dict[Version, Support] = {
    (0, 14): Support((1, 41), (3, 6), None),
    (0, 15): Support((1, 41), (3, 6), None),
    (0, 16): Support((1, 48), (3, 7), None),  # 0.16.0: MSRV 1.48, drop 3.6
    (0, 17): Support((1, 48), (3, 7), None),
    (0, 18): Support((1, 48), (3, 7), None),
    (0, 19): Support((1, 48), (3, 7), None),
    (0, 20): Support((1, 56), (3, 7), (3, 12)),  # 0.20.0: MSRV 1.56, support 3.12
    (0, 21): Support((1, 56), (3, 7), (3, 12)),
    (0, 22): Support((1, 63), (3, 7), (3, 13)),  # 0.22.0: MSRV 1.63, support 3.13
    (0, 23): Support((1, 63), (3, 7), (3, 13)),
    (0, 24): Support((1, 63), (3, 7), (3, 13)),
    (0, 25): Support((1, 63), (3, 7), (3, 14)),  # 0.25.0: support 3.14
    (0, 26): Support((1, 74), (3, 7), (3, 14)),  # 0.26.0: MSRV 1.74
    (0, 27): Support((1, 74), (3, 7), (3, 14)),
    (0, 28): Support((1, 83), (3, 7), (3, 14)),  # 0.28.0: MSRV 1.83
    (0, 29): Support((1, 83), (3, 8), (3, 15)),  # 0.29.0: drop 3.7, support 3.15
    (0, 30): Support((1, 85), (3, 9), (3, 15)),  # 0.30.0: drop 3.8, MSRV 1.85
}

# `pyo3_build_config::add_libpython_rpath_link_args` exists from 0.28.0 (CHANGELOG #5624).
RPATH_HELPER_SINCE: Version = (0, 28)
# PyPy: pyo3-ffi 0.30.1 build.rs SUPPORTED_VERSIONS_PYPY.min.
PYPY_MIN_0_30: Version = (3, 11)


def support(series: Version | None) -> Support | None:
    return SERIES.get(series) if series else None


def fmt(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)
