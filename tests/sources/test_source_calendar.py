"""French public holidays per [relance] region, from the holidays package."""

import pytest

from models.errors import RelanceError
from sources.calendar import REGIONS, french_holidays
from tests.models.factories import d
from tests.models.test_calendar import ALSACE, MAINLAND


def test_mainland_matches_the_hand_written_list():
    assert french_holidays([2026, 2027]) == MAINLAND
    assert french_holidays(range(2026, 2028), "") == MAINLAND


@pytest.mark.parametrize("region", ["alsace-moselle", "Alsace-Moselle", " alsace moselle "])
def test_alsace_moselle(region):
    assert french_holidays([2026, 2027], region) == ALSACE


@pytest.mark.parametrize(
    ("region", "extra_2026"),
    [
        # Abolition of slavery, on a different day in each department (plus two more in the Antilles)
        ("guadeloupe", {"2026-03-12", "2026-04-03", "2026-05-27", "2026-07-21"}),  # Mi-Carême, Vendredi saint
        ("martinique", {"2026-05-22", "2026-07-21"}),  # Victor Schoelcher on 21 July
        ("guyane", {"2026-06-10"}),
        ("reunion", {"2026-12-20"}),
        ("La Réunion", {"2026-12-20"}),
        ("mayotte", {"2026-04-27"}),
    ],
)
def test_overseas_departments(region, extra_2026):
    assert french_holidays([2026], region) - french_holidays([2026]) == {d(day) for day in extra_2026}


def test_no_year_no_holiday():
    assert french_holidays([]) == frozenset()


def test_every_region_is_known_to_the_package():
    for region in REGIONS:
        assert french_holidays([2026], region) >= french_holidays([2026])


def test_unknown_region_lists_the_valid_ones():
    with pytest.raises(RelanceError) as error:
        french_holidays([2026], "corse")
    assert str(error.value) == (
        "Région inconnue « corse » dans [relance] region de relance.toml : choisissez alsace-moselle, "
        "guadeloupe, martinique, guyane, reunion, mayotte, ou laissez vide pour la métropole."
    )
