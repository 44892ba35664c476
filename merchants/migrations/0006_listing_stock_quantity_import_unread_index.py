"""A listing's stock becomes a quantity (`stock_quantity`), a listing remembers the import that created it, and
the unread notifications of a merchant get an index for the count beside the notifications link.

The in/out flag becomes a quantity: out of stock (False) is 0; in stock (True) is 1. The flag said only that
at least one unit was on hand, and 1 is the most that is known for sure: a larger number made up here would let
the till sell units that may not exist. The public catalogue still shows every such listing as in stock
(quantity > 0, "few left"), and each merchant sets the counted quantity in the portal or by a listing file.
Going back, a quantity above 0 is in stock.
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def flag_to_quantity(apps, schema_editor):
    Listing = apps.get_model("merchants", "Listing")
    Listing.objects.filter(in_stock=True).update(stock_quantity=1)
    Listing.objects.filter(in_stock=False).update(stock_quantity=0)


def quantity_to_flag(apps, schema_editor):
    Listing = apps.get_model("merchants", "Listing")
    Listing.objects.filter(stock_quantity__gt=0).update(in_stock=True)
    Listing.objects.filter(stock_quantity=0).update(in_stock=False)


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0005_listingimport_file_private_storage"),
    ]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="stock_quantity",
            field=models.IntegerField(
                default=0,
                validators=[django.core.validators.MinValueValidator(0)],
                verbose_name="quantity in stock",
            ),
        ),
        migrations.RunPython(flag_to_quantity, quantity_to_flag, elidable=False),
        migrations.RemoveField(
            model_name="listing",
            name="in_stock",
        ),
        migrations.AddConstraint(
            model_name="listing",
            constraint=models.CheckConstraint(
                condition=models.Q(("stock_quantity__gte", 0)),
                name="listing_stock_not_negative",
                violation_error_message="The quantity in stock cannot be below zero.",
            ),
        ),
        migrations.AddField(
            model_name="listing",
            name="listing_import",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="listings",
                to="merchants.listingimport",
                verbose_name="imported from",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("read_at__isnull", True)),
                fields=["merchant"],
                name="notification_unread_idx",
            ),
        ),
    ]
