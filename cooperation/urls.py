from django.urls import path

from cooperation import agreement_views, views
from cooperation.economics import views as economics

app_name = "cooperation"

urlpatterns = [
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/new/", views.customer_create, name="customer-create"),
    path("customers/<str:business_id>/contacts/new/", views.contact_create, name="contact-create"),
    path("customers/<str:business_id>/agreements/new/", agreement_views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", agreement_views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/steps/<slug:step>/", agreement_views.agreement_step, name="agreement-step"),
    path("agreements/<int:pk>/goals/new/", agreement_views.goal_create, name="goal-create"),
    path("goals/<int:pk>/edit/", agreement_views.goal_update, name="goal-update"),
    path("customers/<str:business_id>/meetings/", views.meeting_list, name="meeting-list"),
    path("customers/<str:business_id>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_update, name="meeting-update"),
    path("meetings/<int:pk>/pack/", views.meeting_pack, name="meeting-pack"),
    path("meetings/<int:pk>/action-items/", views.action_item_create, name="action-item-create"),
    path("action-items/<int:pk>/edit/", views.action_item_update, name="action-item-update"),
    path("action-items/<int:pk>/done/", views.action_item_complete, name="action-item-complete"),
    path("action-items/<int:pk>/reopen/", views.action_item_reopen, name="action-item-reopen"),
    path("customers/<str:business_id>/matrices/", economics.matrix_list, name="matrix-list"),
    path("customers/<str:business_id>/economic-impact/", economics.economic_impact, name="economic-impact"),
    path("matrices/<int:pk>/", economics.matrix_detail, name="matrix-detail"),
    path("matrices/<int:pk>/fill/", economics.matrix_fill_from_portal, name="matrix-fill"),
    path("matrices/<int:pk>/indicators/", economics.matrix_indicators, name="matrix-indicators"),
]
