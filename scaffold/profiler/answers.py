"""The profiler template's answers (templates/profiler/copier.yml), the one place `new` and
`add-profiler` compute them."""

from __future__ import annotations

from collections.abc import Sequence

from scaffold import facts


def template_answers(
    *,
    library_crate: str,
    library_ident: str,
    module_name: str,
    profiler_crate: str,
    library_path: str,
    pyo3_version: str,
    pyo3_series: tuple[int, int],
    wiring: str,
    edition: str,
    pyo3_from_workspace: bool,
    workspace_package: bool,
    library_features: Sequence[str] = (),
    workload: str = "generic",
    cargo_profile: str = "release",
) -> dict[str, object]:
    """Every answer the template asks, the PyO3 API flags from `pyo3_series` (scaffold.facts).

    `workload`: "primes" for the library `new` writes, "generic" (a function to edit) for an
    existing one; `cargo_profile`: the profile the profiler's docs suggest (`new` defines
    `profiling`)."""
    return {
        "library_crate": library_crate,
        "library_ident": library_ident,
        "module_name": module_name,
        "profiler_crate": profiler_crate,
        "library_path": library_path,
        "pyo3_version": pyo3_version,
        **facts.template_flags(pyo3_series),
        "library_features": list(library_features),
        "pyo3_from_workspace": pyo3_from_workspace,
        "workspace_package": workspace_package,
        "edition": edition,
        # C string literals (`c"..."`) are reserved syntax from edition 2021 on (The Rust
        # Reference, "C string literals"; edition guide, "Reserved syntax", 2021)
        "c_string_literals": edition >= "2021",
        "cargo_profile": cargo_profile,
        "workload": workload,
        "wiring": wiring,
    }
