"""How the engine shows things: ticket and plan cards, the severity question, frameworks."""
