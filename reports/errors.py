"""The one exception type report writing raises for the user (Chinese message, no traceback)."""


class ReportError(ValueError):
    """A report that cannot be written as asked: bad report config, no font for the charts…"""
