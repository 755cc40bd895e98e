use pyo3::prelude::*;

#[pymodule]
fn hyperjson(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
