from setuptools import setup
from setuptools_rust import Binding, RustExtension

setup(
    rust_extensions=[
        RustExtension("engine", "Cargo.toml", binding=Binding.PyO3, features=["python"]),
    ],
)
