"""A document deleted with its person (cascade) takes its encrypted file with it, once the
deletion is committed; document_delete does the same for a single document."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Document


@receiver(post_delete, sender=Document)
def remove_file(sender, instance: Document, **kwargs):
    path = instance.path
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
