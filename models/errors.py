"""The one exception type for errors the user can cause and fix: its message is one French sentence."""


class RelanceError(Exception):
    """A user error: the run cannot go on; the message says what to fix, in French."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()
