use pyo3::prelude::*;

#[pymodule(name = "_core")]
fn init(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
