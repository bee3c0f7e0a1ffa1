"""LumenError: a failed C call, with the library's message."""
from . import _native


class LumenError(Exception):
    """Raised when a lumen call fails. `status` is the C status name
    ("LUMEN_ERR_IO", ...); str(error) is the library's message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def check(status):
    """Raises LumenError for a non-zero lumen_status."""
    if status != 0:
        name = _native.lib.lumen_status_name(status).decode()
        raise LumenError(name, _native.lib.lumen_last_error().decode("utf-8", "replace"))


def call(function, *args):
    check(function(*args))
