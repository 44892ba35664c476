import pytest
from django.core.management import call_command

from merchants.models import HsChapter, HsHeading

pytestmark = pytest.mark.django_db


def test_hs_2022_loads_all_chapters_and_headings_once():
    call_command("merchants_load_hs", verbosity=0)
    call_command("merchants_load_hs", verbosity=0)
    assert HsChapter.objects.count() == 97
    assert HsHeading.objects.count() == 1228
    tea = HsChapter.objects.get(code="09")
    assert all([tea.name_en, tea.name_zh_hans, tea.name_kk, tea.name_ru])
    assert HsHeading.objects.get(code="8549").chapter.code == "85"  # new in HS 2022
    assert not HsHeading.objects.filter(code="8469").exists()  # deleted in HS 2022
    assert not HsHeading.objects.filter(chapter__code="77").exists()
