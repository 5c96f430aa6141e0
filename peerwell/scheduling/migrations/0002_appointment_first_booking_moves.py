# Sessions moved before this migration keep first_booking empty and moves 0: the invitation
# of their current booking went out under that booking's own UID, which is the event
# attendees' calendars hold now; the next move or cancellation must name that one.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_language_choices"),
        ("core", "0005_organization_self_sign_up"),
        ("participants", "0003_portal_invitation"),
        ("scheduling", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="first_booking",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="scheduling.appointment",
            ),
        ),
        migrations.AddField(
            model_name="appointment",
            name="moves",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("first_booking__isnull", True), ("moves", 0)),
                    models.Q(("first_booking__isnull", False), ("moves__gt", 0)),
                    _connector="OR",
                ),
                name="appointment_moves_from_first_booking",
            ),
        ),
    ]
