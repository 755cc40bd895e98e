from setuptools import setup
from setuptools_rust import RustExtension

# `default` enables extension-module, but the build turns default features off.
setup(
    name="mylib",
    rust_extensions=[RustExtension("mylib", "Cargo.toml", args=["--no-default-features"])],
)
