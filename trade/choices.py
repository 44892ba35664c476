from django.db import models
from django.utils.translation import gettext_lazy as _


class AllowancePeriod(models.TextChoices):
    """The period an allowance renews in, in the zone of the checkpoint the traveller leaves by."""

    DAY = "day", _("Local calendar day")
    MONTH = "month", _("Calendar month")


class SaleState(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    VOIDED = "voided", _("Voided")


class Corridor(models.TextChoices):
    CENTRAL_ASIA = "central_asia", _("Central Asia")
    WEST_ASIA = "west_asia", _("West Asia")
    EUROPE = "europe", _("Europe")


class TransportMode(models.TextChoices):
    ROAD = "road", _("Road")
    RAIL = "rail", _("Rail")
    AIR = "air", _("Air")
    MULTIMODAL = "multimodal", _("Multimodal")


class ShipmentStep(models.TextChoices):
    """A consignment's customs timeline: forward only, with a hold (and its release) possible on the way."""

    REGISTERED = "registered", _("Registered")
    DECLARED = "declared", _("Declared")
    INSPECTED = "inspected", _("Inspected")
    CLEARED = "cleared", _("Cleared")
    DEPARTED = "departed", _("Departed")
    HELD = "held", _("Held")
    RELEASED = "released", _("Released")
