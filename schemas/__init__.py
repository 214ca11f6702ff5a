"""Canonical entities of Ponte (pydantic v2), one entity per module, plus the event envelope.

This package imports nothing else of ours: connectors map platform JSON to these models, and
the engine moves them between topics.
"""
