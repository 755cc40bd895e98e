"""pyo3-scaffold: Cargo workspace scaffolder and feature manager for PyO3 extension modules.

The public API is a thin layer over the commands; `scaffold.cli` is the command line.
Heavy modules (copier, questionary, gitpython) are imported only by the commands that render.
"""

__version__ = "0.3.0"

__all__ = ["__version__"]
