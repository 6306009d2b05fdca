"""Reader pages: views, URLs, feeds, sitemaps, the article finder and the reads behind them.

Every read here starts from ``Article.objects.published()``; nothing in this package writes.
"""
