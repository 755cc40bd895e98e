"""Facts about PyO3 and the Python build backends: the one home of every version threshold.

Each fact cites where it comes from. "CHANGELOG" is PyO3's CHANGELOG.md (shipped in the pyo3
0.30.1 crate); "guide" is the PyO3 guide (`guide/src/` of the same crate, or pyo3.rs/vX.Y).
Series are PyO3 `(major, minor)` pairs such as `(0, 26)`; for 0.x the minor is the
compatibility series (`"0.26"` in a Cargo requirement means `>=0.26.0, <0.27.0`).

Nothing else in `scaffold/` or `templates/` compares against a PyO3 version literal
(tests/test_facts.py checks it): callers ask the functions below, templates get booleans.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

Series = tuple[int, int]
Version = tuple[int, ...]

# --- `extension-module` and its replacement ---------------------------------------------------

ENV_WIRING_SINCE: Series = (0, 26)
"""PyO3 reads `PYO3_BUILD_EXTENSION_MODULE` (same effect as the `extension-module` feature).
CHANGELOG 0.26.0, PR #5343; pyo3-build-config `is_extension_module`."""

FEATURE_DEPRECATED_SINCE: Series = (0, 28)
"""The guide marks the `extension-module` feature deprecated ("users should remove this feature
and upgrade to maturin >= 1.9.4 or setuptools-rust >= 1.12"): PR #5588 (docs: replace the
`extension-module` feature), first released in 0.28 (guide/src/features.md of pyo3 0.28.x).
The feature still exists in 0.30.1 (`extension-module = ["pyo3-ffi/extension-module"]`)."""

GENERATE_IMPORT_LIB_NOOP_SINCE: Series = (0, 29)
"""`generate-import-lib` is deprecated and has no effect (raw-dylib linking on Windows):
CHANGELOG 0.29.0, PR #5866; guide/src/features.md."""

# --- build scripts ----------------------------------------------------------------------------

RPATH_HELPER_SINCE: Series = (0, 28)
"""`pyo3_build_config::add_libpython_rpath_link_args()` exists: CHANGELOG 0.28.0, PR #5624."""

GENERATED_STUBS_SINCE: Series = (0, 29)
"""maturin generates the type stub from the built binary (`--generate-stubs`, PyO3's
`experimental-inspect` feature): PyO3's guide, "Type stub generation", lists build tools
exposing it from 0.29 (0.27 and 0.28: "Not done yet"); maturin 1.16 `build --help`:
`--generate-stubs ... Requires PyO3 and its "experimental-inspect" feature`."""

FRAMEWORK_LINK_ARGS_SINCE: Series = (0, 24)
"""`pyo3_build_config::add_python_framework_link_args()` (macOS framework builds: the
framework's prefix on the rpath) exists: read in pyo3-build-config 0.24.2's src/lib.rs, the
oldest series `new` supports; older series are not claimed."""

CONFIG_GETTERS_SINCE: Series = (0, 29)
"""`InterpreterConfig` has getters (`lib_name()`, `lib_dir()`, `executable()`, `version()`) and
direct field access is deprecated: CHANGELOG 0.29.0, PR #6034. Before, the fields are public
(pyo3-build-config 0.24.2 to 0.28.3 src/impl_.rs). In every series from 0.24, a native Windows
build sets `lib_dir` to `{sys.base_prefix}\\libs` and `lib_name` to the DLL's name without
`.dll` (`python3XY`, `python3` for abi3, `python3XYt` free-threaded, `_d` debug:
`default_lib_name_windows`); pyo3-ffi 0.29+ links it with `kind = "raw-dylib"` (CHANGELOG 0.29.0,
PR #5866), older series through `pythonXY.lib`: either way the DLL is in the binary's import
table, with data symbols (`PyExc_*`, `_Py_NoneStruct`), so it must be found when the process
loads, before `main`."""

BUILD_CONFIG_NEEDS_DIRECT_DEP_SINCE: Series = (0, 29)
"""`pyo3_build_config` APIs need a direct dependency on `pyo3` or `pyo3-ffi` in the same crate
(pyo3-build-config no longer inlines its configuration): guide/src/migration.md, "from 0.28.*
to 0.29"."""

LIB_DIR_SINCE: Series = (0, 15)
"""`pyo3_build_config::get().lib_dir` (a hand-written rpath build script's fallback) is public
from pyo3-build-config 0.14.5 (CHANGELOG 0.14.5, #1848), so in every 0.15 release."""

AUTO_INITIALIZE_FEATURE_SINCE: Series = (0, 14)
"""`auto-initialize` is an opt-in feature from 0.14 (CHANGELOG 0.14.0, #1443; it appeared in
0.13.1, on by default, #1347); before that the interpreter starts by itself."""

# --- Rust API used by the templates -----------------------------------------------------------

ATTACH_API_SINCE: Series = (0, 26)
"""`Python::with_gil` / `allow_threads` renamed `attach` / `detach`: CHANGELOG 0.26.0,
PRs #5209 and #5221 (guide/src/migration.md "from 0.25.* to 0.26")."""

WITH_GIL_REMOVED_SINCE: Series = (0, 28)
"""The old names are gone: CHANGELOG 0.28.0 "Remove all functionality deprecated in PyO3 0.25
and 0.26", PR #5740."""

DECLARATIVE_MODULES_SINCE: Series = (0, 22)
"""`#[pymodule] mod` (declarative modules) stable without a feature: CHANGELOG 0.22.0,
PR #4257."""


@dataclass(frozen=True)
class ApiChange:
    """A PyO3 Rust API renamed or removed: `pattern` (a regex on code) and its replacement,
    or None when a person must rewrite the call."""

    pattern: str
    replacement: str | None
    what: str
    deprecated: Series
    removed: Series | None
    source: str


API_CHANGES: tuple[ApiChange, ...] = (
    ApiChange(
        r"\bwith_gil_unchecked\b",
        "attach_unchecked",
        "`Python::with_gil_unchecked` is `Python::attach_unchecked`",
        ATTACH_API_SINCE,
        WITH_GIL_REMOVED_SINCE,
        "CHANGELOG 0.26.0 #5340; 0.28.0 #5740",
    ),
    ApiChange(
        r"\bwith_gil\b",
        "attach",
        "`Python::with_gil` is `Python::attach`",
        ATTACH_API_SINCE,
        WITH_GIL_REMOVED_SINCE,
        "CHANGELOG 0.26.0 #5209; 0.28.0 #5740",
    ),
    ApiChange(
        r"\ballow_threads\b",
        "detach",
        "`Python::allow_threads` is `Python::detach`",
        ATTACH_API_SINCE,
        WITH_GIL_REMOVED_SINCE,
        "CHANGELOG 0.26.0 #5221; 0.28.0 #5740",
    ),
    ApiChange(
        r"\bassume_gil_acquired\b",
        "assume_attached",
        "`Python::assume_gil_acquired` is `Python::assume_attached`",
        ATTACH_API_SINCE,
        WITH_GIL_REMOVED_SINCE,
        "CHANGELOG 0.26.0 #5354; 0.28.0 #5740",
    ),
    ApiChange(
        r"\bGILOnceCell\b",
        "PyOnceLock",
        "`GILOnceCell` is `PyOnceLock`",
        ATTACH_API_SINCE,
        WITH_GIL_REMOVED_SINCE,
        "CHANGELOG 0.26.0 #5223; 0.28.0 #5740",
    ),
    ApiChange(
        r"\bprepare_freethreaded_python\b",
        None,
        "`pyo3::prepare_freethreaded_python()` is `Python::initialize()`",
        ATTACH_API_SINCE,
        WITH_GIL_REMOVED_SINCE,
        "CHANGELOG 0.26.0 #5247; 0.28.0 #5740",
    ),
    ApiChange(
        r"\bGILProtected\b",
        None,
        "`GILProtected` is deprecated (use a mutex)",
        ATTACH_API_SINCE,
        WITH_GIL_REMOVED_SINCE,
        "CHANGELOG 0.26.0 #5285; 0.28.0 #5740",
    ),
    ApiChange(
        r"(?<!ffi::)\bPyObject\b(?!_)",
        None,
        "the `PyObject` alias is `Py<PyAny>`",
        ATTACH_API_SINCE,
        WITH_GIL_REMOVED_SINCE,
        "CHANGELOG 0.26.0 #5325; 0.28.0 #5740",
    ),
    ApiChange(
        r"\bimport_exception_bound!",
        "import_exception!",
        "`import_exception_bound!` is `import_exception!`",
        (0, 27),
        (0, 29),
        "CHANGELOG 0.27.0 #5480; 0.29.0 #6068",
    ),
    ApiChange(
        r"\.downcast(_into)?(_exact)?(_unchecked)?\b",
        None,
        "`PyAnyMethods::downcast*` are `Bound::cast*`",
        (0, 27),
        (0, 29),
        "CHANGELOG 0.27.0 #5472; 0.29.0 #6068",
    ),
    ApiChange(
        r"#\[pyfn\b",
        None,
        "`#[pyfn]` is deprecated (use `#[pyfunction]` and `add_function`)",
        (0, 27),
        (0, 29),
        "CHANGELOG 0.27.0 #5384; 0.29.0 #6068",
    ),
    ApiChange(
        r"\bPy(::<[^>]*>)?::from_(owned|borrowed)_ptr",
        None,
        "`Py::from_owned_ptr` and "
        "`from_borrowed_ptr*` are deprecated (use `Bound::from_*_ptr(py, ...).unbind()`)",
        (0, 28),
        (0, 30),
        "CHANGELOG 0.28.0 #5585; 0.30.0 #6519",
    ),
)
"""Renames and removals a PyO3 upgrade meets in Rust code (guide/src/migration.md; the
CHANGELOG entries cited). `scaffold upgrade` lists uses with file:line and applies the
mechanical renames only with --unsafe-fixes (a text match cannot tell PyO3's method from
another type's)."""


def api_changes(new: Series) -> list[ApiChange]:
    """The changes code built with `new` meets: deprecated, or removed, by `new` (a use of an
    API removed before `new` is listed too: the code no longer compiles)."""
    return [c for c in API_CHANGES if c.deprecated <= new]


# --- free-threaded CPython ---------------------------------------------------------------------

FREE_THREADED_SINCE: Series = (0, 23)
"""Builds for free-threaded CPython and `#[pymodule(gil_used = false)]`: CHANGELOG 0.23.0,
PR #4588 ("Support free-threaded Python 3.13t", "Add `#[pymodule(gil_used = false)]`")."""

FREE_THREADED_PYTHON: tuple[int, int] = (3, 14)
"""The free-threaded CPython that release CI builds for (`3.14t`): CHANGELOG 0.29.0, PR #5865
"Drop support for Python 3.13t (3.14t and above continue to be supported; CPython declared
free-threading supported starting with Python 3.14)"; maturin 1.16 `generate-ci github` builds
`-i python3.14t`."""


def builds_free_threaded(series: Series) -> bool:
    """Whether PyO3 `series` builds a version-specific wheel for CPython 3.14t (free-threading
    support and 3.14 among its supported Pythons, SUPPORT)."""
    found = support(series)
    return (
        series >= FREE_THREADED_SINCE
        and found is not None
        and found.python_max is not None
        and found.python_max >= FREE_THREADED_PYTHON
    )


# --- which PyO3 `scaffold new` offers ---------------------------------------------------------

NEWEST_SUPPORTED: Series = (0, 30)
"""The newest PyO3 series this release was tested with (tests/e2e/test_variants.py)."""

OLDEST_SUPPORTED: Series = (0, 24)
"""The oldest PyO3 series the templates compile with (tests/e2e/test_variants.py builds it):
needs declarative modules (0.22), the submodule semantics of 0.23 (CHANGELOG 0.23.0, #4308),
and `abi3-py313` (0.24.1, PR #4969)."""

DEFAULT_SERIES: Series = NEWEST_SUPPORTED
"""What `scaffold new` writes without `--pyo3`. It still has the `extension-module` feature
that `feature` wiring uses (0.30.1 Cargo.toml); when a release drops the feature, this stays
on the last one that has it."""

# --- what each series supports ----------------------------------------------------------------


@dataclass(frozen=True)
class Support:
    """One PyO3 series' minimum Rust and the CPython versions it builds for."""

    msrv: tuple[int, int]
    python_min: tuple[int, int]
    python_max: tuple[int, int] | None  # None: PyO3 did not check a maximum yet (< 0.20.3)


SUPPORT: dict[Series, Support] = {
    (0, 14): Support((1, 41), (3, 6), None),
    (0, 15): Support((1, 41), (3, 6), None),
    (0, 16): Support((1, 48), (3, 7), None),  # 0.16.0: MSRV 1.48 #2004, drop 3.6 #2006
    (0, 17): Support((1, 48), (3, 7), None),
    (0, 18): Support((1, 48), (3, 7), None),
    (0, 19): Support((1, 48), (3, 7), None),
    (0, 20): Support((1, 56), (3, 7), (3, 12)),  # 0.20.0: MSRV 1.56 #3208, support 3.12
    (0, 21): Support((1, 56), (3, 7), (3, 12)),
    (0, 22): Support((1, 63), (3, 7), (3, 13)),  # 0.22.0: MSRV 1.63 #4129, support 3.13
    (0, 23): Support((1, 63), (3, 7), (3, 13)),
    (0, 24): Support((1, 63), (3, 7), (3, 13)),
    (0, 25): Support((1, 63), (3, 7), (3, 14)),  # 0.25.0: support 3.14
    (0, 26): Support((1, 74), (3, 7), (3, 14)),  # 0.26.0: MSRV 1.74 #5171
    (0, 27): Support((1, 74), (3, 7), (3, 14)),
    (0, 28): Support((1, 83), (3, 7), (3, 14)),  # 0.28.0: MSRV 1.83 #5531
    (0, 29): Support((1, 83), (3, 8), (3, 15)),  # 0.29.0: drop 3.7 #5912, support 3.15
    (0, 30): Support((1, 85), (3, 9), (3, 15)),  # 0.30.0: drop 3.8 #6128, MSRV 1.85 #6459
}
"""Sources: CHANGELOG "Bump/Update MSRV" and "Drop support for Python 3.x" lines; the maximum is
checked at build time since 0.20.3 (#3821), from pyo3-ffi build.rs `SUPPORTED_VERSIONS_CPYTHON`
(0.30.1: 3.9..=3.15)."""

PYPY_MIN: dict[Series, tuple[int, int]] = {(0, 30): (3, 11)}
"""Oldest PyPy language version per series, where known: pyo3-ffi 0.30.1 build.rs
`SUPPORTED_VERSIONS_PYPY.min`."""


def support(series: Series | None) -> Support | None:
    """What `series` supports, or None when this table does not know it."""
    return SUPPORT.get(series) if series else None


def msrv(series: Series) -> tuple[int, int] | None:
    found = support(series)
    return found.msrv if found else None


def python_min(series: Series, implementation: str = "CPython") -> tuple[int, int] | None:
    """The oldest Python `series` builds for (PyPy's own floor where known)."""
    if implementation == "PyPy" and series in PYPY_MIN:
        return PYPY_MIN[series]
    found = support(series)
    return found.python_min if found else None


def abi3_floor(series: Series) -> tuple[int, int] | None:
    """The oldest `abi3-py3X` feature `series` has: its oldest supported Python. The features
    go with the Pythons: `abi3-py36` removed in 0.16 (#2006), `abi3-py37` gone in 0.29 (#5912),
    `abi3-py38` in 0.30 (#6128; the 0.29.0 crate's features start at `abi3-py38`)."""
    return python_min(series)


ABI3_NEWEST_IN_ALL_SUPPORTED: tuple[int, int] = (3, 13)
"""`abi3-py313` exists in every series from OLDEST_SUPPORTED (added in 0.24.1, PR #4969)."""

# --- build backends ---------------------------------------------------------------------------

BACKEND_ENV_FLOORS: dict[str, Version] = {"maturin": (1, 9, 4), "setuptools-rust": (1, 12, 0)}
"""The first releases that set `PYO3_BUILD_EXTENSION_MODULE` (what `env` wiring needs): the
guide ("maturin >= 1.9.4 and setuptools-rust >= 1.12 will set this for you automatically",
building-and-distribution.md); setuptools-rust CHANGELOG 1.12.0, PR #540."""

BACKEND_FLOOR_SPECIFIERS: dict[str, str] = {"maturin": ">=1.9.4", "setuptools-rust": ">=1.12"}
"""The floors as written in `build-system.requires` (the guide's spelling)."""


def backend_env_floor(backend: str) -> Version | None:
    """The first release of `backend` that sets PYO3_BUILD_EXTENSION_MODULE, if it is one."""
    return BACKEND_ENV_FLOORS.get(backend)


# --- Cargo's manifest schema ------------------------------------------------------------------

CARGO_MANIFEST_KEYS = frozenset(
    """cargo-features package project profile lib bin example test bench dependencies
    dev-dependencies dev_dependencies build-dependencies build_dependencies features target
    replace patch workspace badges lints hints""".split()
)
"""The top-level keys cargo reads; any other it ignores with "warning: unused manifest key"
(cargo-util-schemas `TomlManifest`; `hints` checked with cargo 1.95, which accepts it)."""

CARGO_WORKSPACE_KEYS = frozenset(
    "members exclude default-members resolver metadata package dependencies lints".split()
)
"""The keys of `[workspace]` (cargo-util-schemas `TomlWorkspace`); others warn as
`unused manifest key: workspace.KEY`."""


# --- crates whose versions follow PyO3's ------------------------------------------------------


class Follows(Enum):
    """How a companion crate's version follows the PyO3 series it is built for."""

    SAME_VERSION = "same-version"
    """Released with PyO3, same version; pyo3 pins it to the exact patch (CHANGELOG 0.20.2,
    PR #3721)."""
    SAME_MINOR = "same-minor"
    """Its 0.N release requires pyo3 0.N (one release line per PyO3 minor)."""
    OWN_SERIES = "own-series"
    """Own version line; each release states the pyo3 range it accepts (resolve it from the
    registry: the newest release whose pyo3 requirement admits the series)."""


COMPANIONS: dict[str, Follows] = {
    "pyo3-ffi": Follows.SAME_VERSION,
    "pyo3-build-config": Follows.SAME_VERSION,
    "pyo3-macros": Follows.SAME_VERSION,
    # rust-numpy README: "numpy 0.N requires pyo3 0.N" since numpy 0.21.
    "numpy": Follows.SAME_MINOR,
    # One 0.N per pyo3 0.N: pythonize 0.26.0 requires pyo3 ^0.26 (deps.rs/crate/pythonize/0.26.0);
    # pyo3-async-runtimes 0.27.0 requires pyo3 ^0.27 (docs.rs/pyo3-async-runtimes/0.27.0).
    "pythonize": Follows.SAME_MINOR,
    "pyo3-async-runtimes": Follows.SAME_MINOR,
    # pyo3-log: its own 0.x line, pyo3 as a range (vorner/pyo3-log PR #72: ">=0.26,<0.28";
    # pyo3-log 0.9.0: ">=0.15, <0.21").
    "pyo3-log": Follows.OWN_SERIES,
}
"""Crates pinned to a PyO3 minor. Concrete newest versions are never stored here; whoever
needs one resolves it from the registry."""


PYO3_FAMILY = ("pyo3", *(p for p, f in COMPANIONS.items() if f is Follows.SAME_VERSION))
"""PyO3's own crates, released together at one version: pyo3 0.30.1's Cargo.toml requires
pyo3-ffi, pyo3-macros and (build) pyo3-build-config `=0.30.1`."""

EXTENSION_MODULE_PACKAGES = ("pyo3", "pyo3-ffi", "pyo3-build-config")
"""Packages whose own `extension-module` feature is PyO3's, each enabling the next (0.30.1
Cargo.toml files: pyo3 `["pyo3-ffi/extension-module"]`, pyo3-ffi
`["pyo3-build-config/extension-module"]`, pyo3-build-config `[]`)."""


def pinned_to_pyo3_minor(package: str) -> bool:
    """Whether `package`'s version names the PyO3 minor it needs (same minor or same version)."""
    return COMPANIONS.get(package) in (Follows.SAME_VERSION, Follows.SAME_MINOR)


LINKS_PYTHON = ("pyo3", "pyo3-ffi")
"""PyO3 crates that declare `links`: Cargo allows one package per `links` value in a build
graph ("links to the native library `python`"), so two minors of these cannot be built
together. pyo3-ffi declares `links = "python"` and pyo3 (which depends on it)
`links = "pyo3-python"` (their Cargo.toml, 0.24 to 0.30; pyo3 CHANGELOG 0.15, PR #1819).
pyo3-build-config and pyo3-macros declare none: two minors of them coexist in one graph (and
in Cargo.lock)."""


def links_python(package: str) -> bool:
    """Whether a requirement on `package` brings a `links = "python"` crate into the build: the
    sys crate and pyo3 themselves, and the companions one release line per PyO3 minor
    (`numpy`, `pythonize`, ... depend on that minor's pyo3)."""
    return package in LINKS_PYTHON or COMPANIONS.get(package) is Follows.SAME_MINOR


# --- questions the rules, commands and templates ask ------------------------------------------


def supports_env_wiring(series: Series) -> bool:
    """Whether PyO3 `series` reads PYO3_BUILD_EXTENSION_MODULE (so `env` wiring works)."""
    return series >= ENV_WIRING_SINCE


def feature_deprecated(series: Series) -> bool:
    """Whether the `extension-module` feature is deprecated in `series`."""
    return series >= FEATURE_DEPRECATED_SINCE


def has_rpath_helper(series: Series) -> bool:
    """Whether `pyo3_build_config::add_libpython_rpath_link_args()` exists in `series`."""
    return series >= RPATH_HELPER_SINCE


def generates_stubs(series: Series) -> bool:
    """Whether maturin can generate the type stub of a module built with PyO3 `series`."""
    return series >= GENERATED_STUBS_SINCE


def has_framework_helper(series: Series) -> bool:
    """Whether `pyo3_build_config::add_python_framework_link_args()` is known in `series`."""
    return series >= FRAMEWORK_LINK_ARGS_SINCE


def has_lib_dir(series: Series) -> bool:
    """Whether `InterpreterConfig::lib_dir` is public in `series`."""
    return series >= LIB_DIR_SINCE


def auto_initialize_is_a_feature(series: Series) -> bool:
    """Whether `auto-initialize` must be enabled explicitly in `series`."""
    return series >= AUTO_INITIALIZE_FEATURE_SINCE


def build_config_needs_direct_dep(series: Series) -> bool:
    """Whether a build script using `pyo3_build_config` needs pyo3/pyo3-ffi as a direct dep."""
    return series >= BUILD_CONFIG_NEEDS_DIRECT_DEP_SINCE


def generate_import_lib_noop(series: Series) -> bool:
    """Whether `generate-import-lib` does nothing in `series`."""
    return series >= GENERATE_IMPORT_LIB_NOOP_SINCE


def has_config_getters(series: Series) -> bool:
    """Whether `InterpreterConfig` is read through getters in `series` (else public fields)."""
    return series >= CONFIG_GETTERS_SINCE


def has_attach_api(series: Series) -> bool:
    """Whether `Python::attach` / `detach` exist in `series` (else `with_gil` / `allow_threads`)."""
    return series >= ATTACH_API_SINCE


def supported_by_new(series: Series) -> bool:
    """Whether `scaffold new` renders templates that compile with `series`."""
    return series >= OLDEST_SUPPORTED


def newer_than_tested(series: Series) -> bool:
    return series > NEWEST_SUPPORTED


def format_series(series: Series) -> str:
    """`(0, 26)` -> `"0.26"`."""
    return f"{series[0]}.{series[1]}"


def fmt(version: tuple[int, ...]) -> str:
    """Any dotted version tuple as text: `(1, 9, 4)` -> `"1.9.4"`."""
    return ".".join(str(part) for part in version)


def template_flags(series: Series) -> dict[str, bool]:
    """The booleans the copier templates branch on (no version thresholds in Jinja)."""
    return {
        "pyo3_attach_api": has_attach_api(series),
        "pyo3_rpath_helper": has_rpath_helper(series),
        "pyo3_framework_helper": has_framework_helper(series),
        "pyo3_config_getters": has_config_getters(series),
        "pyo3_feature_deprecated": feature_deprecated(series),
    }


# --- pyo3's own `[features]` table (the feature model reads it for a registry pyo3) ----------

PYO3_FEATURES: dict[str, list[str]] = {
    "abi3": ["pyo3-ffi/abi3"],
    **{f"abi3-py3{m}": [f"abi3-py3{m + 1}", f"pyo3-ffi/abi3-py3{m}"] for m in range(9, 15)},
    "abi3-py315": ["abi3", "pyo3-ffi/abi3-py315"],
    "abi3t": ["pyo3-ffi/abi3t"],
    "abi3t-py315": ["abi3t", "pyo3-ffi/abi3t-py315"],
    "arc_lock": ["lock_api", "lock_api/arc_lock", "parking_lot?/arc_lock"],
    "auto-initialize": [],
    "bigdecimal": ["dep:bigdecimal", "num-bigint"],
    "chrono-local": ["chrono/clock", "dep:iana-time-zone"],
    "default": ["macros"],
    "experimental-async": ["macros", "pyo3-macros/experimental-async"],
    "experimental-inspect": ["pyo3-macros/experimental-inspect"],
    "extension-module": ["pyo3-ffi/extension-module"],
    "full": [
        "macros",
        "anyhow",
        "arc_lock",
        "bigdecimal",
        "bytes",
        "chrono",
        "chrono-local",
        "chrono-tz",
        "either",
        "experimental-async",
        "experimental-inspect",
        "eyre",
        "hashbrown",
        "indexmap",
        "jiff-02",
        "lock_api",
        "num-bigint",
        "num-complex",
        "num-rational",
        "ordered-float",
        "parking_lot",
        "py-clone",
        "rust_decimal",
        "serde",
        "smallvec",
        "time",
        "uuid",
    ],
    "generate-import-lib": ["pyo3-ffi/generate-import-lib"],
    "macros": ["pyo3-macros"],
    "multiple-pymethods": ["inventory", "pyo3-macros/multiple-pymethods"],
    "nightly": [],
    "num-bigint": ["dep:num-bigint", "dep:num-traits"],
    "parking_lot": ["dep:parking_lot", "lock_api"],
    "py-clone": [],
}
"""pyo3 0.30.1's `[features]`, verbatim (the crate's normalised Cargo.toml). What `default`,
`full` or `abi3-py39` turn on inside pyo3 is read from here; its optional dependencies below."""

PYO3_OPTIONAL_DEPENDENCIES: tuple[str, ...] = (
    "anyhow",
    "bigdecimal",
    "bytes",
    "chrono",
    "chrono-tz",
    "either",
    "eyre",
    "hashbrown",
    "iana-time-zone",
    "indexmap",
    "inventory",
    "jiff-02",
    "lock_api",
    "num-bigint",
    "num-complex",
    "num-rational",
    "num-traits",
    "ordered-float",
    "parking_lot",
    "pyo3-macros",
    "rust_decimal",
    "serde",
    "smallvec",
    "time",
    "uuid",
)
"""pyo3 0.30.1's `optional = true` dependencies (same Cargo.toml); those no feature names with
`dep:` are also implicit features (`macros = ["pyo3-macros"]` enables one)."""
