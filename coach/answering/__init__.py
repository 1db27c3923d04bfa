"""Answers about the framework: level facts read from the framework, or quoted sentences."""
