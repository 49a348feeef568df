"""The command line: a Typer app; each capability adds its own command group."""
