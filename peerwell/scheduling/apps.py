from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "peerwell.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"

    def ready(self) -> None:
        from peerwell.core import home
        from peerwell.core.roles import Role
        from peerwell.matching import availability
        from peerwell.participants import chart
        from peerwell.scheduling import selectors

        availability.register(selectors.weekly_coverage)
        home.register(
            Role.SPECIALIST,
            "scheduling/home_specialist.html",
            lambda request: {"appointments": selectors.today_and_tomorrow(request.membership)},
        )
        home.register(Role.PARTICIPANT, "scheduling/home_participant.html", _participant_home)
        chart.register(
            "scheduling/chart_sessions.html",
            lambda request, participant: {
                "appointments": selectors.sessions_of(participant),
                "can_book": request.membership.role in (Role.SPECIALIST, Role.ADMIN),
            },
        )


def _participant_home(request) -> dict:
    from peerwell.participants.selectors import record_of
    from peerwell.scheduling import selectors

    participant = record_of(request.membership)
    if participant is None:
        return {"participant": None}
    return {
        "participant": participant,
        "upcoming": selectors.upcoming_for_participant(participant)[:3],
        "peer": selectors.primary_specialist(participant),
    }
