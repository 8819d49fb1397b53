from allauth.account.adapter import DefaultAccountAdapter


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by admins; nobody signs themselves up."""

    def is_open_for_signup(self, request) -> bool:
        return False
