"""Prompt templates, shipped inside the coach wheel as the data package `coach.content.prompts`."""
