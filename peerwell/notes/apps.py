from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "peerwell.notes"
    label = "notes"
    verbose_name = "Contacts and goal notes"

    def ready(self) -> None:
        from peerwell.core import home
        from peerwell.core.roles import Role
        from peerwell.notes import selectors

        home.register(
            Role.SPECIALIST,
            "notes/dashboard.html",
            lambda request: {"dashboard": selectors.specialist_dashboard(request.membership)},
        )
        home.register(
            Role.SUPERVISOR,
            "notes/team_dashboard.html",
            lambda request: {
                "team": selectors.team_dashboard(request.membership),
                "queue_size": selectors.cosign_queue(request.membership).count(),
            },
        )
