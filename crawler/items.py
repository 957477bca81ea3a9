"""The records the spider yields, as plain dicts tagged by "_t" (cheap to build, pickle and store);
crawler.pipelines.TABLES says which table (and unique key) each stored kind's rows go to.

  page          an internal HTML page fetched (url, status, title, its own publication date;
                replace: fetched again, its row is overwritten)
  text          what a page says (pagetext.PageText as a dict), for the serious-error scans
  home_page     the homepage's role (a navigation entry, or one of its second-level pages)
  column        a column's first page (name as linked, meta name/type, blank?)
  column_find   one way a column was found (menu, channel page, site map …) and what it called it
  gated         a column page that needs a login or captcha before it shows anything
  online        a link to an online system (filing, query), for the online-systems check
  items         the entries of one list page (homepage or a column page and its paging pages)
  messages      message-board rows of a list page (source 'list') or a letter's own page ('detail')
  link          one distinct link target and its check outcome
  site_reached  a site answered (an interrupted attempt's rows for it are dropped)
  site_done     a site finished (ok or down) with its counts
  batch         the records above that one callback yielded, in order (one pass through Scrapy)
"""
