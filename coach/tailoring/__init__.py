"""Tailoring the severity levels to a company: questions, free-text profiles, rules and edits."""
