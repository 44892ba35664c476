import factory

from horgos.choices import Role
from horgos.models import User

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.OFFICER
    is_staff = factory.LazyAttribute(lambda user: user.role == Role.ADMINISTRATOR)
    password = factory.django.Password(TEST_PASSWORD)


class OfficerFactory(UserFactory):
    role = Role.OFFICER


class MerchantUserFactory(UserFactory):
    role = Role.MERCHANT


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR
