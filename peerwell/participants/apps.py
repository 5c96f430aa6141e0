from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "peerwell.participants"
    label = "participants"
    verbose_name = "Participants"

    def ready(self) -> None:
        from peerwell.accounts.services import invitation_accepted

        invitation_accepted.connect(_link_portal_account, dispatch_uid="participants.portal")


def _link_portal_account(sender, invitation, membership, **kwargs):
    from peerwell.participants.services import portal_account_link

    portal_account_link(invitation=invitation, membership=membership)
