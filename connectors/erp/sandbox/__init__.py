"""A faithful local stand-in for the Eccosys-style ERP API, used by tests and the demo."""

from connectors.erp.sandbox.app import SandboxConfig, build_app
from connectors.erp.sandbox.server import main, running_sandbox

__all__ = ["SandboxConfig", "build_app", "main", "running_sandbox"]
