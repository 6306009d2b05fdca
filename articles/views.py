from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from articles.models import Article, Author, Photographer, Section
from articles.rendering import insert_figures

PAGE_SIZE = 20


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def home(request):
    articles = Article.objects.published().for_listing().latest()
    return render(request, "articles/home.html", {"page": paginate(request, articles)})


def article_detail(request, year, month, day, slug):
    article = get_object_or_404(
        Article.objects.published()
        .for_listing()
        .prefetch_related("image_uses__image__photographer"),
        slug=slug,
    )
    images = {use.image.key: use.image for use in article.image_uses.all()}
    body = insert_figures(article.body_html, images)
    return render(request, "articles/article_detail.html", {"article": article, "body": body})


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    articles = Article.objects.published().in_section(section).for_listing().latest()
    return render(
        request,
        "articles/article_list.html",
        {"title": section.name, "page": paginate(request, articles)},
    )


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().tagged(tag).for_listing().latest()
    return render(
        request,
        "articles/article_list.html",
        {"title": tag.name, "page": paginate(request, articles)},
    )


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.published().by_author(author).for_listing().latest()
    return render(
        request,
        "articles/article_list.html",
        {"title": author.name, "page": paginate(request, articles)},
    )


def photographer_detail(request, slug):
    photographer = get_object_or_404(Photographer, slug=slug)
    articles = Article.objects.published().by_photographer(photographer).for_listing().latest()
    return render(
        request,
        "articles/article_list.html",
        {"title": photographer.name, "page": paginate(request, articles)},
    )
