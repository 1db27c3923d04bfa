"""The `coach` command: the same engine as the browser app, for terminals and scripts."""
