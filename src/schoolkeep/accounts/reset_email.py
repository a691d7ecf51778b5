"""The password-reset e-mail, made and sent by the worker.

The request that asks for a reset only queues the account's public id (see
``adapters.AccountAdapter.send_password_reset_mail``), so it answers as fast for a member as
for an address that has no account, and no reset link is ever stored: the link is made here,
when the e-mail is sent, and lives only in that e-mail. A link made later than the request is
as good as one made during it (it is valid for ``PASSWORD_RESET_TIMEOUT`` from now), and an
account deactivated in between gets nothing.
"""

from __future__ import annotations

import math

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse

from schoolkeep.accounts.models import User

TEMPLATE_PREFIX = "account/email/password_reset_key"


def password_reset_url(user: User) -> str:
    """A link that lets ``user`` choose a new password, checked by allauth's reset page."""
    path = reverse("account_reset_password_from_key", kwargs={
        "uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user),
    })
    return settings.BASE_URL + path


def password_reset_email_send(*, user_id: str) -> bool:
    """E-mail a reset link to the active account ``user_id`` (a public id); False if there
    is none. The address is the account's own, as it is now."""
    user = User.objects.filter(public_id=user_id, is_active=True).first()
    if user is None:
        return False
    context = {
        "user": user,
        "password_reset_url": password_reset_url(user),
        "valid_days": math.ceil(settings.PASSWORD_RESET_TIMEOUT / 86400),
    }
    get_adapter().render_mail(TEMPLATE_PREFIX, user.email, context).send()
    return True
