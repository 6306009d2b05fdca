from django.urls import path

from articles.workflow import preview

urlpatterns = [
    path("<str:signed>/", preview.shared_preview, name="share-preview"),
]
