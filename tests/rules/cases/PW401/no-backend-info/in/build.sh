#!/bin/sh
# No maturin, no setuptools-rust: cargo builds the library, this names the file for Python.
set -e
PYO3_BUILD_EXTENSION_MODULE=1 cargo build --lib
cp "${CARGO_TARGET_DIR:-target}/debug/libengine.so" native_engine.so
