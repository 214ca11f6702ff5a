"""Every Kafka topic of Ponte, declared once, as data (see ``topics.registry``)."""
