"""The one seam between offline understanding and an LLM.

The `Brain` Protocol (base), its offline and LLM implementations, and the factory.
"""
