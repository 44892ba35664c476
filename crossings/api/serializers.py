import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crossings.choices import CheckpointCode, CrossingKind, Direction, DocumentType, LaneGroup, Sex, WatchlistMatch
from crossings.forms import SEARCH_NEEDS_NUMBER_OR_NAME
from crossings.models import Alert, Checkpoint, Crossing, Lane, TravelDocument, Traveller, Visit, WatchlistEntry
from crossings.nationalities import nationalities
from crossings.selectors import document_get
from crossings.selectors.dashboard import crossing_exit_panels
from crossings.selectors.reference import cached_lane
from horgos.api.fields import CountryField
from horgos.audit import REASON_MAX_LENGTH
from horgos.masking import mask_document_number

DOCUMENT_NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,29}$")
MALFORMED_NUMBER = _("A document number has 1 to 30 letters and digits (spaces and dashes are ignored).")
MOMENTS_FROM, MOMENTS_UNTIL = 2000, 2999
MOMENT_OUT_OF_RANGE = _("Give a moment of the years %(first)s to %(last)s.")
UNKNOWN_DOCUMENT = _("No such document is registered. Register the traveller and the document first.")


def validate_document_number(value: str) -> str:
    value = value.strip()
    if not DOCUMENT_NUMBER_PATTERN.match(value):
        raise serializers.ValidationError(MALFORMED_NUMBER)
    return value


MASKED_NUMBER_HELP = (
    "The document number masked as the pages show it: only the last 4 characters, e.g. '••••4567'. The full number "
    "is given one at a time, audited, by the reveal endpoint."
)


@extend_schema_field(OpenApiTypes.STR)
class MaskedDocumentNumberField(serializers.CharField):
    """A document number as responses show it: masked by the pages' one rule (`mask_document_number`); empty when
    there is none (a watchlist entry that names a person)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", MASKED_NUMBER_HELP)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return mask_document_number(str(value)) if value else ""


def validate_moment_in_range(value):
    """A moment of the years 2000 to 2999, as the pages' date fields take (a year 234 has no time zone offset in
    whole minutes, and no watchlist entry began then)."""
    if value is not None and not MOMENTS_FROM <= value.year <= MOMENTS_UNTIL:
        raise serializers.ValidationError(MOMENT_OUT_OF_RANGE % {"first": MOMENTS_FROM, "last": MOMENTS_UNTIL})
    return value


class CheckpointSerializer(serializers.ModelSerializer):
    country = CountryField()
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Checkpoint
        fields = ["id", "code", "name", "name_zh_hans", "name_kk", "name_ru", "name_en", "country", "time_zone"]
        read_only_fields = ["id", "code", "country"]


class LaneSerializer(serializers.ModelSerializer):
    checkpoint = serializers.SlugRelatedField(slug_field="code", queryset=Checkpoint.objects.all())

    class Meta:
        model = Lane
        fields = ["id", "checkpoint", "code", "direction", "group", "is_open"]


class LaneUpdateSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    group = serializers.ChoiceField(choices=LaneGroup.choices, required=False)
    is_open = serializers.BooleanField(required=False)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text="Why the lane closes: required to close an open lane, kept in the audit log.",
    )


class TravelDocumentSerializer(serializers.ModelSerializer):
    """A document as every response shows it: the number masked (`number_masked`)."""

    issuing_country = CountryField()
    number_masked = MaskedDocumentNumberField(source="number")

    class Meta:
        model = TravelDocument
        fields = ["id", "document_type", "number_masked", "issuing_country", "valid_until"]


class RevealedNumberSerializer(serializers.Serializer):
    """The answer to a reveal: one full document number (the reveal is audited)."""

    number = serializers.CharField(read_only=True)


class TravellerSerializer(serializers.ModelSerializer):
    nationality = CountryField(countries=nationalities)
    documents = TravelDocumentSerializer(many=True, read_only=True)
    guardians = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Traveller
        fields = [
            "id",
            "family_name",
            "given_names",
            "family_name_native",
            "given_names_native",
            "nationality",
            "birth_date",
            "sex",
            "guardians",
            "documents",
        ]


class DocumentInputSerializer(serializers.Serializer):
    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    number = serializers.CharField(max_length=40, validators=[validate_document_number])
    issuing_country = CountryField()
    valid_until = serializers.DateField()


class TravellerRegisterSerializer(serializers.Serializer):
    family_name = serializers.CharField(max_length=100)
    given_names = serializers.CharField(max_length=100, allow_blank=True, default="")
    family_name_native = serializers.CharField(max_length=100, allow_blank=True, default="")
    given_names_native = serializers.CharField(max_length=100, allow_blank=True, default="")
    nationality = CountryField(countries=nationalities)
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    document = DocumentInputSerializer()
    guardians = serializers.PrimaryKeyRelatedField(many=True, queryset=Traveller.objects.all(), required=False)


class TravellerSearchSerializer(serializers.Serializer):
    """What an officer looks a traveller up by (in a POST body, never in a URL): a document number (matched without
    spaces, dashes or case), optionally its type and issuing country; or a family name with a birth date."""

    document_number = serializers.CharField(required=False, max_length=40, validators=[validate_document_number])
    document_type = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    issuing_country = CountryField(required=False)
    family_name = serializers.CharField(required=False, max_length=100)
    given_names = serializers.CharField(required=False, max_length=100)
    birth_date = serializers.DateField(required=False)
    nationality = serializers.CharField(required=False, max_length=2, min_length=2)

    def validate(self, attrs):
        by_number = bool(attrs.get("document_number"))
        by_name = bool(attrs.get("family_name")) and attrs.get("birth_date") is not None
        if not (by_number or by_name):
            raise serializers.ValidationError(SEARCH_NEEDS_NUMBER_OR_NAME)
        return attrs


class TravellerSearchResultsSerializer(serializers.Serializer):
    """The travellers found, numbers masked (at most 50); `more` says that others matched too: narrow the search;
    `similar` that nobody has exactly the names asked for, and these travellers have similar names."""

    results = TravellerSerializer(many=True, read_only=True)
    more = serializers.BooleanField(read_only=True)
    similar = serializers.BooleanField(read_only=True)


class DocumentIdentitySerializer(serializers.Serializer):
    """How an officer names a document at the lane: its type, issuing country and number as printed."""

    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    issuing_country = CountryField()
    number = serializers.CharField(max_length=40, validators=[validate_document_number])


class CachedLaneField(serializers.PrimaryKeyRelatedField):
    """A lane by id, from the cached reference data (crossings.selectors.reference) rather than a query."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            lane = cached_lane(int(data))
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if lane is None:
            self.fail("does_not_exist", pk_value=data)
        return lane


class CrossingRequestSerializer(serializers.Serializer):
    document = DocumentIdentitySerializer()
    lane = CachedLaneField(queryset=Lane.objects.select_related("checkpoint"))
    occurred_at = serializers.DateTimeField(required=False, help_text=_("When it happened; now if left out."))

    def validate_document(self, identity):
        document = document_get(**identity)
        if document is None:
            raise serializers.ValidationError(UNKNOWN_DOCUMENT)
        return document


class VisitSummarySerializer(serializers.ModelSerializer):
    checkpoint = serializers.SlugRelatedField(slug_field="code", read_only=True)
    days_left = serializers.SerializerMethodField()
    overstay = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "state", "checkpoint", "entered_at", "must_leave_by", "exited_at", "days_left", "overstay"]

    def get_days_left(self, visit: Visit) -> int | None:
        return visit.days_left_at(timezone.now()) if visit.is_open else None

    def get_overstay(self, visit: Visit) -> bool:
        return visit.is_overstay_at(timezone.now())


class TravellerSummarySerializer(serializers.ModelSerializer):
    nationality = CountryField(countries=nationalities)

    class Meta:
        model = Traveller
        fields = ["id", "family_name", "given_names", "family_name_native", "given_names_native", "nationality"]


class CrossingSerializer(serializers.ModelSerializer):
    """A recorded crossing. A refusal is a recorded crossing too: outcome "refused" with its reason."""

    checkpoint = serializers.CharField(source="lane.checkpoint.code", read_only=True)
    lane_code = serializers.CharField(source="lane.code", read_only=True)
    traveller = TravellerSummarySerializer(read_only=True)
    document = TravelDocumentSerializer(read_only=True)
    officer = serializers.CharField(source="officer.username", read_only=True)
    refusal_message = serializers.CharField(read_only=True)
    visit = serializers.SerializerMethodField()
    alert = serializers.SerializerMethodField()
    corrects = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Crossing
        fields = [
            "id",
            "kind",
            "direction",
            "outcome",
            "refusal_reason",
            "refusal_message",
            "occurred_at",
            "local_date",
            "checkpoint",
            "lane",
            "lane_code",
            "traveller",
            "document",
            "officer",
            "visit",
            "alert",
            "corrects",
            "correction_reason",
        ]

    @extend_schema_field(VisitSummarySerializer(allow_null=True))
    def get_visit(self, crossing: Crossing):
        if crossing.kind != CrossingKind.RECORD or not crossing.is_admitted:
            return None
        visit = getattr(crossing, "opened_visit", None) if crossing.direction == Direction.ENTRY else None
        visit = visit or getattr(crossing, "closed_visit", None)
        return VisitSummarySerializer(visit).data if visit else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_alert(self, crossing: Crossing):
        alert = getattr(crossing, "alert", None)
        return alert.pk if alert else None


class CrossingRecordedSerializer(CrossingSerializer):
    """The answer to recording an entry or exit: the crossing, and on an admitted exit what other apps show of the
    traveller leaving (`exit_details`, by name: trade's "allowance", the use of the duty-free allowance of the side
    they leave into, what remains and any duty due)."""

    exit_details = serializers.SerializerMethodField()

    class Meta(CrossingSerializer.Meta):
        fields = [*CrossingSerializer.Meta.fields, "exit_details"]

    @extend_schema_field(serializers.DictField(child=serializers.DictField(), allow_null=True))
    def get_exit_details(self, crossing: Crossing):
        panels = crossing_exit_panels(crossing)
        return {panel.name: panel.data for panel in panels} if panels else None


# Field instances made once: recording a crossing answers with `recorded_crossing_data`, which uses them directly.
_MOMENT = serializers.DateTimeField()
_DAY = serializers.DateField()
_COUNTRY = CountryField()
_NATIONALITY = CountryField(countries=nationalities)
_MASKED_NUMBER = MaskedDocumentNumberField()


def _moment(value):
    return _MOMENT.to_representation(value) if value is not None else None


def recorded_crossing_data(crossing: Crossing) -> dict:
    """The answer to recording an entry or exit: exactly what CrossingRecordedSerializer gives (a test holds the two
    equal), without instantiating it. A serializer copies its declared fields, nested serializers and the country
    fields' list of every country at each use: that cost several milliseconds of CPU per crossing."""
    traveller, document, visit = crossing.traveller, crossing.document, None
    if crossing.kind == CrossingKind.RECORD and crossing.is_admitted:
        visit = getattr(crossing, "opened_visit", None) if crossing.direction == Direction.ENTRY else None
        visit = visit or getattr(crossing, "closed_visit", None)
    now = timezone.now()
    alert = getattr(crossing, "alert", None)
    panels = crossing_exit_panels(crossing)
    return {
        "id": crossing.pk,
        "kind": crossing.kind,
        "direction": crossing.direction,
        "outcome": crossing.outcome,
        "refusal_reason": crossing.refusal_reason,
        "refusal_message": str(crossing.refusal_message),
        "occurred_at": _moment(crossing.occurred_at),
        "local_date": _DAY.to_representation(crossing.local_date),
        "checkpoint": crossing.lane.checkpoint.code,
        "lane": crossing.lane_id,
        "lane_code": crossing.lane.code,
        "traveller": {
            "id": traveller.pk,
            "family_name": traveller.family_name,
            "given_names": traveller.given_names,
            "family_name_native": traveller.family_name_native,
            "given_names_native": traveller.given_names_native,
            "nationality": _NATIONALITY.to_representation(traveller.nationality),
        },
        "document": {
            "id": document.pk,
            "document_type": document.document_type,
            "number_masked": _MASKED_NUMBER.to_representation(document.number),
            "issuing_country": _COUNTRY.to_representation(document.issuing_country),
            "valid_until": _DAY.to_representation(document.valid_until),
        },
        "officer": crossing.officer.username,
        "visit": None
        if visit is None
        else {
            "id": visit.pk,
            "state": visit.state,
            "checkpoint": visit.checkpoint.code,
            "entered_at": _moment(visit.entered_at),
            "must_leave_by": _moment(visit.must_leave_by),
            "exited_at": _moment(visit.exited_at),
            "days_left": visit.days_left_at(now) if visit.is_open else None,
            "overstay": visit.is_overstay_at(now),
        },
        "alert": alert.pk if alert else None,
        "corrects": crossing.corrects_id,
        "correction_reason": crossing.correction_reason,
        "exit_details": {panel.name: panel.data for panel in panels} if panels else None,
    }


class CrossingCorrectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class VisitSerializer(VisitSummarySerializer):
    traveller = TravellerSummarySerializer(read_only=True)

    class Meta(VisitSummarySerializer.Meta):
        fields = [*VisitSummarySerializer.Meta.fields, "traveller", "entry_crossing", "exit_crossing"]


class WatchlistEntrySerializer(serializers.ModelSerializer):
    document_issuing_country = CountryField(required=False, allow_blank=True)
    added_by = serializers.CharField(source="added_by.username", read_only=True)
    hits = serializers.IntegerField(source="alerts.count", read_only=True)
    document_number_masked = MaskedDocumentNumberField(source="document_number")

    class Meta:
        model = WatchlistEntry
        fields = [
            "id",
            "match",
            "document_type",
            "document_issuing_country",
            "document_number",
            "document_number_masked",
            "family_name",
            "given_names",
            "birth_date",
            "reason",
            "active_from",
            "active_until",
            "added_by",
            "added_at",
            "hits",
        ]
        read_only_fields = ["id", "added_by", "added_at", "hits"]
        extra_kwargs = {
            "match": {"choices": WatchlistMatch.choices},
            # Given when the entry is added; answered masked (`document_number_masked`), revealed one at a time.
            "document_number": {"write_only": True, "validators": [validate_document_number]},
        }

    def validate_active_from(self, value):
        return validate_moment_in_range(value)

    def validate_active_until(self, value):
        return validate_moment_in_range(value)


class AlertSerializer(serializers.ModelSerializer):
    crossing = CrossingSerializer(read_only=True)
    watchlist_reason = serializers.CharField(source="watchlist_entry.reason", read_only=True)
    acknowledged_by = serializers.CharField(source="acknowledged_by.username", read_only=True, default=None)

    class Meta:
        model = Alert
        fields = [
            "id",
            "raised_at",
            "watchlist_entry",
            "watchlist_reason",
            "crossing",
            "acknowledged_by",
            "acknowledged_at",
        ]


class StatisticsQuerySerializer(serializers.Serializer):
    checkpoint = serializers.ChoiceField(choices=CheckpointCode.choices, required=False)
    as_of = serializers.DateField(required=False)
