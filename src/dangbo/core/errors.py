"""The one domain error type: a Vietnamese message, optionally tied to a field (and a row)."""


class DomainError(Exception):
    """Raised by services and rules when input breaks a rule; nothing has been changed."""

    def __init__(self, message: str, field: str | None = None, row: int | None = None):
        self.message = message
        self.field = field
        self.row = row
        super().__init__(self.full_message)

    @property
    def full_message(self) -> str:
        return f"Dòng {self.row}: {self.message}" if self.row is not None else self.message

    def as_dict(self) -> dict:
        key = self.field or "non_field_errors"
        return {key: [self.full_message]}


class StaleVersion(DomainError):
    """The record changed since the user (or API client) read it; nothing has been changed.
    Screens show it as a form error, the API answers 409."""
