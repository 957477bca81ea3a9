"""The one exception type report writing raises for the user (Chinese message, no traceback)."""
from config.errors import UserError


class ReportError(UserError, ValueError):
    """A report that cannot be written as asked: bad report config, no font for the charts…"""
