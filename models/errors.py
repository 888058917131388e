"""The one exception type for errors the user can cause and fix: its message is one French sentence."""


class RelanceError(Exception):
    """A user error: the run cannot go on; the message says what to fix, in French."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


# errno values, as the os module names them (kept here: models/ imports nothing that touches the disk).
_DISK_FULL = {28, 122}  # ENOSPC, EDQUOT
_REFUSED = {1, 13, 30}  # EPERM, EACCES, EROFS


def write_error(error: OSError, folder: str) -> RelanceError:
    """A failed write as the user needs it: a full disk, a refused access, or the system's words."""
    if error.errno in _DISK_FULL:
        return RelanceError(
            f"Disque plein : libérez de la place dans {folder}, puis relancez ; rien n'a été écrit à moitié."
        )
    if error.errno in _REFUSED:
        return RelanceError(
            f"Impossible d'écrire dans {folder} (accès refusé) : vérifiez que le dossier n'est pas en "
            "lecture seule et qu'aucun programme n'y tient le fichier ouvert, puis relancez."
        )
    what = error.strerror or type(error).__name__
    return RelanceError(f"Impossible d'écrire dans {folder} ({what}) : vérifiez le disque, puis relancez.")
