from django.urls import path

from cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/new/", views.customer_create, name="customer-create"),
    path("customers/<str:business_id>/", views.customer_detail, name="customer-detail"),
    path("customers/<str:business_id>/contacts/new/", views.contact_create, name="contact-create"),
    path("customers/<str:business_id>/agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", views.agreement_update, name="agreement-update"),
    path("agreements/<int:pk>/advance/", views.agreement_advance, name="agreement-advance"),
    path("agreements/<int:pk>/goals/", views.goal_create, name="goal-create"),
]
