"""`scaffold add`: grow the workspace by a crate of a known kind (`plan` decides,
`crates` holds the files)."""
