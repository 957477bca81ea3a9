"""网站标识与元数据 (政府网站发展指引, 国办发〔2017〕47号). Pure: observations → measurements.

- identity_marks_missing: how many of the homepage's marks (config/identity.yaml: 网站标识码 matching
  the register, ICP 备案编号, 公网安备, 党政机关网站标识, 找错 entry, .gov.cn domain) are missing; one
  finding per missing mark, with what was found instead (a 网站标识码 that is not the register's).
- meta_tags_home: 1 when the homepage carries SiteName, SiteDomain and SiteIDCode, else 0;
  meta_tags_columns_pct / meta_tags_articles_pct: the share (%) of column pages carrying
  ColumnName and ColumnType, and of article pages carrying ArticleTitle, PubDate and ContentSource
  (None when the crawl read no such page); one finding per kind of page that falls short.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from indicators.findings import Finding
from indicators.observations import PageText, SiteObservations

MISSING = "identity_marks_missing"
META_HOME, META_COLUMNS, META_ARTICLES = "meta_tags_home", "meta_tags_columns_pct", "meta_tags_articles_pct"
KEYS = [MISSING, META_HOME, META_COLUMNS, META_ARTICLES]
ROLE_TITLES = {"home": "首页", "column": "栏目页", "article": "文章页"}


def homepage_marks(home: PageText | None, home_url: str, site_code: str,
                   cfg: dict) -> list[tuple[str, str, str]]:
    """(mark id, title, why) for each mark missing from the homepage."""
    text = home.text if home else ""
    links = [" ".join(m) for m in (home.marks if home else [])]
    host = urlsplit(home_url).hostname or ""
    missing = []
    for mark, spec in cfg["marks"].items():
        title = spec["title"]
        if "domain" in spec:
            if not re.search(spec["domain"], host):
                missing.append((mark, title, f"首页网址的域名 {host} 不是 .gov.cn 域名"))
        elif "link" in spec:
            if not any(re.search(spec["link"], x) for x in links):
                missing.append((mark, title, f"首页未见{title}"))
        else:
            found = re.search(spec["text"], text)
            if found is None:
                missing.append((mark, title, f"首页未见{title}"))
            elif mark == "site_code" and found.group(1) != site_code:
                missing.append((mark, title, f"首页标注的网站标识码 {found.group(1)} 与名录中的 "
                                             f"{site_code} 不一致"))
    return missing


def page_roles(obs: SiteObservations) -> dict[str, list[str]]:
    """The fetched pages of each kind: the homepage, column pages, article pages (list items)."""
    columns = [c.url for c in obs.columns if c.url in obs.pages]
    listed = {it.url for it in obs.home_items} | {it.url for c in obs.columns for it in c.items}
    articles = sorted(u for u in listed if u in obs.pages and u != obs.home_url
                      and u not in set(columns))
    return {"home": [obs.home_url] if obs.home_url in obs.pages else [], "column": columns,
            "article": articles}


def identity(obs: SiteObservations, cfg: dict) -> tuple[dict, list[Finding]]:
    home = obs.pages.get(obs.home_url)
    findings = [Finding(kind="identity_mark_missing", measure=MISSING, url=obs.home_url,
                        title=title, evidence=why)
                for _, title, why in homepage_marks(home, obs.home_url, obs.site_code, cfg)]
    values = {MISSING: len(findings)}
    roles = page_roles(obs)
    for role, key in (("home", META_HOME), ("column", META_COLUMNS), ("article", META_ARTICLES)):
        tags = cfg["meta_tags"][role]
        urls = roles[role]
        short = [(u, [t for t in tags if not obs.pages[u].meta.get(t)]) for u in urls]
        short = [(u, gone) for u, gone in short if gone]
        if not urls:
            values[key] = None
        elif role == "home":
            values[key] = 0 if short else 1
        else:
            values[key] = round(100 * (len(urls) - len(short)) / len(urls), 1)
        if short:
            url, gone = short[0]
            more = f"；共 {len(short)}/{len(urls)} 个{ROLE_TITLES[role]}缺少元数据" if role != "home" else ""
            findings.append(Finding(kind="meta_tags_missing", measure=key, url=url,
                                    title=f"{ROLE_TITLES[role]}元数据",
                                    evidence=f"缺少 {'、'.join(gone)}{more}"))
    return values, findings
