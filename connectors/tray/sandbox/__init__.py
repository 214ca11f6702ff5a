"""A faithful local stand-in for Tray's API (``ponte sandbox tray``)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    """Serve the sandbox until SIGINT/SIGTERM (imported lazily: the registry stays light)."""
    from connectors.tray.sandbox.cli import main as serve_main

    serve_main(argv)
