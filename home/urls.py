from django.urls import path

from home import views

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("welcome/question/", views.first_question, name="first-question"),
]
