use pyo3::prelude::*;

#[pymodule]
fn graphs(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
