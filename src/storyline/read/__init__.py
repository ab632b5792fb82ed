"""Reading: files, folders, web archives and JSON records (`files`), pages, feeds and sitemaps fetched
behind the address guard (`fetch`), a watched folder (`watch`), the pages that are no news article
(`pagekind`), and the one failure boundary every input passes (`guard`). Settings: [reading],
[fetching], [watching]."""
