//! Puts libpython's directory on this binary's rpath, so it runs without LD_LIBRARY_PATH.
//!
//! A dependency's build script cannot do this for us: `cargo:rustc-link-arg` applies only to the
//! package whose build script prints it. `add_libpython_rpath_link_args` exists in
//! pyo3-build-config >= 0.28 and does nothing where no rpath is needed (Windows, static builds).

fn main() {
    pyo3_build_config::add_libpython_rpath_link_args();
}
