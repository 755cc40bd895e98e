use pyo3::prelude::*;

#[pymodule]
fn other(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
