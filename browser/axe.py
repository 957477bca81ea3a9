"""Accessibility (无障碍) of a few pages with axe-core, in the distribution's Chromium.

axe-core is vendored (browser/vendor/axe.min.js, MPL-2.0, its licence beside it; the version in
browser/vendor/VERSION) and injected into each page: nothing is fetched from a CDN. Its own Chinese
locale (browser/vendor/axe-locale-zh_CN.json, from the same release) gives each rule's description
in Chinese, as the notices print it. Only serious
and critical violations count (indicators/a11y.py; config/a11y.yaml), but every violation of
WCAG 2.0/2.1 A and AA is returned, counted by rule, each with a few of its elements. label-content-name-mismatch is filtered for axe's known false positive on Chinese pages
(dequelabs/axe-core#5308): it compares the visible text and the accessible name with ASCII
punctuation removed but CJK and full-width punctuation kept, so 提交。 vs 提交 fails; a node whose
texts match once those are removed too is dropped.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from browser.guard import GuardedRoutes

VENDOR = Path(__file__).with_name("vendor")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_TARGETS = 3
SKIPPED = ("image", "media", "font")

# Runs in the page: axe on the document, then the CJK-punctuation filter on the label-in-name rule.
_RUN = """async ({tags, locale}) => {
  axe.configure({locale});
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
    rules: {'label-content-name-mismatch': {enabled: true}, 'heading-order': {enabled: true}}});
  const strip = s => (s || '').replace(/[\\s\\u3000-\\u303f\\uff01-\\uff65\\p{P}]/gu, '');
  const nameOf = el => el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') || '')
      .split(/\\s+/).map(id => (document.getElementById(id) || {}).textContent || '').join('');
  return result.violations.map(v => {
    let nodes = v.nodes;
    if (v.id === 'label-content-name-mismatch') {
      nodes = nodes.filter(n => {
        const el = document.querySelector(n.target[0]);
        return !el || !strip(nameOf(el)).includes(strip(el.innerText));
      });
    }
    return {id: v.id, impact: v.impact, help: v.help, nodes: nodes.length,
            targets: nodes.slice(0, %d).map(n => n.target.join(' '))};
  }).filter(v => v.nodes > 0);
}""" % MAX_TARGETS


def axe_version() -> str:
    return (VENDOR / "VERSION").read_text(encoding="utf-8").strip()


def check_pages(browser, urls: list[str], timeout_ms: int = 15000,
                allow_net: Iterable[str] = ()) -> dict[str, dict]:
    """{url: {"violations": [{id, impact, help, nodes, targets}], "dialogs": n, "error": ""}}:
    axe's WCAG 2.1 AA violations on each page, and how many alert/confirm
    pop-ups the page opened while loading. A page that cannot be loaded has an error instead.
    Every request of the pages passes the network guard (browser/guard.py)."""
    script = (VENDOR / "axe.min.js").read_text(encoding="utf-8")
    locale = json.loads((VENDOR / "axe-locale-zh_CN.json").read_text(encoding="utf-8"))
    # Images, media and fonts are never fetched: axe reads the markup (alt text, labels, language)
    # and the styles, not the pictures. One context for the pages (one site's): its styles and
    # scripts are fetched once. A certificate problem is the HTTPS check's (crawler/tls.py).
    routes = GuardedRoutes(allow_net, skip_types=SKIPPED)
    context = browser.new_context(locale="zh-CN", ignore_https_errors=True)
    routes.attach(context)
    out = {}
    for url in urls:
        page = context.new_page()
        dialogs = []

        def on_dialog(d, seen=dialogs):
            seen.append(d.type)
            d.dismiss()
        page.on("dialog", on_dialog)
        try:
            page.goto(url, wait_until="load", timeout=timeout_ms)
            page.add_script_tag(content=script)
            violations = page.evaluate(_RUN, {"tags": TAGS, "locale": locale})
            out[url] = {"violations": violations, "dialogs": len(dialogs), "error": ""}
        except Exception as exc:   # noqa: BLE001 - one page that fails is said, the others go on
            out[url] = {"violations": [], "dialogs": len(dialogs),
                        "error": f"页面无法在浏览器中打开：{str(exc).splitlines()[0][:200]}"}
        finally:
            page.close()
    context.close()
    return out
