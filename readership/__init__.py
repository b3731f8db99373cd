"""Readership: how often each story is read, counted privacy-first, for the *Most read* lists.

It knows nothing of stories: a content app marks a response as a read of an id
(``counting.count_as``), and asks for the most read among the ids it offers
(``counting.most_read_ids``). What is counted and kept is in ``counting``'s docstring.
"""
