"""Understanding escalations offline: severity signals, classification and ticket extraction."""
