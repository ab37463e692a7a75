"""The API's body parsers: DRF's, refusing control characters in any text value.

Separate from core.api because DRF reads DEFAULT_PARSER_CLASSES while defining its views."""

from rest_framework import parsers
from rest_framework.exceptions import ValidationError

from dangbo.core.text import control_character


def refuse_control_characters(data, path: str = ""):
    """400 `{field: [message]}` when a text value of a request body holds an invisible control
    character (tab and line breaks are allowed: the body does not say which fields are
    one-line). The one place for the API: every body goes through the parsers below."""
    if isinstance(data, str):
        message = control_character(data, multiline=True)
        if message:
            raise ValidationError({path or "non_field_errors": [message]})
    elif hasattr(data, "lists"):  # a form: each key may hold several values
        for key, values in data.lists():
            refuse_control_characters(str(key), path)
            for value in values:
                refuse_control_characters(value, str(key))
    elif isinstance(data, dict):
        for key, value in data.items():
            refuse_control_characters(str(key), path)
            refuse_control_characters(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            refuse_control_characters(value, f"{path}.{index}" if path else str(index))
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return refuse_control_characters(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return refuse_control_characters(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        refuse_control_characters(parsed.data)
        return parsed
