"""Reader pages: views, URLs, feeds, sitemaps, the article finder and the reads behind them.

Every read here derives from ``Article.objects.published()`` through the ORM, with a fixed
number of statements per page (``article_page`` and ``related`` for the article page,
``selectors`` for reads spanning several models); nothing in this package writes.
"""
