"""Hand-offs: an escalation in the formats of the tools CS teams use, and pushes to them."""
