"""Teaching content and practice: lessons with check questions, scenarios, answers and scores."""
