"""What every search backend returns: ranked articles that know whether more matched."""

from django.conf import settings

from articles.models import Article
from articles.models.articles import ArticleQuerySet


class SearchResults(ArticleQuerySet):
    """Search results as a QuerySet, plus ``more_matches``: whether more articles matched
    than the newest ``SEARCH_RANKED_MATCHES`` ranked here (kept through every clone)."""

    more_matches = False

    def _clone(self):
        clone = super()._clone()
        clone.more_matches = self.more_matches
        return clone


def search_results():
    return SearchResults(Article)


def ranked_matches():
    """How many of the newest matches a search ranks (settings, read at each search)."""
    return settings.SEARCH_RANKED_MATCHES
