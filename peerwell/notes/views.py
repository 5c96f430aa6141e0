from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerwell.audit.services import audit_read
from peerwell.core import policy
from peerwell.core.policy import Permission
from peerwell.notes import selectors, services
from peerwell.notes.forms import (
    ActionStepFormSet,
    AddendumForm,
    ContactForm,
    GoalNoteForm,
    ReturnForm,
    SignForm,
)
from peerwell.notes.models import NoteStatus


@policy.permission_required(Permission.CONTACT_RECORD)
def contact_new(request, participant_id: int):
    """Record a contact with a participant on the caseload; its goal note opens as a draft."""
    participant = policy.access_participant(
        request.membership, participant_id, Permission.CONTACT_RECORD
    )
    form = ContactForm(
        request.POST or None,
        initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            note = services.contact_record(
                actor=request.membership, participant=participant, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("notes:note", note_id=note.pk)
    return render(request, "notes/contact_form.html", {"participant": participant, "form": form})


def _steps_initial(note):
    return [
        {"description": step.description, "owner": step.owner, "due_on": step.due_on}
        for step in note.action_steps.all()
    ] or [{}]


def _editor(request, note, *, form=None, steps=None, sign_form=None, status=200):
    return render(
        request,
        "notes/note_edit.html",
        {
            "note": note,
            "form": form or GoalNoteForm(instance=note),
            "steps": steps or ActionStepFormSet(initial=_steps_initial(note), prefix="steps"),
            "sign_form": sign_form or SignForm(),
            # The error summary speaks of the form that was refused: the note or the signature.
            "error_form": sign_form if sign_form is not None and sign_form.errors else None,
        },
        status=status,
    )


@policy.permission_required(Permission.NOTE_VIEW)
def note_view(request, note_id: int):
    """The note: an editor for its author while it is a draft, otherwise the signed record."""
    note = policy.access_note(request.membership, note_id)
    audit_read(
        request,
        "note.viewed",
        obj=note,
        participant_id=note.participant_id,
    )
    if note.status == NoteStatus.DRAFT and note.author_id == request.membership.pk:
        return _editor(request, note)
    return render(
        request,
        "notes/note_detail.html",
        {
            "note": note,
            "steps": note.action_steps.all(),
            "addenda": note.addenda.select_related("author__user"),
            "addendum_form": AddendumForm(),
            "return_form": ReturnForm(),
            "can_cosign": policy.has_permission(request.membership, Permission.NOTE_COSIGN),
        },
    )


def _draft_data(request, note):
    form = GoalNoteForm(request.POST, instance=note)
    steps = ActionStepFormSet(request.POST, prefix="steps")
    return form, steps, form.is_valid() and steps.is_valid()


@require_POST
@policy.permission_required(Permission.CONTACT_RECORD)
def note_draft(request, note_id: int):
    """Autosave as the specialist types (htmx): the saved state and the scope guard's flags."""
    note = policy.access_note(request.membership, note_id, Permission.CONTACT_RECORD)
    form, steps, valid = _draft_data(request, note)
    if valid:
        try:
            note = services.note_save_draft(
                actor=request.membership,
                note=note,
                fields=form.cleaned_data,
                action_steps=[s for s in steps.cleaned_data if s],
            )
        except ValidationError as error:
            form.add_error(None, error)
            valid = False
    if request.htmx:
        return render(
            request,
            "notes/note_edit.html#draft-status",
            {"note": note, "form": form, "saved": valid},
            status=200 if valid else 422,
        )
    if valid:
        messages.success(request, _("Draft saved."))
        return redirect("notes:note", note_id=note.pk)
    return _editor(request, note, form=form, steps=steps, status=422)


@require_POST
@policy.permission_required(Permission.CONTACT_RECORD)
def note_sign(request, note_id: int):
    """Save what is on the page, then sign it; open scope flags need a reason."""
    note = policy.access_note(request.membership, note_id, Permission.CONTACT_RECORD)
    form, steps, valid = _draft_data(request, note)
    sign_form = SignForm(request.POST)
    if not (valid and sign_form.is_valid()):
        return _editor(request, note, form=form, steps=steps, sign_form=sign_form, status=422)
    try:
        note = services.note_save_draft(
            actor=request.membership,
            note=note,
            fields=form.cleaned_data,
            action_steps=[s for s in steps.cleaned_data if s],
        )
        note = services.note_sign(
            actor=request.membership, note=note, reason=sign_form.cleaned_data["reason"]
        )
    except services.OpenScopeFlags as open_flags:
        sign_form.add_error("reason", open_flags.messages[0])
        return _editor(
            request,
            note,
            form=GoalNoteForm(instance=note),
            steps=ActionStepFormSet(initial=_steps_initial(note), prefix="steps"),
            sign_form=sign_form,
            status=422,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _editor(request, note, form=form, steps=steps, sign_form=sign_form, status=422)
    messages.success(request, _("Note signed."))
    return redirect("notes:note", note_id=note.pk)


@require_POST
@policy.permission_required(Permission.NOTE_VIEW)
def addendum_add(request, note_id: int):
    note = policy.access_note(request.membership, note_id)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(
                actor=request.membership, note=note, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Addendum added."))
    else:
        messages.error(request, _("Write the addendum."))
    return redirect("notes:note", note_id=note.pk)


def _refused(request, note, error):
    """Back to the note, saying why the supervisor's action was not taken."""
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("notes:note", note_id=note.pk)


@policy.permission_required(Permission.NOTE_COSIGN)
def cosign_queue(request):
    page = Paginator(selectors.cosign_queue(request.membership), 25).get_page(
        request.GET.get("page")
    )
    audit_read(
        request,
        "note.cosign_queue_viewed",
        detail={"count": page.paginator.count},
    )
    return render(request, "notes/cosign_queue.html", {"page": page})


@require_POST
@policy.permission_required(Permission.NOTE_COSIGN)
def note_cosign(request, note_id: int):
    note = policy.access_note(request.membership, note_id, Permission.NOTE_COSIGN)
    try:
        services.note_cosign(actor=request.membership, note=note)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, note, error)
    messages.success(request, _("Note co-signed."))
    return redirect("notes:cosign_queue")


@require_POST
@policy.permission_required(Permission.NOTE_COSIGN)
def note_return(request, note_id: int):
    note = policy.access_note(request.membership, note_id, Permission.NOTE_COSIGN)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what the author should add or correct."))
        services.note_return(
            actor=request.membership, note=note, comment=form.cleaned_data["comment"]
        )
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, note, error)
    messages.success(request, _("Note returned to its author."))
    return redirect("notes:cosign_queue")


@policy.permission_required(Permission.OWN_NOTES_VIEW)
def my_notes(request):
    """Open notes: a participant reads the signed notes about them."""
    page = Paginator(selectors.own_notes(request.membership), 20).get_page(request.GET.get("page"))
    audit_read(
        request,
        "note.own_list_viewed",
        detail={"count": page.paginator.count},
    )
    return render(request, "notes/my_notes.html", {"page": page})


@policy.permission_required(Permission.OWN_NOTES_VIEW)
def my_note(request, note_id: int):
    note = policy.access_own_note(request.membership, note_id)
    audit_read(
        request,
        "note.viewed",
        obj=note,
        participant_id=note.participant_id,
        detail={"open_notes": True},
    )
    return render(
        request,
        "notes/my_note.html",
        {
            "note": note,
            "steps": note.action_steps.all(),
            "addenda": note.addenda.select_related("author__user"),
        },
    )
