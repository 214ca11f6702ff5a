"""`ponte demo`: the main job on one machine, end to end, as a newcomer sees it.

Starts (or reuses) the local Kafka broker, the sandbox ERP and an engine worker as child
processes, and the chosen platform's sandbox in this process through the connector's sandbox
kit; creates a demo integration, subscribes the engine to the platform's order notifications,
places an order in the sandbox store and waits until it is a sales order in the ERP.
"""

from engine.demo.run import run_demo

__all__ = ["run_demo"]
