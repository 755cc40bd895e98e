use pyo3::prelude::*;

#[pymodule]
fn mylib(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
