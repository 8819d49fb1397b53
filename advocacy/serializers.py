from __future__ import annotations

from rest_framework import serializers

from casework.consent import public_reference
from casework.models import Group, Person

from .models import (
    Authority,
    AuthorityRole,
    Letter,
    LetterBatch,
    UrgentAction,
    UrgentActionRecipient,
)


class VisiblePersonsField(serializers.PrimaryKeyRelatedField):
    """Persons by id, through the visibility gate: an id the user cannot see is 'invalid'."""

    def get_queryset(self):
        return Person.objects.visible_to(self.context["request"].user)


class AuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Authority
        fields = [
            "id", "country", "institution", "title", "name", "address", "fax", "email",
            "salutation", "salutation_translations", "languages", "default_role", "rank",
            "is_active", "notes",
        ]  # fmt: skip


class RecipientSerializer(serializers.ModelSerializer):
    authority = serializers.PrimaryKeyRelatedField(queryset=Authority.objects.all())
    title = serializers.CharField(source="authority.title", read_only=True)
    salutation = serializers.CharField(source="authority.salutation", read_only=True)

    class Meta:
        model = UrgentActionRecipient
        fields = ["authority", "role", "title", "salutation"]


class UrgentActionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    update_line = serializers.CharField(read_only=True)
    persons = VisiblePersonsField(many=True, required=False)
    # Public references only, never a name without consent: this JSON leaves the building.
    persons_public = serializers.SerializerMethodField()
    groups = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Group.objects.all()
    )
    recipients = RecipientSerializer(many=True, required=False)
    asks = serializers.ListField(child=serializers.CharField(max_length=2000), required=False)
    languages = serializers.ListField(child=serializers.CharField(max_length=8), required=False)
    cosigners = serializers.ListField(child=serializers.CharField(max_length=300), required=False)

    class Meta:
        model = UrgentAction
        fields = [
            "id", "reference", "number", "year", "update_number", "parent", "update_line",
            "status", "issued_on", "send_before", "title", "summary", "background",
            "languages", "asks", "translations", "recipients", "diplomatic_copies",
            "cosigners", "additional_information", "further_information", "persons",
            "persons_public", "groups", "created_by", "approved_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "number", "year", "update_number", "parent", "status", "issued_on", "created_by",
            "approved_by",
        ]  # fmt: skip

    def get_persons_public(self, ua) -> list[str]:
        return [public_reference(p) for p in ua.persons.all()]

    def validate_recipients(self, value):
        seen = set()
        for item in value:
            if item["authority"].pk in seen:
                raise serializers.ValidationError("An authority is listed twice.")
            seen.add(item["authority"].pk)
            if item.get("role", AuthorityRole.RECIPIENT) not in AuthorityRole.values:
                raise serializers.ValidationError("Unknown role.")
        return value

    def validate(self, attrs):
        if self.instance and self.instance.status not in ("draft", "in_review"):
            raise serializers.ValidationError("Only a draft can be edited; issue an update.")
        return attrs

    def _save_relations(self, ua, persons, groups, recipients):
        from .services import _set_recipients

        if persons is not None:
            ua.persons.set(persons)
        if groups is not None:
            ua.groups.set(groups)
        if recipients is not None:
            _set_recipients(ua, [(r["authority"], r.get("role", "recipient")) for r in recipients])

    def create(self, validated):
        persons = validated.pop("persons", None)
        groups = validated.pop("groups", None)
        recipients = validated.pop("recipients", None)
        ua = UrgentAction.objects.create(created_by=self.context["request"].user, **validated)
        self._save_relations(ua, persons, groups, recipients)
        return ua

    def update(self, ua, validated):
        persons = validated.pop("persons", None)
        groups = validated.pop("groups", None)
        recipients = validated.pop("recipients", None)
        for key, value in validated.items():
            setattr(ua, key, value)
        ua.save()
        self._save_relations(ua, persons, groups, recipients)
        return ua


class DraftRequestSerializer(serializers.Serializer):
    persons = VisiblePersonsField(many=True, required=False)
    groups = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Group.objects.all()
    )
    update_of = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=UrgentAction.objects.all()
    )

    def validate(self, attrs):
        if not attrs.get("persons") and not attrs.get("groups"):
            raise serializers.ValidationError({"persons": "Choose at least one person or group."})
        return attrs


class IssueSerializer(serializers.Serializer):
    issued_on = serializers.DateField(required=False)
    send_before = serializers.DateField(required=False)


class LetterBatchSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = LetterBatch
        fields = [
            "id", "urgent_action", "status", "total", "done", "generated", "skipped",
            "percent", "error", "started_at", "finished_at", "created_at",
        ]  # fmt: skip


class LetterSerializer(serializers.ModelSerializer):
    authority_title = serializers.CharField(source="authority.title", read_only=True)
    has_email = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id", "urgent_action", "authority", "authority_title", "language", "status",
            "subject", "text_body", "content_hash", "failure_reason", "send_attempts",
            "sent_at", "answered_on", "answer_text", "has_email", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_has_email(self, letter) -> bool:
        return bool(letter.authority.emails)


class AnswerSerializer(serializers.Serializer):
    answer_text = serializers.CharField(required=False, allow_blank=True)
    answer_file = serializers.FileField(required=False)
    answered_on = serializers.DateField(required=False)

    def validate(self, attrs):
        if not attrs.get("answer_text") and not attrs.get("answer_file"):
            raise serializers.ValidationError(
                {"answer_text": "Give the answer's text or attach it."}
            )
        return attrs
