"""The application's error for what the user can fix (input, store, order of commands), worded in
Chinese; the command line prints it as one line and exits 2."""
from config.errors import UserError


class AuditError(UserError):
    """A problem with the user's input or store, worded in Chinese for the user."""
