"""govaudit serve: the office's grid of its sites and each county's page of its own, over the store.

A floor above reports and notify, below govaudit: it reads through store/, renders with scoring/'s
rulesets and reports/' names, and gets what only govaudit can do (the self-check, the report files)
as callables from the `serve` command, so it never imports govaudit. FastAPI + Jinja2 templates +
a vendored htmx (static/htmx.min.js, from the npm package htmx.org; no CDN, no build step): every
page reads with JavaScript off, htmx only makes the self-check's progress bar live."""
