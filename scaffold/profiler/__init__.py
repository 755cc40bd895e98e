"""The profiler crate: its template's answers (`new` and `add-profiler` both render it) and
add-profiler's plan (which library, name, place, pyo3 requirement, membership)."""
