from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "peerwell.notes"
    label = "notes"
    verbose_name = "Contacts and goal notes"

    def ready(self) -> None:
        from django.core.paginator import Paginator

        from peerwell.core import home, policy
        from peerwell.core.roles import Role
        from peerwell.notes import selectors
        from peerwell.participants import chart

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
        chart.register(
            "notes/chart_contacts.html",
            lambda request, participant: {
                "page": Paginator(selectors.contacts_of(participant), 25).get_page(
                    request.GET.get("page")
                ),
                "can_record": policy.has_permission(
                    request.membership, policy.Permission.CONTACT_RECORD
                ),
            },
        )
