"""Reader search: one interface, a backend per database.

A search ranks the newest ``settings.SEARCH_RANKED_MATCHES`` (1,000) published articles that
match and, when more match, says "more than 1,000 results" instead of counting them. Ranking
and counting every match of a common word costs as much as the archive is long: "embassy" is in
21,000 of a million articles, 430 ms to rank them all and 118 ms to count them
(benchmarks/RESULTS.md). A reader reads the first pages, and news that matches is mostly
recent; an archive search for an older story adds a word or a name.
"""
