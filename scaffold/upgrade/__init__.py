"""`scaffold upgrade`: move a workspace and its PyO3 companions to another PyO3 series."""
