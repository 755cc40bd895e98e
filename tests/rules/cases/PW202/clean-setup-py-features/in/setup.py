from setuptools import setup
from setuptools_rust import RustExtension

setup(
    name="mylib",
    rust_extensions=[RustExtension("mylib", "Cargo.toml", features=["pyo3/extension-module"])],
)
