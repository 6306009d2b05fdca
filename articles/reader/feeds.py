"""RSS 2.0 and Atom feeds of published articles: latest, and per section, tag and author."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure

from articles.images import renditions
from articles.models import Article, Rendition, Section, tags_prefetch
from articles.reader import facets
from articles.reader.selectors import site_name

FEED_SIZE = 20
ENCLOSURE_SPEC = "width-1200.jpg"


class LatestRss(Feed):
    """The newest published articles; subclasses narrow ``articles()`` to one section, tag or author."""

    description_template = None

    def get_object(self, request, slug=None):
        return None

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Syndication makes links absolute but not enclosures; readers' apps need the host.
        for item in feed.items:
            item["enclosures"] = [
                Enclosure(request.build_absolute_uri(enc.url), enc.length, enc.mime_type)
                for enc in item["enclosures"]
            ]
        return feed

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        enclosure = Prefetch(
            "hero_image__renditions",
            queryset=Rendition.objects.filter(spec=ENCLOSURE_SPEC),
            to_attr="enclosure_renditions",
        )
        return (
            self.articles(obj)
            .for_listing()
            .prefetch_related(tags_prefetch(), enclosure)
            .latest()[:FEED_SIZE]
        )

    def title(self, obj):
        return site_name() if obj is None else f"{obj} | {site_name()}"

    def link(self, obj):
        return reverse("articles:home") if obj is None else self.object_link(obj)

    def object_link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        if obj is None:
            return f"The latest articles from {site_name()}."
        return f"The latest articles from {site_name()}: {obj}."

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.standfirst

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.published_at

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.byline_authors) or None

    def item_categories(self, item):
        names = [item.section.name] if item.section_id else []
        return names + [tag.name for tag in item.tag_list]

    def item_guid(self, item):
        return f"article-{item.pk}"

    item_guid_is_permalink = False

    def item_enclosures(self, item):
        image = item.hero_image
        if image is None or not image.file:
            return []
        prefetched = getattr(image, "enclosure_renditions", None)
        stored = (
            prefetched[0] if prefetched else renditions.readable_rendition(image, ENCLOSURE_SPEC)
        )
        size = renditions.stored_size(stored)
        if size is None:  # the photo's file is missing (logged): the item goes without it
            return []
        return [Enclosure(renditions.rendition_url(image, ENCLOSURE_SPEC), str(size), "image/jpeg")]


class LatestAtom(LatestRss):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


class SectionRss(LatestRss):
    def get_object(self, request, slug=None):
        return get_object_or_404(Section, slug=slug)

    def articles(self, obj):
        return Article.objects.published().in_section(obj)


class SectionAtom(SectionRss, LatestAtom):
    pass


class TagRss(LatestRss):
    def get_object(self, request, slug=None):
        return get_object_or_404(facets.tags_of(Article.objects.published()), slug=slug)

    def object_link(self, obj):
        return reverse("articles:tag", kwargs={"slug": obj.slug})

    def articles(self, obj):
        return Article.objects.published().tagged(obj)


class TagAtom(TagRss, LatestAtom):
    pass


class AuthorRss(LatestRss):
    def get_object(self, request, slug=None):
        return get_object_or_404(facets.authors_of(Article.objects.published()), slug=slug)

    def articles(self, obj):
        return Article.objects.published().by_author(obj)


class AuthorAtom(AuthorRss, LatestAtom):
    pass
