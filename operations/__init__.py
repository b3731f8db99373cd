"""Running the newsroom: ``backup`` and ``restore`` of the whole newsroom in one archive."""
