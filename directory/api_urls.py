from django.urls import path

from directory import api

urlpatterns = [
    path("partners/", api.PartnerListView.as_view(), name="api-partner-list"),
    path("partners/<slug:slug>/", api.PartnerDetailView.as_view(), name="api-partner-detail"),
]
