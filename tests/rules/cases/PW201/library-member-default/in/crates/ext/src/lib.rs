use pyo3::prelude::*;
#[pymodule]
fn ext(_m: &Bound<'_, PyModule>) -> PyResult<()> { Ok(()) }
