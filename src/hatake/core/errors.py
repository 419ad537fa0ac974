"""One error base class: it carries its HTTP status and a message key rendered in ja or en."""

from __future__ import annotations

from typing import Any


class HatakeError(Exception):
    status_code = 400
    message_key = "Something went wrong."
    problem_type = "about:blank"

    def __init__(self, message_key: str | None = None, /, **params: Any) -> None:
        self.message_key = message_key or self.message_key
        self.params = params
        super().__init__(self.message_key.format(**params) if params else self.message_key)

    def render(self, gettext: Any) -> str:
        text = gettext(self.message_key)
        return text.format(**self.params) if self.params else text


class NotFound(HatakeError):
    status_code = 404
    message_key = "Not found."


class Conflict(HatakeError):
    status_code = 409
    message_key = "Conflict."


class InvalidInput(HatakeError):
    status_code = 400
    message_key = "Invalid input."


class Unauthorized(HatakeError):
    status_code = 401
    message_key = "Authentication required."


class Forbidden(HatakeError):
    status_code = 403
    message_key = "You do not have permission to do this."
