"""Serializer fields every app's API shares."""

from django_countries import serializer_fields
from rest_framework.fields import flatten_choices_dict, to_choices_dict


class CountryField(serializer_fields.CountryField):
    """django-countries' serializer field, its list of choices built when something first asks for it (the OpenAPI
    schema, the browsable API, a choice lookup) instead of at each instantiation. DRF makes a serializer's fields
    anew for every serializer it instantiates, and listing the 250 countries with their names took about a
    millisecond of CPU of every request that names a country (a lane's entry names the issuing country): the
    field's own validation reads `countries`, not the choices."""

    def _get_choices(self):
        if self._choices is None:
            self._build_choices()
        return self._choices

    def _set_choices(self, choices):
        self._choices_source, self._choices = choices, None
        self._grouped_choices = self._choice_strings_to_values = None

    def _build_choices(self) -> None:
        self._grouped_choices = to_choices_dict(self._choices_source)
        self._choices = flatten_choices_dict(self._grouped_choices)
        self._choice_strings_to_values = {str(key): key for key in self._choices}

    choices = property(_get_choices, _set_choices)

    @property
    def grouped_choices(self):
        if self._grouped_choices is None:
            self._build_choices()
        return self._grouped_choices

    @property
    def choice_strings_to_values(self):
        if self._choice_strings_to_values is None:
            self._build_choices()
        return self._choice_strings_to_values
