"""`scaffold doctor`'s checks (interpreter, libpython at run time, toolchain and settings) and
their findings, each with a verdict and a fix."""
