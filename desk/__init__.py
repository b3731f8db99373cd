"""The writing desk: what the story form offers while writing (preview, counts, autosave, presence)."""
