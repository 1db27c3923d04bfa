"""Conversation modes: each is a plug-in implementing `base.Mode`."""
