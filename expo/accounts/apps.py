from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "expo.accounts"
    label = "accounts"
    verbose_name = "Accounts"
