"""One error base class: it carries its HTTP status and a message key rendered in ja or en."""

from __future__ import annotations

from typing import Any


class HatakeError(Exception):
    status_code = 400
    message_key = "Something went wrong."
    problem_type = "about:blank"
    # Extra response headers (Retry-After on 429); the error handler sends them.
    headers: dict[str, str] | None = None

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


class ConfigKeyError(HatakeError):
    """One key of a config.toml section that a capability checks when it uses it: the detail
    names the key and the reason, both translated. A subclass gives its section's title
    (``message_key``) and detail (``detail_key``, with ``{field}`` and ``{reason}``)."""

    status_code = 400
    detail_key = "config.toml {field}: {reason}"

    def __init__(self, field: str, reason: str, **params: Any) -> None:
        super().__init__(self.detail_key, field=field, reason=reason, **params)

    def render(self, gettext: Any) -> str:
        reason = gettext(self.params["reason"]).format(**self.params)
        return gettext(self.detail_key).format(**{**self.params, "reason": reason})


class Unauthorized(HatakeError):
    status_code = 401
    message_key = "Authentication required."


class Forbidden(HatakeError):
    status_code = 403
    message_key = "You do not have permission to do this."


class InvalidField(HatakeError):
    """Well-formed input that names something unusable (an unknown external id, a sort field
    that is not allowed, a tampered cursor): 422 like payload validation, and the problem
    document names the field, the value and the reason."""

    status_code = 422
    message_key = "The request is not valid."

    def __init__(self, message_key: str, /, *, field: str, value: object, **params: Any) -> None:
        super().__init__(message_key, field=field, value=value, **params)

    def problem_extra(self) -> dict[str, Any]:
        value = self.params["value"]
        return {
            "errors": [
                {
                    "field": self.params["field"],
                    "value": value
                    if value is None or isinstance(value, int | float)
                    else str(value),
                    "message": str(self),
                    "type": "invalid_value",
                }
            ]
        }


class RateLimited(HatakeError):
    """Too many requests for one API token; the headers say when to try again."""

    status_code = 429
    message_key = "Too many requests."

    def __init__(self, *, seconds: int, limit: int) -> None:
        super().__init__(
            "Too many requests for this token; try again in {seconds} seconds.", seconds=seconds
        )
        self.headers = {
            "Retry-After": str(seconds),
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": "0",
        }
