from django.urls import path

from deals import views

app_name = "deals"

urlpatterns = [
    path("", views.registration_list, name="list"),
    path("new/", views.registration_create, name="create"),
    path("export.csv", views.export_csv, name="export"),
    path("review/", views.review, name="review"),
    path("<int:registration_id>/", views.registration_detail, name="detail"),
    path("<int:registration_id>/edit/", views.registration_edit, name="edit"),
    path("<int:registration_id>/submit/", views.registration_submit, name="submit"),
    path("<int:registration_id>/close/", views.registration_close, name="close"),
    path("<int:registration_id>/extend/", views.registration_extend, name="extend"),
]
