"""Each sale line keeps the goods' origin and HS heading as sold: a later edit of the listing changes no past sale
or trade figure. Existing lines take their listing's current values."""

import django.db.models.deletion
import django_countries.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0005_listingimport_file_private_storage"),
        ("trade", "0004_trade_statistics"),
    ]

    operations = [
        migrations.AddField(
            model_name="saleline",
            name="origin_country",
            field=django_countries.fields.CountryField(max_length=2, null=True, verbose_name="country of origin"),
        ),
        migrations.AddField(
            model_name="saleline",
            name="hs_heading",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="merchants.hsheading",
                verbose_name="HS heading",
            ),
        ),
        migrations.RunSQL(
            sql="""
                UPDATE trade_saleline AS line
                SET origin_country = listing.origin_country, hs_heading_id = listing.hs_heading_id
                FROM merchants_listing AS listing
                WHERE listing.id = line.listing_id
            """,
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="saleline",
            name="origin_country",
            field=django_countries.fields.CountryField(max_length=2, verbose_name="country of origin"),
        ),
        migrations.AlterField(
            model_name="saleline",
            name="hs_heading",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="merchants.hsheading",
                verbose_name="HS heading",
            ),
        ),
    ]
