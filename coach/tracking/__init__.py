"""Resolution tracking: covered-time arithmetic on a team's calendar, and the SLA clocks
derived from an escalation's events."""
