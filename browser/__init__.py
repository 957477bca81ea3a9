"""A real browser for what a person must see: screenshots as evidence (截图取证) and checks that
need a rendered page (accessibility). On the crawler's floor: it reads config/ and writes through
store/, and knows nothing of scoring or reports.

Playwright is an extra (`pip install govaudit[evidence]`); the browser is the distribution's
Chromium (`apt-get install chromium`), never one Playwright downloads."""
