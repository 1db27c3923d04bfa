"""The web side: one user's workspace, the views Chainlit shows, and storage through SQLAlchemy."""
