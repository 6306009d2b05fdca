from django.urls import path

from articles import preview

urlpatterns = [
    path("<str:signed>/", preview.shared_preview, name="share-preview"),
]
