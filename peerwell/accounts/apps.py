from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "peerwell.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from peerwell.accounts import signals  # noqa: F401  (connects the sign-in audit)
