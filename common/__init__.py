"""Small helpers every app may use, depending on nothing of ours: slug rules and database housekeeping.

Not an app (no models, no templates): the bottom layer of docs/architecture.md.
"""
