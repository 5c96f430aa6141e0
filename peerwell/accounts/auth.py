def lockout_username(request, credentials: dict | None) -> str | None:
    """The key django-axes counts failures under: the email, case-folded.

    Without folding, "Ana@x.org" and "ana@x.org" would each get their own five tries.
    """
    username = (credentials or {}).get("username") or (
        request.POST.get("username") if request else None
    )
    return username.strip().lower() if username else None
