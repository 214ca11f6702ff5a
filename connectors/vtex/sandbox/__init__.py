"""A faithful stand-in for VTEX's Catalog, OMS, Logistics and Pricing APIs."""

from connectors.vtex.sandbox.app import build_app
from connectors.vtex.sandbox.cli import main

__all__ = ["build_app", "main"]
