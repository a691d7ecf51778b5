from django.urls import path

from schoolkeep.backups import views

app_name = "backups"

urlpatterns = [
    path("", views.backup_list, name="backup-list"),
]
