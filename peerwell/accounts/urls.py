from django.urls import path

from peerwell.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/sign-in/", views.sign_in, name="login"),
    path("account/sign-out/", views.sign_out, name="logout"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/password/reset/", views.password_reset, name="password_reset"),
    path("account/password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "account/password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/complete/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("account/mfa/set-up/", views.mfa_setup, name="mfa_setup"),
    path("account/mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path(
        "account/mfa/recovery-codes/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("account/", views.account_settings, name="settings"),
    path("account/language/", views.set_language, name="set_language"),
    path("account/keepalive/", views.keepalive, name="keepalive"),
    path("account/organization/", views.organization_choose, name="organization_choose"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("staff/", views.staff, name="staff"),
    path(
        "staff/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("teams/", views.teams, name="teams"),
]
