/// The pure-Rust core; the Python bindings are opt-in (`--features python`).
pub fn add(a: i64, b: i64) -> i64 {
    a + b
}

#[cfg(feature = "python")]
mod python {
    use pyo3::prelude::*;

    #[pyfunction]
    fn add(a: i64, b: i64) -> i64 {
        super::add(a, b)
    }

    #[pymodule]
    fn engine(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add_function(wrap_pyfunction!(add, m)?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn adds() {
        assert_eq!(super::add(2, 3), 5);
    }
}
