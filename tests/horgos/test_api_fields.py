"""The API's country field: the choices it builds on demand are django-countries' own, and it validates as theirs."""

import pytest
from django.utils import translation
from django_countries.serializer_fields import CountryField as DjangoCountriesField
from rest_framework import serializers

from crossings.nationalities import nationalities
from horgos.api.fields import CountryField


@pytest.mark.parametrize("options", [{}, {"countries": nationalities}])
def test_the_choices_built_on_demand_are_those_django_countries_builds_at_once(options):
    with translation.override("ru"):  # a request's language, active while its serializers are made and used
        lazy, eager = CountryField(**options), DjangoCountriesField(**options)
        assert lazy.choices == eager.choices
        assert lazy.grouped_choices == eager.grouped_choices
        assert lazy.choice_strings_to_values == eager.choice_strings_to_values
        assert [(option.value, option.display_text) for option in lazy.iter_options()] == [
            (option.value, option.display_text) for option in eager.iter_options()
        ]


def test_a_field_copied_for_each_serializer_builds_no_choices_until_asked():
    class Identity(serializers.Serializer):
        issuing_country = CountryField()

    field = Identity(data={"issuing_country": "kz"}).fields["issuing_country"]
    assert field._choices is None
    assert field.choices["KZ"] == "Kazakhstan"


@pytest.mark.parametrize(("given", "expected"), [("KZ", "KZ"), ("cn", "CN"), ("Kazakhstan", "KZ"), ("KAZ", "KZ")])
def test_codes_and_names_are_read_as_django_countries_reads_them(given, expected):
    assert CountryField().run_validation(given) == expected


@pytest.mark.parametrize("given", ["QQ", "Atlantis", ""])
def test_an_unknown_country_is_refused(given):
    with pytest.raises(serializers.ValidationError):
        CountryField().run_validation(given)
