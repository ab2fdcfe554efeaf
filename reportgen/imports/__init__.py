"""Imports: the customer's own bill and metrics read into the assessment, each value with its provenance.

`invoke import` reads cost exports (FOCUS, the AWS cost and usage report 2.0, Confluent Cloud costs) and
workload exports (Prometheus, CloudWatch, Kafka's own tools), proposes the values they measure beside the
ones typed, and with --apply writes them into inputs/<customer>.json (proposal.py, apply.py, cli.py).
"""
