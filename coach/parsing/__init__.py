"""The single parser: levels, durations, deadlines, numbers and hours, as people type them."""
