"""reportgen: Kafka TCO, downtime-cost and ROI reports from one JSON assessment per customer."""

__version__ = "0.1.0"
