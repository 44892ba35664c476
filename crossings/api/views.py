from django.conf import settings
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from crossings import selectors
from crossings.api.serializers import (
    AlertSerializer,
    CheckpointSerializer,
    CrossingCorrectSerializer,
    CrossingRecordedSerializer,
    CrossingRequestSerializer,
    CrossingSerializer,
    DocumentInputSerializer,
    LaneSerializer,
    LaneUpdateSerializer,
    RevealedNumberSerializer,
    StatisticsQuerySerializer,
    TravelDocumentSerializer,
    TravellerRegisterSerializer,
    TravellerSearchResultsSerializer,
    TravellerSearchSerializer,
    TravellerSerializer,
    VisitSerializer,
    WatchlistEntrySerializer,
    recorded_crossing_data,
)
from crossings.filtersets import (
    AlertFilterSet,
    CrossingFilterSet,
    InsideFilterSet,
    LaneFilterSet,
    OverstayFilterSet,
    VisitFilterSet,
    WatchlistFilterSet,
)
from crossings.models import Checkpoint
from crossings.selectors import figures
from crossings.selectors import lists as list_selectors
from crossings.selectors.figures import figures_as_data
from crossings.services import crossings as crossing_services
from crossings.services import documents as document_services
from crossings.services import reference as reference_services
from crossings.services import travellers as traveller_services
from crossings.services import watchlist as watchlist_services
from horgos.api.idempotency import idempotent
from horgos.api.serializers import ReauthenticationSerializer
from horgos.api.throttling import ScopedThrottles
from horgos.choices import Role
from horgos.reauth import RecentAuthentication
from horgos.roles import IsAdministrator, IsOfficerOrAdministrator, user_has_role


class ReadForOfficersWriteForAdministrators(permissions.BasePermission):
    """Officers and administrators read; only administrators change."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return user_has_role(request.user, Role.OFFICER, Role.ADMINISTRATOR)
        return user_has_role(request.user, Role.ADMINISTRATOR)


ENTRY_EXAMPLE = OpenApiExample(
    "Entry by passport",
    value={"document": {"document_type": "passport", "issuing_country": "KZ", "number": "N1234567"}, "lane": 3},
    request_only=True,
)
REFUSED_EXAMPLE = OpenApiExample(
    "Refused (recorded)",
    value={
        "id": 42,
        "kind": "record",
        "direction": "entry",
        "outcome": "refused",
        "refusal_reason": "document_expired",
        "refusal_message": "The document has expired.",
        "checkpoint": "KZ",
        "lane": 3,
        "lane_code": "E-C01",
        "visit": None,
        "alert": None,
    },
    response_only=True,
    status_codes=["201"],
)
CROSSING_RESPONSES = {
    201: OpenApiResponse(
        CrossingRecordedSerializer,
        description="The crossing was recorded. `outcome` says admitted or refused; a refusal carries "
        "`refusal_reason` (a code) and `refusal_message` (translated). A refusal is a success: it is recorded. "
        "An admitted exit carries `exit_details.allowance`: the traveller's use of the duty-free allowance of the "
        "side they leave into in this period, what remains, and any duty due.",
    ),
    400: OpenApiResponse(description="Malformed input, an unknown lane or an unregistered document."),
    403: OpenApiResponse(description="The lane belongs to another checkpoint than the officer's."),
    409: OpenApiResponse(description="A request with the same Idempotency-Key is still running."),
    422: OpenApiResponse(description="The Idempotency-Key was used with a different body."),
}


class CheckpointViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The two checkpoints (read: officers and administrators; change names or time zone: administrators)."""

    queryset = Checkpoint.objects.all()
    serializer_class = CheckpointSerializer
    permission_classes = [ReadForOfficersWriteForAdministrators]
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        checkpoint = reference_services.checkpoint_update(
            checkpoint=self.get_object(), acting_user=request.user, **serializer.validated_data
        )
        return Response(CheckpointSerializer(checkpoint).data)


class LaneViewSet(viewsets.ModelViewSet):
    """Lanes of both checkpoints; administrators add lanes and open or close them (effective at once)."""

    queryset = selectors.lanes_list()
    serializer_class = LaneSerializer
    permission_classes = [ReadForOfficersWriteForAdministrators]
    filterset_class = LaneFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lane = reference_services.lane_create(acting_user=request.user, **serializer.validated_data)
        return Response(LaneSerializer(lane).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LaneUpdateSerializer, responses=LaneSerializer)
    def partial_update(self, request, *args, **kwargs):
        serializer = LaneUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lane = reference_services.lane_update(
            lane=self.get_object(), acting_user=request.user, **serializer.validated_data
        )
        return Response(LaneSerializer(lane).data)


def revealed(number: str) -> Response:
    """A full number, kept out of every cache (the browser's and any proxy's)."""
    response = Response(RevealedNumberSerializer({"number": number}).data)
    add_never_cache_headers(response)
    return response


class TravellerListPagination(PageNumberPagination):
    """Listing every traveller is for administrators, a small page at a time."""

    page_size = settings.API_TRAVELLERS_PAGE_SIZE


SEARCH_BY_POST = _(
    "Travellers are searched with POST /api/v1/travellers/search/, the criteria in the body: a URL's query string "
    "is kept in access logs."
)
REVEAL_RESPONSES = {
    200: OpenApiResponse(RevealedNumberSerializer, description="The full number; the reveal is in the audit log."),
    403: OpenApiResponse(
        description="Not an officer or administrator; or no fresh sign-in (code `reauthentication_required`): a "
        "session must have confirmed its password in the last minutes, a personal token must send `password`, a "
        "machine token may not reveal."
    ),
    404: OpenApiResponse(description="No such document of this traveller."),
    429: OpenApiResponse(description="Too many reveals: wait the seconds `Retry-After` says."),
}

SEARCH_RESPONSES = {
    200: TravellerSearchResultsSerializer,
    400: OpenApiResponse(description="Neither a document number nor a family name with a birth date."),
    429: OpenApiResponse(description="Too many searches: wait the seconds `Retry-After` says."),
}


class TravellerViewSet(ScopedThrottles, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Travellers with their documents, numbers masked. Officers find a traveller with POST `search/` (a document
    number, or names and birth date); listing every traveller is for administrators, a small page at a time and
    throttled; one full number is revealed, audited, with POST `{id}/documents/{document_id}/reveal/`."""

    serializer_class = TravellerSerializer
    permission_classes = [IsOfficerOrAdministrator]
    pagination_class = TravellerListPagination
    throttle_scopes = {"list": "travellers_list", "search": "travellers_search", "reveal": "document_reveal"}

    def get_queryset(self):
        return selectors.travellers_with_documents()

    def get_permissions(self):
        if self.action == "list":
            return [IsAdministrator()]
        return super().get_permissions()

    @extend_schema(
        summary="Every traveller (administrators; a small page at a time, throttled)",
        responses={
            200: TravellerSerializer(many=True),
            400: OpenApiResponse(description="Search criteria in the query string: search with POST `search/`."),
            429: OpenApiResponse(description="Too many requests."),
        },
    )
    def list(self, request, *args, **kwargs):
        asked = sorted(set(request.query_params) & set(TravellerSearchSerializer().fields))
        if asked:  # the search that once travelled in the query string: say where it went, search nothing
            raise ValidationError({key: [SEARCH_BY_POST] for key in asked})
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=TravellerSearchSerializer,
        responses=SEARCH_RESPONSES,
        summary="Find travellers by a document number, or by names and birth date",
    )
    @action(detail=False, methods=["post"])
    def search(self, request):
        """The search travels in the body, never in the URL (which access logs keep). A number matches however it
        is typed ('e 1234-567' finds 'E1234567'); nothing is recorded or audited, and numbers come back masked."""
        criteria = TravellerSearchSerializer(data=request.data)
        criteria.is_valid(raise_exception=True)
        travellers, more, similar = list_selectors.travellers_found(**criteria.validated_data)
        return Response(
            TravellerSearchResultsSerializer({"results": travellers, "more": more, "similar": similar}).data
        )

    @extend_schema(
        request=ReauthenticationSerializer,
        parameters=[OpenApiParameter("document_id", int, OpenApiParameter.PATH, description="The document's id.")],
        responses=REVEAL_RESPONSES,
        summary="Reveal one document's full number (audited)",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"documents/(?P<document_id>[0-9]+)/reveal",
        # Who may see a full number, and only after a fresh sign-in (both reveals).
        permission_classes=[IsOfficerOrAdministrator, RecentAuthentication],
    )
    def reveal(self, request, pk=None, document_id=None):
        """The full number of one of the traveller's documents, written in the audit log as the page's reveal is
        (`document.reveal`, naming the traveller and the document by id, never by number)."""
        document = list_selectors.traveller_document(traveller_id=pk, document_id=document_id)
        if document is None:
            raise Http404
        return revealed(document_services.document_reveal(document=document, acting_user=request.user))

    @extend_schema(request=TravellerRegisterSerializer, responses={201: TravellerSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = TravellerRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        document = data.pop("document")
        traveller = traveller_services.traveller_register(
            **data,
            document_type=document["document_type"],
            document_number=document["number"],
            document_issuing_country=document["issuing_country"],
            document_valid_until=document["valid_until"],
            acting_user=request.user,
        )
        return Response(TravellerSerializer(traveller).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DocumentInputSerializer, responses={201: TravelDocumentSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def documents(self, request, pk=None):
        """Add a document to a registered traveller."""
        serializer = DocumentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        document = traveller_services.traveller_add_document(
            traveller=self.get_object(),
            document_type=data["document_type"],
            number=data["number"],
            issuing_country=data["issuing_country"],
            valid_until=data["valid_until"],
            acting_user=request.user,
        )
        return Response(TravelDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CrossingSerializer(many=True))
    @action(detail=True, methods=["get"])
    def crossings(self, request, pk=None):
        """The traveller's crossings, newest first."""
        history = selectors.traveller_history(self.get_object())
        page = self.paginate_queryset(history["crossings"])
        return self.get_paginated_response(CrossingSerializer(page, many=True).data)


class CrossingViewSet(viewsets.ReadOnlyModelViewSet):
    """Every entry, exit and refusal. Record with POST entry/ and exit/; administrators correct with POST correct/."""

    queryset = selectors.crossings_list()
    serializer_class = CrossingSerializer
    permission_classes = [IsOfficerOrAdministrator]
    filterset_class = CrossingFilterSet
    ordering_fields = ["occurred_at"]

    def _record(self, request, service):
        serializer = CrossingRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        crossing = service(
            document=serializer.validated_data["document"],
            lane=serializer.validated_data["lane"],
            at=serializer.validated_data.get("occurred_at"),
            acting_user=request.user,
        )
        return Response(recorded_crossing_data(crossing), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CrossingRequestSerializer,
        responses=CROSSING_RESPONSES,
        examples=[ENTRY_EXAMPLE, REFUSED_EXAMPLE],
        summary="Record an entry (admitted, or refused with the reason)",
    )
    @action(detail=False, methods=["post"])
    @idempotent
    def entry(self, request):
        return self._record(request, crossing_services.crossing_record_entry)

    @extend_schema(
        request=CrossingRequestSerializer,
        responses=CROSSING_RESPONSES,
        examples=[ENTRY_EXAMPLE, REFUSED_EXAMPLE],
        summary="Record an exit (admitted, or refused with the reason)",
    )
    @action(detail=False, methods=["post"])
    @idempotent
    def exit(self, request):
        return self._record(request, crossing_services.crossing_record_exit)

    @extend_schema(request=CrossingCorrectSerializer, responses={201: CrossingSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAdministrator])
    @idempotent
    def correct(self, request, pk=None):
        """Reverse a mistaken record (administrators): the reversal is a new record pointing at it."""
        serializer = CrossingCorrectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reversal = crossing_services.crossing_correct(
            crossing=self.get_object(), reason=serializer.validated_data["reason"], acting_user=request.user
        )
        return Response(CrossingSerializer(reversal).data, status=status.HTTP_201_CREATED)


class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    """Visits; `inside/` lists who is inside the zone now, `overstays/` who stayed past must_leave_by."""

    queryset = selectors.visits_list()
    serializer_class = VisitSerializer
    permission_classes = [IsOfficerOrAdministrator]
    filterset_class = VisitFilterSet

    @extend_schema(responses=VisitSerializer(many=True))
    @action(detail=False, methods=["get"], filterset_class=InsideFilterSet)
    def inside(self, request):
        page = self.paginate_queryset(self.filter_queryset(selectors.visits_inside()))
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    @extend_schema(responses=VisitSerializer(many=True))
    @action(detail=False, methods=["get"], filterset_class=OverstayFilterSet)
    def overstays(self, request):
        page = self.paginate_queryset(self.filter_queryset(selectors.visits_overstaying()))
        return self.get_paginated_response(VisitSerializer(page, many=True).data)


class WatchlistViewSet(ScopedThrottles, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The watchlist (administrators only). Document numbers are answered masked; POST `{id}/reveal/` gives one
    entry's full number, audited."""

    queryset = selectors.watchlist_list()
    serializer_class = WatchlistEntrySerializer
    permission_classes = [IsAdministrator]
    filterset_class = WatchlistFilterSet
    throttle_scopes = {"reveal": "document_reveal"}

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = {key: value for key, value in serializer.validated_data.items() if value not in (None, "")}
        entry = watchlist_services.watchlist_add(acting_user=request.user, **fields)
        return Response(WatchlistEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=WatchlistEntrySerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        entry = watchlist_services.watchlist_deactivate(entry=self.get_object(), acting_user=request.user)
        return Response(WatchlistEntrySerializer(entry).data)

    @extend_schema(
        request=ReauthenticationSerializer,
        responses={**REVEAL_RESPONSES, 400: OpenApiResponse(description="The entry names a person, not a document.")},
        summary="Reveal a watchlist entry's full document number (audited)",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAdministrator, RecentAuthentication])
    def reveal(self, request, pk=None):
        return revealed(document_services.watchlist_entry_reveal(entry=self.get_object(), acting_user=request.user))


class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """Watchlist hits: an officer sees and acknowledges those of their own checkpoint (another checkpoint's is a 404,
    as on the pages), an administrator every one."""

    queryset = selectors.alerts_list()
    serializer_class = AlertSerializer
    permission_classes = [IsOfficerOrAdministrator]
    filterset_class = AlertFilterSet

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = watchlist_services.alert_acknowledge(alert=self.get_object(), acting_user=request.user)
        return Response(AlertSerializer(alert).data)


class FiguresViewSet(viewsets.ViewSet):
    """Traffic figures from the statistics tables (read-only): `public/` for anyone (counts only, cached); the
    statistics overview for officers (their checkpoint) and administrators (`?checkpoint=CN|KZ`,
    `?as_of=YYYY-MM-DD`)."""

    permission_classes = [IsOfficerOrAdministrator]

    @extend_schema(responses={200: OpenApiResponse(description="This year so far, growth, both years by month")})
    @action(
        detail=False, methods=["get"], permission_classes=[permissions.AllowAny], throttle_classes=[AnonRateThrottle]
    )
    def public(self, request):
        numbers = figures.cached_public_figures()
        return Response(numbers or {"as_of": None})

    @extend_schema(parameters=[StatisticsQuerySerializer], responses={200: OpenApiResponse(description="The overview")})
    def list(self, request):
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        last_filled = figures.last_filled_day()
        if last_filled is None:
            return Response({"as_of": None})
        if request.user.role == Role.ADMINISTRATOR:
            code = query.validated_data.get("checkpoint")
            checkpoint = Checkpoint.objects.filter(code=code).first() if code else None
        else:
            checkpoint = selectors.officer_checkpoint(request.user)
        as_of = min(query.validated_data.get("as_of") or last_filled, last_filled)
        overview = figures.statistics_overview(as_of=as_of, checkpoint=checkpoint)
        return Response(figures_as_data(overview))
