from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "expo.staff"
    label = "staff"
    verbose_name = _("Expo staff desk")
