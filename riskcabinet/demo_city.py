"""The demo city: Los Angeles City departments with plausible sizes and injury profiles.

Headcounts are rounded, plausible figures for the size of each department, not official data.
Each department has a profile that sets its mix of incident types and how often they happen,
and some departments trend up or down so the scoring engine has something real to find.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class IncidentProfile:
    """Incidents per 100 full-time employees per year, by type, before trend and season."""

    injury_illness: float
    vehicle: float
    assault: float
    exposure: float
    near_miss: float
    property_damage: float
    summer_boost: float = 0.0  # Extra share of injuries and exposures from June to September.


FIELD_CREW = IncidentProfile(7.5, 3.0, 0.4, 1.2, 4.0, 1.5, summer_boost=0.35)
POLICE = IncidentProfile(6.0, 2.5, 4.5, 0.8, 2.0, 1.0, summer_boost=0.1)
FIRE = IncidentProfile(11.0, 1.6, 0.8, 2.6, 3.0, 1.0, summer_boost=0.3)
PARKS = IncidentProfile(5.5, 1.0, 1.2, 1.2, 3.0, 0.8, summer_boost=0.45)
PUBLIC_COUNTER = IncidentProfile(1.8, 0.3, 1.6, 0.2, 1.2, 0.3)
LIBRARY = IncidentProfile(1.6, 0.1, 1.4, 0.2, 1.0, 0.2)
ANIMALS = IncidentProfile(6.5, 0.8, 0.6, 0.6, 2.0, 0.5, summer_boost=0.15)
UTILITY = IncidentProfile(5.5, 1.8, 0.5, 1.0, 4.5, 1.2, summer_boost=0.25)
AIRPORT_HARBOR = IncidentProfile(5.0, 1.5, 0.9, 0.8, 3.0, 1.2, summer_boost=0.2)
OFFICE = IncidentProfile(1.0, 0.15, 0.2, 0.1, 0.6, 0.2)


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str
    headcount: int
    profile: IncidentProfile
    trend_per_year: float = 0.0  # Relative change per year, e.g. 0.25 = up 25% a year.
    naics: str = "921190"
    address: str = "200 N Spring St"
    zip_code: str = "90012"


DEPARTMENTS: tuple[DemoDepartment, ...] = (
    DemoDepartment("LAPD", "Police", 13000, POLICE, 0.04, "922120", "100 W 1st St"),
    DemoDepartment("DWP", "Water and Power", 10500, UTILITY, -0.06, "221122", "111 N Hope St"),
    DemoDepartment("LAFD", "Fire", 3800, FIRE, 0.0, "922160", "200 N Main St"),
    DemoDepartment(
        "LAWA", "Airports", 3700, AIRPORT_HARBOR, 0.02, "488119", "1 World Way", "90045"
    ),
    DemoDepartment(
        "LASAN",
        "Sanitation and Environment",
        3300,
        FIELD_CREW,
        -0.15,
        "562111",
        "1149 S Broadway",
        "90015",
    ),
    DemoDepartment("RAP", "Recreation and Parks", 2600, PARKS, 0.05, "712190", "221 N Figueroa St"),
    DemoDepartment("LADOT", "Transportation", 2000, FIELD_CREW, 0.08, "926120", "100 S Main St"),
    DemoDepartment("GSD", "General Services", 1500, FIELD_CREW, 0.0, "921190", "111 E 1st St"),
    DemoDepartment(
        "LAPL", "Public Library", 1200, LIBRARY, 0.30, "519210", "630 W 5th St", "90071"
    ),
    DemoDepartment(
        "BSS", "Street Services", 1150, FIELD_CREW, 0.22, "237310", "1149 S Broadway", "90015"
    ),
    DemoDepartment(
        "LADBS", "Building and Safety", 1000, PUBLIC_COUNTER, 0.0, "926150", "201 N Figueroa St"
    ),
    DemoDepartment("BOE", "Engineering", 900, OFFICE, 0.0, "541330", "1149 S Broadway", "90015"),
    DemoDepartment("ATTY", "City Attorney", 900, OFFICE, 0.0, "922130", "200 N Main St"),
    DemoDepartment(
        "HARB", "Harbor", 900, AIRPORT_HARBOR, -0.04, "488310", "425 S Palos Verdes St", "90731"
    ),
    DemoDepartment("LAHD", "Housing", 600, PUBLIC_COUNTER, 0.0, "925110", "1200 W 7th St", "90017"),
    DemoDepartment("PER", "Personnel", 550, OFFICE, 0.0, "921190", "700 E Temple St"),
    DemoDepartment(
        "ITA", "Information Technology Agency", 450, OFFICE, 0.0, "921190", "200 N Main St"
    ),
    DemoDepartment("PLN", "City Planning", 450, OFFICE, 0.0, "925120", "221 N Figueroa St"),
    DemoDepartment("ANI", "Animal Services", 350, ANIMALS, 0.12, "812910", "221 N Figueroa St"),
    DemoDepartment("FIN", "Finance", 350, OFFICE, 0.0, "921130", "200 N Spring St"),
    DemoDepartment(
        "BCA", "Contract Administration", 300, FIELD_CREW, 0.0, "926150", "1149 S Broadway", "90015"
    ),
    DemoDepartment(
        "BSL", "Street Lighting", 250, UTILITY, 0.0, "237130", "1149 S Broadway", "90015"
    ),
    DemoDepartment("ZOO", "Zoo", 250, ANIMALS, 0.0, "712130", "5333 Zoo Dr", "90027"),
    DemoDepartment(
        "EWDD",
        "Economic and Workforce Development",
        200,
        OFFICE,
        0.0,
        "926110",
        "1200 W 7th St",
        "90017",
    ),
    DemoDepartment(
        "LACERS", "Employees' Retirement System", 200, OFFICE, 0.0, "524292", "977 N Broadway"
    ),
    DemoDepartment("CTR", "Controller", 160, OFFICE, 0.0, "921130", "200 N Main St"),
    DemoDepartment(
        "CAO", "City Administrative Officer", 130, OFFICE, 0.0, "921190", "200 N Main St"
    ),
    DemoDepartment("CLK", "City Clerk", 120, PUBLIC_COUNTER, 0.0, "921190", "200 N Spring St"),
    DemoDepartment("PENS", "Fire and Police Pensions", 110, OFFICE, 0.0, "524292", "701 E 3rd St"),
    DemoDepartment("BPW", "Board of Public Works", 100, OFFICE, 0.0, "926130", "200 N Spring St"),
    DemoDepartment(
        "DCA", "Cultural Affairs", 80, PUBLIC_COUNTER, 0.0, "712110", "201 N Figueroa St"
    ),
    DemoDepartment("DOA", "Aging", 50, PUBLIC_COUNTER, 0.0, "923130", "221 N Figueroa St"),
    DemoDepartment(
        "DCR", "Cannabis Regulation", 50, PUBLIC_COUNTER, 0.0, "926150", "221 N Figueroa St"
    ),
    DemoDepartment("EMD", "Emergency Management", 45, OFFICE, 0.0, "922190", "500 E Temple St"),
    DemoDepartment(
        "DONE", "Neighborhood Empowerment", 40, PUBLIC_COUNTER, 0.0, "921190", "200 N Spring St"
    ),
    DemoDepartment("DOD", "Disability", 30, OFFICE, 0.0, "923130", "201 N Figueroa St"),
    DemoDepartment(
        "CHRE", "Civil, Human Rights and Equity", 30, OFFICE, 0.0, "921190", "200 N Spring St"
    ),
    DemoDepartment(
        "YDD", "Youth Development", 25, PUBLIC_COUNTER, 0.0, "923130", "200 N Spring St"
    ),
    DemoDepartment(
        "ELP",
        "El Pueblo de Los Angeles Historical Monument",
        20,
        PARKS,
        0.0,
        "712120",
        "125 Paseo de la Plaza",
    ),
    DemoDepartment(
        "CTD",
        "Convention and Tourism Development",
        20,
        OFFICE,
        0.0,
        "561591",
        "1201 S Figueroa St",
        "90015",
    ),
)

# OIICS v2.01 codes typical of each incident type: (event, nature, part, source) candidates.
# The seed keeps only codes present in the shipped code lists.
OIICS_BY_TYPE: dict[str, dict[str, tuple[str, ...]]] = {
    "injury_illness": {
        "event": ("7111", "711", "4210", "420", "6230", "624", "72", "41", "430", "641"),
        "nature": ("1230", "123", "111", "132", "143", "133"),
        "part": ("322", "41", "512", "441", "442", "43", "52", "20", "80"),
        "source": ("2114", "21", "66", "662", "74", "70", "56"),
    },
    "assault": {
        "event": ("1113", "1117", "1214", "1112", "1313"),
        "nature": ("143", "132", "162", "18", "1230"),
        "part": ("10", "130", "41", "441", "80", "20"),
        "source": ("56", "560", "5152"),
    },
    "vehicle": {
        "event": ("26", "260", "2410", "24", "6213"),
        "nature": ("1230", "143", "18", "162"),
        "part": ("20", "322", "41", "80", "10"),
        "source": ("842", "84"),
    },
    "exposure": {
        "event": ("531", "552", "5520", "61"),
        "nature": ("1725", "1961", "1960", "133"),
        "part": ("80", "132", "44", "10"),
        "source": ("33", "1", "10"),
    },
}
