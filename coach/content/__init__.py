"""The coach's content: knowledge files, prompt templates and frameworks, as package data."""
