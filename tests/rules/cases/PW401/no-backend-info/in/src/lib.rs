use pyo3::prelude::*;

#[pyfunction]
fn answer() -> u32 {
    42
}

#[pymodule]
#[pyo3(name = "native_engine")]
fn engine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(answer, m)?)
}
