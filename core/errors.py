"""One exception family for everything a user can cause or fix; mapped to exit codes and HTTP at the edge."""


class VeilError(Exception):
    """A failure the user can understand from its message alone (never contains document text)."""

    exit_code = 1
    http_status = 400


class ConfigError(VeilError):
    exit_code = 2


class UnsupportedFileError(VeilError):
    http_status = 415


class ParseError(VeilError):
    http_status = 422


class EmptyDocumentError(VeilError):
    http_status = 422


class StoreBusyError(VeilError):
    """The embedded store belongs to another process."""

    exit_code = 3
    http_status = 409


class NotFoundError(VeilError):
    http_status = 404


class PermissionDeniedError(VeilError):
    exit_code = 5
    http_status = 403


class AuthenticationError(VeilError):
    """No key, or an unknown or revoked one."""

    exit_code = 5
    http_status = 401


class RateLimitedError(VeilError):
    http_status = 429
