"""Reader pages. Every list starts from ``Article.objects.published()``; reads live in selectors."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles import links
from articles.images import renditions
from articles.models import Article, Correction, Image, OldSlug, Section
from articles.reader import article_page, facets, selectors
from articles.reader.filters import ArticleFilter
from articles.reader.paging import newest_first_page
from articles.search.query import MAX_QUERY_CHARS, highlight_terms, search_articles

PAGE_SIZE = 12
HOME_PAGE_SIZE = 20  # the lead story and 19 more: a front page, not a list


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A numbered page ("Page 2 of 7"): counts the whole list, so only for search results and
    corrections, whose totals readers are shown."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def list_page(request, queryset):
    """A page of a section, tag, author, photographer, date or filter list: newer and older
    links without counting the list (a section's 70,000 articles: 640 ms at a million)."""
    return newest_first_page(
        request, lambda offset, count: list(queryset[offset : offset + count]), per_page=PAGE_SIZE
    )


def listing():
    return Article.objects.published().for_listing().latest()


def render_page(request, template, context, *, status=200):
    if "nav_sections" not in context:
        context["nav_sections"] = selectors.nav_sections()
    context.setdefault("site_name", selectors.site_name())
    with links.read_once():
        return render(request, template, context, status=status)


@require_safe
def home(request):
    page = newest_first_page(request, selectors.latest_cards, per_page=HOME_PAGE_SIZE)
    articles = list(page.object_list)
    lead = articles.pop(0) if page.number == 1 and articles else None
    context = {
        "lead": lead,
        "articles": articles,
        "page": page,
        "meta": selectors.page_meta(
            request,
            title=selectors.site_name(),
            path="/" if page.number == 1 else None,
            image=selectors.share_image_url(lead.hero_image) if lead else None,
        ),
    }
    return render_page(request, "articles/home.html", context)


@require_safe
def article_detail(request, year, month, day, slug):
    now = timezone.now()
    article = article_page.live_article(slug, now=now)
    if article is None:
        # Built only here: composing the gate's queryset cost a tenth of a rendered page.
        published = Article.objects.published(now)
        old = get_object_or_404(OldSlug.objects.filter(article__in=published), slug=slug)
        return redirect(old.article, permanent=True)
    with links.read_once():
        if request.path != article.get_absolute_url():
            return redirect(article, permanent=True)
        context = selectors.article_page_context(article, request, now=now)
        return render_page(request, "articles/article_detail.html", context)


def _list_page(request, template, *, title, description, page, **extra):
    context = {
        "title": title,
        "page": page,
        "articles": page.object_list,
        "meta": selectors.page_meta(request, title=title, description=description),
        **extra,
    }
    return render_page(request, template, context)


@require_safe
def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    return _list_page(
        request,
        "articles/section_detail.html",
        title=section.name,
        description=section.description,
        page=list_page(request, listing().in_section(section)),
        section=section,
    )


@require_safe
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = list_page(request, listing().tagged(tag))
    if not page.object_list:
        raise Http404("No published article has this tag.")  # a draft's tag stays unknown
    return _list_page(
        request,
        "articles/tag_detail.html",
        title=tag.name,
        description=f"Articles tagged {tag.name}.",
        page=page,
        tag=tag,
    )


@require_safe
def author_detail(request, slug):
    author = get_object_or_404(facets.authors_of(Article.objects.published()), slug=slug)
    return _list_page(
        request,
        "articles/author_detail.html",
        title=author.name,
        description=author.bio or f"Articles by {author.name}.",
        page=list_page(request, listing().by_author(author)),
        author=author,
        portrait=renditions.portrait_url(author),
    )


@require_safe
def photographer_detail(request, slug):
    photographer = get_object_or_404(
        facets.photographers_of(Article.objects.published()), slug=slug
    )
    photos = Image.objects.public().filter(photographer=photographer).exclude(file="").with_credit()
    return _list_page(
        request,
        "articles/photographer_detail.html",
        title=photographer.name,
        description=f"Photos by {photographer.name}.",
        page=list_page(request, listing().by_photographer(photographer)),
        photographer=photographer,
        photos=list(photos.order_by("-uploaded_at", "-id")[:24]),
    )


@require_safe
def archive(request, year=None, month=None, day=None):
    articles = listing()
    if year is None:
        months = articles.order_by().datetimes("published_at", "month", order="DESC")
        context = {
            "months": months,
            "meta": selectors.page_meta(request, title="Archive"),
        }
        return render_page(request, "articles/archive_index.html", context)
    try:
        articles, title = selectors.archive_articles(articles, year=year, month=month, day=day)
    except ValueError as error:
        raise Http404("No such date.") from error
    return _list_page(
        request,
        "articles/archive.html",
        title=title,
        description=f"Articles published in {title}.",
        page=list_page(request, articles),
    )


@require_safe
def article_list(request):
    published = listing()
    finder = ArticleFilter(request.GET or None, queryset=published, request=request)
    return _list_page(
        request,
        "articles/article_list.html",
        title="All articles",
        description="Find articles by section, tag, author and date.",
        page=list_page(request, finder.qs),
        filter=finder,
    )


@require_safe
def search(request):
    query = request.GET.get("q", "")[:MAX_QUERY_CHARS]
    terms = highlight_terms(query)
    results = search_articles(query).for_listing().defer(None)  # snippets need the text
    page = paginate(request, results)
    return _list_page(
        request,
        "articles/search.html",
        title=f"Search: {query}" if terms else "Search",
        description="Search the articles.",
        page=page,
        query=query,
        terms=terms,
        result_count=f"{page.paginator.count:,}",
        more_matches=results.more_matches,
    )


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    news = request.build_absolute_uri("/news-sitemap.xml")
    lines = ["User-agent: *", "Disallow: /admin/", "", f"Sitemap: {sitemap}", f"Sitemap: {news}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def author_portrait(request, slug, signature):
    """An author's portrait as a small square JPEG; the upload itself is never served."""
    authors = facets.authors_of(Article.objects.published())
    author = get_object_or_404(authors.exclude(portrait=""), slug=slug)
    if not renditions.signature_is_valid(author.slug, author.portrait.name, signature):
        raise Http404("No such portrait.")
    try:
        name = renditions.portrait_file(author)
        portrait = author.portrait.storage.open(name, "rb")
    except OSError as error:  # the uploaded portrait is missing or unreadable
        renditions.logger.error("Portrait of %s cannot be read: %s", author.slug, error)
        raise Http404("No such portrait.") from error
    response = FileResponse(portrait, content_type="image/jpeg")
    response["Cache-Control"] = renditions.public_cache_control()
    return response


@require_safe
def rendition(request, key, signature, spec):
    """Serve one rendition of a photo that a published article shows.

    Staff, and browsers holding a preview grant for the photo, may also see unpublished ones.
    """
    if spec not in renditions.SPECS or not renditions.signature_is_valid(key, spec, signature):
        raise Http404("No such picture.")
    image = Image.objects.public().exclude(file="").filter(key=key).first()
    private = image is None
    if private:
        staff = request.user.is_active and request.user.is_staff
        if not (staff or renditions.preview_allows(request, key)):
            raise Http404("No such picture.")
        image = get_object_or_404(Image.objects.exclude(file=""), key=key)
    stored = renditions.readable_rendition(image, spec)
    if stored is None:  # its original is missing or unreadable (logged)
        raise Http404("No such picture.")
    try:
        photo = stored.file.open("rb")
    except OSError as error:  # the rendition's own file was removed from storage
        raise Http404("No such picture.") from error
    response = FileResponse(photo, content_type=renditions.FORMATS[spec.rsplit(".", 1)[1]])
    if private:
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = renditions.public_cache_control()
    return response


@require_safe
def corrections(request):
    """Every correction, clarification and update readers have seen, newest first."""
    notes = (
        Correction.objects.filter(
            published_at__lte=timezone.now(), article__in=Article.objects.published()
        )
        .select_related("article")
        .order_by("-published_at", "-id")
    )
    page = paginate(request, notes)
    title = "Corrections and updates"
    description = "Corrections, clarifications and updates to our articles."
    context = {
        "title": title,
        "page": page,
        "notes": page.object_list,
        "meta": selectors.page_meta(request, title=title, description=description),
    }
    return render_page(request, "articles/corrections.html", context)
