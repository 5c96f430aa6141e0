import django.db.models.deletion
from django.db import migrations, models


def number_the_moves(apps, schema_editor):
    """Sessions already moved join their first booking's event: each move is booked after
    the one it moved, so walking them in booking order finds every predecessor done."""
    Appointment = apps.get_model("scheduling", "Appointment")
    done: dict[int, tuple[int, int]] = {}
    moved = Appointment.objects.filter(rescheduled_from__isnull=False).order_by("booked_at", "pk")
    for appointment in moved.only("pk", "rescheduled_from_id"):
        first, moves = done.get(
            appointment.rescheduled_from_id, (appointment.rescheduled_from_id, 0)
        )
        done[appointment.pk] = (first, moves + 1)
        Appointment.objects.filter(pk=appointment.pk).update(
            first_booking_id=first, moves=moves + 1
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
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
        migrations.RunPython(number_the_moves, migrations.RunPython.noop),
    ]
