"""Choices whose labels are translated.

Each label is written `gettext_lazy("…")`. `choices` keeps the labels lazy, so that a model
field, a form or a filter made at import time shows them in the language of each request;
`label` gives the words in the active language as a plain str, so that a label read at run
time can be compared, searched for or joined like any text."""

from enum import property as enum_property

from django.db import models
from django.db.models.enums import ChoicesType


class TranslatedChoicesType(ChoicesType):
    @property
    def choices(cls):
        empty = [(None, cls.__empty__)] if hasattr(cls, "__empty__") else []
        return empty + [(member.value, member._label_) for member in cls]


class TextChoices(models.TextChoices, metaclass=TranslatedChoicesType):
    """Django's TextChoices, with `label` in the active language (a str) and lazy `choices`."""

    @enum_property
    def label(self):
        return str(self._label_)
