"""`ponte demo`: the main job on one machine, end to end, as a newcomer sees it.

Starts (or reuses) the local Kafka broker, the sandbox ERP and an engine worker as child
processes, and the chosen platform's sandbox in this process through the connector's sandbox
kit; creates a demo integration, subscribes the engine to the platform's order notifications,
places an order in the sandbox store and waits until it is a sales order in the ERP.
"""

# The Shopify demo's order now lives with the kit that places it; bench/ still reads it here.
from connectors.shopify.sandbox.kit import BRAZILIAN_ORDER as DEMO_ORDER
from engine.demo.run import run_demo

__all__ = ["DEMO_ORDER", "run_demo"]
