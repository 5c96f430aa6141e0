"""Every Peerwell model that holds personal data belongs to one organization."""

from django.apps import apps

from peerwell.core.models import OrgScoped

# Models of Peerwell's own apps that are not OrgScoped, each with the reason. A new model
# that holds personal data and is neither OrgScoped nor here fails the test below.
NOT_ORG_SCOPED = {
    "core.organization": "the tenant itself",
    "accounts.user": "an account may belong to several organizations; its personal data is "
    "reached only through a Membership of the viewer's organization",
    "audit.auditevent": "each event carries its organization (null only for sign-in failures "
    "to no known account) and the audit page filters by it",
    "audit.auditchainhead": "holds no personal data: a chain name, a count and a hash",
}


def test_every_model_with_personal_data_is_org_scoped():
    unscoped = {
        model._meta.label_lower
        for model in apps.get_models()
        if model.__module__.startswith("peerwell.") and not issubclass(model, OrgScoped)
    }
    assert unscoped - NOT_ORG_SCOPED.keys() == set(), (
        "make these models OrgScoped, or list them in NOT_ORG_SCOPED with the reason"
    )


def test_org_scoped_models_require_an_organization():
    for model in apps.get_models():
        if issubclass(model, OrgScoped):
            field = model._meta.get_field("organization")
            assert not field.null, f"{model._meta.label} allows rows without an organization"


def test_in_org_returns_only_that_organizations_rows(org, other_org, people, outsiders):
    from peerwell.accounts.models import Membership

    mine = set(Membership.objects.in_org(org).values_list("pk", flat=True))
    assert mine == {m.pk for m in people.values()}
    assert mine.isdisjoint(m.pk for m in outsiders.values())
