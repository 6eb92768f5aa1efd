from django.urls import include, path

from cooperation import urls as cooperation_urls
from portal import customer_views, views

# The customer page combines both apps, so the portal serves it; it keeps cooperation's URL names
# ("cooperation:customer-detail"), which every page links to. After cooperation's own patterns, so
# "customers/new/" stays the form for a new customer.
cooperation_pages = [
    *cooperation_urls.urlpatterns,
    path("customers/<str:business_id>/", customer_views.customer_detail, name="customer-detail"),
    path("customers/<str:business_id>/notes/", customer_views.customer_note_create, name="customer-note-create"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include((cooperation_pages, cooperation_urls.app_name))),
]
