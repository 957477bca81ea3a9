"""The items the spider yields, as plain dicts tagged by "_t" (cheap to build, pickle and store).

  page       an internal HTML page fetched (url, status, title, its own publication date)
  column     a column's first page (name as linked, meta name/type, blank?)
  items      the entries of one list page (homepage or a column page and its paging pages)
  link       one distinct link target and its check outcome
  messages   message-board rows of a list page (source 'list') or a letter's own page ('detail')
  gated      a column page that needs a login or captcha before it shows anything
  site_done  a site finished (ok or down) with its counts
  batch      the items above that one callback yielded, in order (one pass through Scrapy)
"""
