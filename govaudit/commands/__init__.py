"""One module per govaudit command (as Scrapy's commands/<name>.py): each parses its options and
calls the pipeline; terminal.py holds what they share."""
