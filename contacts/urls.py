from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("<str:no>/", views.ContactDetailView.as_view(), name="contact-detail"),
]
