"""Cyrillic copy as correspondents file it, for the decoding and importing tests."""

UKRAINIAN = "Рютте прибув до Києва\nНовий генсек НАТО відвідав Київ.\nВізит тривав один день — «історичний»."


RUSSIAN = "Рютте прибыл в Киев\nНовый генсек НАТО посетил Киев."
