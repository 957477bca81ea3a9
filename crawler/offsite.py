"""Off-site link checks of one crawler process: each URL asked once for all its sites (the answer
kept for the next site that links to it), each other host asked at most `per_host` times.

A link farm (1,000 unique off-site links a page) made the crawler send 52,273 requests to other
hosts for a page budget of 50; with the per-site budget (crawler.frontier) and these, what one site
makes us send is bounded, and the national portal every site links to is asked once, not 1,000 times.
"""
from __future__ import annotations

from collections import OrderedDict

from crawler.checks import Outcome
from crawler.frontier import host_of


class OffsiteChecks:
    def __init__(self, per_host: int, keep: int):
        self.per_host, self.keep = per_host, keep
        self.asks: dict[str, int] = {}                      # host → checks sent to it
        self.answers: OrderedDict[str, tuple[Outcome, int]] = OrderedDict()   # the latest `keep`
        self.waiting: dict[str, list[str]] = {}             # URL asked → codes of sites waiting

    def known(self, url: str) -> tuple[Outcome, int] | None:
        """(outcome, attempts) of an earlier check of this URL, if still kept."""
        answer = self.answers.get(url)
        if answer is not None:
            self.answers.move_to_end(url)
        return answer

    def asked(self, url: str) -> bool:
        return url in self.waiting

    def wait(self, url: str, code: str) -> None:
        self.waiting[url].append(code)

    def host_has_room(self, url: str) -> bool:
        return self.asks.get(host_of(url), 0) < self.per_host

    def ask(self, url: str, shared: bool) -> None:
        host = host_of(url)
        self.asks[host] = self.asks.get(host, 0) + 1
        if shared:
            self.waiting[url] = []

    def done(self, url: str, outcome: Outcome, attempts: int) -> list[str]:
        """Record the answer; returns the codes of the sites that were waiting for it."""
        self.answers[url] = (outcome, attempts)
        while len(self.answers) > self.keep:
            self.answers.popitem(last=False)
        return self.waiting.pop(url, [])
