from django.urls import path

from cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/new/", views.customer_create, name="customer-create"),
    path("customers/<str:business_id>/contacts/new/", views.contact_create, name="contact-create"),
    path("customers/<str:business_id>/agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", views.agreement_update, name="agreement-update"),
    path("agreements/<int:pk>/advance/", views.agreement_advance, name="agreement-advance"),
    path("agreements/<int:pk>/goals/", views.goal_create, name="goal-create"),
    path("customers/<str:business_id>/meetings/", views.meeting_list, name="meeting-list"),
    path("customers/<str:business_id>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_update, name="meeting-update"),
    path("meetings/<int:pk>/pack/", views.meeting_pack, name="meeting-pack"),
    path("meetings/<int:pk>/action-items/", views.action_item_create, name="action-item-create"),
    path("action-items/<int:pk>/edit/", views.action_item_update, name="action-item-update"),
    path("action-items/<int:pk>/done/", views.action_item_complete, name="action-item-complete"),
    path("action-items/<int:pk>/reopen/", views.action_item_reopen, name="action-item-reopen"),
]
