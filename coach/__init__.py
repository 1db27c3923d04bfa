"""Escalation Coach: the Customer Escalation Framework as a coach you talk to."""

__version__ = "0.1.0"
