"""An evidence pack deleted (with its person, by cascade) takes its two encrypted files with
it once the deletion is committed; the packs' files count as in use for the orphan sweep."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from documents.storage import register_references

from .models import EvidencePack


@receiver(post_delete, sender=EvidencePack)
def remove_files(sender, instance: EvidencePack, **kwargs):
    paths = [
        instance.path(which) for which in ("pdf", "zip") if getattr(instance, f"{which}_storage")
    ]

    def unlink():
        for path in paths:
            path.unlink(missing_ok=True)

    transaction.on_commit(unlink)


def pack_file_names():
    for pdf, archive in EvidencePack.objects.values_list("pdf_storage", "zip_storage"):
        yield pdf
        yield archive


register_references(pack_file_names)
