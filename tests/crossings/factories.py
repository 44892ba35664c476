from datetime import date

import factory

from crossings.choices import DocumentType, Sex
from crossings.models import TravelDocument, Traveller


class TravellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Traveller

    family_name = factory.Faker("last_name")
    given_names = factory.Faker("first_name")
    nationality = "KZ"
    birth_date = date(1985, 6, 15)
    sex = Sex.FEMALE


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TravelDocument

    traveller = factory.SubFactory(TravellerFactory)
    document_type = DocumentType.PASSPORT
    number = factory.Sequence(lambda n: f"P{n:08d}")
    issuing_country = factory.LazyAttribute(lambda document: document.traveller.nationality)
    valid_until = date(2032, 12, 31)
