"""`scaffold test`: every test layer run the way the wiring requires (`layers` decides the
commands, `runner` runs them and keeps each layer's verdict)."""
