"""A mail server that refuses one address, for the scheduled emails' tests."""

import smtplib

from django.core.mail import send_mail as real_send_mail


def refusing(address: str):
    """A stand-in for send_mail whose mail server refuses `address` and takes the rest."""

    def send_mail(*, recipient_list, **kwargs):
        if recipient_list == [address]:
            raise smtplib.SMTPRecipientsRefused({address: (550, b"No such user")})
        return real_send_mail(recipient_list=recipient_list, **kwargs)

    return send_mail
