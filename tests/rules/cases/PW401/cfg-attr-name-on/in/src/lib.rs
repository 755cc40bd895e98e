use pyo3::prelude::*;

#[pymodule]
#[cfg_attr(feature = "other-name", pyo3(name = "other"))]
fn _native(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
