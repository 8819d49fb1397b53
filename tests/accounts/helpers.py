from django.urls import reverse

from accounts.services import totp_code

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password


def password_step(client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(
        reverse("account_login"), {"login": username, "password": password}, REMOTE_ADDR=ip
    )


def code_step(client, secret: str, ip: str = "10.0.0.1"):
    return client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}, REMOTE_ADDR=ip)
