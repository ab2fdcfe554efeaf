"""Metrics: what Kafka operators already export (Prometheus, CloudWatch, Kafka's own tools), read into figures."""
