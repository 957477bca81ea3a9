"""The items the spider yields, as plain dicts tagged by "_t" (cheap to build, pickle and store).

  page       an internal HTML page fetched (url, status, title, its own publication date)
  column     a column's first page (name as linked, meta name/type, blank?)
  items      the entries of one list page (homepage or a column page and its paging pages)
  link       one distinct link target and its check outcome
  site_done  a site finished (ok or down) with its counts
"""
