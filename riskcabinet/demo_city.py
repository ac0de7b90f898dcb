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
    # Where the work happens (a key of PLACES), which decides a report's stories and places.
    setting: str = ""


FIELD_CREW = IncidentProfile(7.5, 3.0, 0.4, 1.2, 4.0, 1.5, summer_boost=0.35, setting="field")
POLICE = IncidentProfile(6.0, 2.5, 4.5, 0.8, 2.0, 1.0, summer_boost=0.1, setting="police")
FIRE = IncidentProfile(11.0, 1.6, 0.8, 2.6, 3.0, 1.0, summer_boost=0.3, setting="fire")
PARKS = IncidentProfile(5.5, 1.0, 1.2, 1.2, 3.0, 0.8, summer_boost=0.45, setting="parks")
PUBLIC_COUNTER = IncidentProfile(1.8, 0.3, 1.6, 0.2, 1.2, 0.3, setting="counter")
LIBRARY = IncidentProfile(1.6, 0.1, 1.4, 0.2, 1.0, 0.2, setting="library")
ANIMALS = IncidentProfile(6.5, 0.8, 0.6, 0.6, 2.0, 0.5, summer_boost=0.15, setting="animals")
UTILITY = IncidentProfile(5.5, 1.8, 0.5, 1.0, 4.5, 1.2, summer_boost=0.25, setting="utility")
AIRPORT_HARBOR = IncidentProfile(5.0, 1.5, 0.9, 0.8, 3.0, 1.2, summer_boost=0.2, setting="port")
OFFICE = IncidentProfile(1.0, 0.15, 0.2, 0.1, 0.6, 0.2, setting="office")


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


@dataclass(frozen=True)
class Story:
    """One kind of demo report: what the employee wrote, the body part and injury in their own
    words, and the OIICS v2.01 codes an officer gives it, as "event nature part source" (none
    for a report without an injury). ``worst`` is the worst severity (a ``Severity`` value)
    such a report plausibly reaches, so a slip onto a knee is never a fatality. ``weight`` is how
    common it is against the other stories of its type that fit a case's severity. ``topic``
    names what a report is about, for the corrective actions that suit it (before its event
    code, which a fall down the stairs and a fall from a ladder share).
    ``where`` names the departments' settings (``IncidentProfile.setting``) where it happens, so
    that the library has no arrests and the police no bins to lift."""

    narrative: str
    worst: str = "none"
    body_part: str = ""
    injury_kind: str = ""
    codes: str = ""
    weight: float = 1.0
    topic: str = ""
    where: frozenset[str] = frozenset()  # The settings where it happens; empty: anywhere.

    def oiics(self) -> dict[str, str]:
        """The codes by family: event, nature, part and source (empty without an injury)."""
        return dict(zip(("event", "nature", "part", "source"), self.codes.split(), strict=False))


# Where a report says it happened, by setting; the airports and the zoo have their own.
PLACES: dict[str, tuple[str, ...]] = {
    "field": (
        "Central yard, 1149 S Broadway",
        "North Central yard, San Fernando Rd",
        "Alley behind W 3rd St and S Vermont Ave",
        "Van Nuys Blvd and Victory Blvd",
        "Hyperion plant",
        "Harbor Gateway, W 190th St",
    ),
    "utility": (
        "Sun Valley distribution yard",
        "Receiving station, E 7th St",
        "Sepulveda Blvd and W Olympic Blvd",
        "Van Nuys Blvd and Victory Blvd",
    ),
    "police": (
        "Central station, E 6th St",
        "Hollenbeck area, E 1st St",
        "77th Street station parking lot",
        "Wilshire Blvd and Western Ave",
    ),
    "fire": (
        "Fire Station 9, E 7th St",
        "Fire Station 27, Cole Ave",
        "Fire Station 88, Sherman Oaks",
        "Brush fire, Sepulveda Basin",
    ),
    "parks": (
        "Griffith Park, Vermont Canyon Rd",
        "Echo Park Lake",
        "Sepulveda Basin",
        "Pershing Square",
        "Pan Pacific recreation center",
    ),
    "counter": (
        "City Hall, public counter",
        "Van Nuys civic center, permit counter",
        "West LA district office",
    ),
    "library": (
        "Central Library, 5th St entrance",
        "Echo Park branch library",
        "North Hollywood branch library",
    ),
    "office": (
        "City Hall East, 3rd floor",
        "Public Works Building, 5th floor",
        "City Hall, 8th floor",
    ),
    "animals": (
        "East Valley animal shelter",
        "South LA animal shelter",
        "Field call, W Slauson Ave",
    ),
    "port": ("Berth 93, San Pedro", "Harbor administration building"),
}
PLACES_BY_DEPARTMENT: dict[str, tuple[str, ...]] = {
    "LAWA": ("LAX, Terminal 4 ramp", "LAX, World Way", "Van Nuys Airport, airfield"),
    "ZOO": ("Zoo, elephant barn", "Zoo, reptile house", "Zoo, service road"),
}


def places_for(department: DemoDepartment) -> tuple[str, ...]:
    """Where a demo report from `department` can say it happened (none for an unknown setting)."""
    return PLACES_BY_DEPARTMENT.get(department.code) or PLACES.get(department.profile.setting, ())


# Settings, by the kind of work: buildings with a public counter or desks, and work outside.
INDOORS = frozenset({"office", "counter", "library"})
CREWS = frozenset({"field", "utility", "parks", "animals", "port", "fire"})  # Yards and tools.
OUTDOORS = CREWS | {"police"}
PUBLIC_FACING = frozenset({"counter", "library", "parks", "animals", "port"})
AMONG_TREES = frozenset({"field", "utility", "parks", "animals"})
IN_TRAFFIC = frozenset({"field", "utility", "police", "fire"})  # Work in a traffic lane.
LAW_ENFORCEMENT = frozenset({"police", "port"})  # The port police and the LAPD.

STORIES: dict[str, tuple[Story, ...]] = {
    "injury_illness": (
        Story(
            "Lifting a full bin onto the truck lift, felt a sharp pain in the lower back.",
            "days_away",
            "Lower back",
            "Strain",
            "7111 1233 322 2118",
            weight=1.5,
            where=frozenset({"field"}),
        ),
        Story(
            "Slipped on wet pavement near the yard gate and fell, landing on the right knee.",
            "days_away",
            "Right knee",
            "Bruise",
            "422 143 512 6652",
            weight=1.3,
            where=OUTDOORS,
        ),
        Story(
            "Cut the left hand on the edge of a sheet-metal panel while moving it.",
            "medical",
            "Left hand",
            "Cut",
            "6312 132 441 4135",
            where=CREWS,
        ),
        Story(
            "Tripped over a hose in the work area and twisted the ankle.",
            "restricted",
            "Ankle",
            "Sprain",
            "4213 1232 52 2122",
            topic="hoses",
            where=CREWS,
        ),
        Story(
            "Pulled a shoulder muscle while dragging a heavy tree limb to the chipper.",
            "days_away",
            "Shoulder",
            "Strain",
            "7121 1233 41 5873",
            weight=0.8,
            where=AMONG_TREES,
        ),
        Story(
            "A box fell from an upper shelf in the storeroom and struck the shoulder.",
            "restricted",
            "Shoulder",
            "Bruise",
            "6230 143 41 2114",
            weight=0.6,
            topic="shelf",
        ),
        Story(
            "Strained the neck and back after hours of repetitive overhead work.",
            "restricted",
            "Neck and back",
            "Strain",
            "7312 1233 84 562",
            weight=0.7,
        ),
        Story(
            "Fell from the second step of a ladder while changing a fixture.",
            "hospitalization",
            "Wrist",
            "Fracture",
            "4331 111 43 742",
            weight=0.4,
            topic="ladder",
        ),
        Story(
            "Tripped over a power cord under the desk and fell onto the left wrist.",
            "days_away",
            "Left wrist",
            "Sprain",
            "4213 1232 43 4418",
            topic="cords",
            where=INDOORS,
        ),
        Story(
            "Missed a step in the stairwell and fell down the flight, striking the head.",
            "fatality",
            "Head",
            "Head injury",
            "4331 161 10 6611",
            weight=0.05,
            topic="stairs",
            where=INDOORS,
        ),
        Story(
            "Struck by a passing car while setting out traffic cones in the lane.",
            "fatality",
            "Legs, hip and head",
            "Several injuries",
            "2412 1830 80 841",
            weight=0.04,
            where=IN_TRAFFIC,
        ),
    ),
    "vehicle": (
        Story(
            "City vehicle was rear-ended at a red light; driver had neck pain afterwards.",
            "days_away",
            "Neck",
            "Whiplash",
            "2614 125 20 842",
        ),
        Story(
            "Backing the packer truck in an alley, struck a parked car. No one hurt.",
            weight=1.2,
            topic="backing",
            where=frozenset({"field"}),
        ),
        Story(
            "Another driver ran a stop sign and hit the side of the city pickup.",
            "fatality",
            "Head, chest and arm",
            "Several injuries",
            "2613 1830 80 843",
            weight=0.4,
        ),
        Story(
            "Sideswiped a utility pole while turning into a narrow street.",
            "first_aid",
            "Arm",
            "Bruise",
            "2622 143 42 842",
            weight=0.8,
            where=OUTDOORS,
        ),
    ),
    "assault": (
        Story(
            "A member of the public became angry at the counter, shouted threats and threw a "
            "chair.",
            "medical",
            "Arm",
            "Bruise",
            "1113 143 42 575",
            where=PUBLIC_FACING | INDOORS,
        ),
        Story(
            "Patron pushed the employee to the ground when asked to leave the building.",
            "days_away",
            "Wrist",
            "Sprain",
            "1113 1232 43 575",
            where=PUBLIC_FACING,
        ),
        Story(
            "A detainee struck the officer in the face during booking.",
            "medical",
            "Face",
            "Bruise",
            "1113 143 13 5772",
            where=frozenset({"police"}),
        ),
        Story(
            "Punched in the jaw while breaking up a fight outside a bar.",
            "days_away",
            "Jaw",
            "Bruise",
            "1113 143 135 5770",
            weight=0.8,
            where=LAW_ENFORCEMENT,
        ),
        Story(
            "Suspect resisted during an arrest and kicked the officer in the knee.",
            "days_away",
            "Knee",
            "Bruise",
            "1113 143 512 5770",
            where=LAW_ENFORCEMENT,
        ),
        Story(
            "A man followed the crew to the truck yelling threats; police were called.",
            where=CREWS,
        ),
        Story(
            "A patient's relative punched the paramedic in the face during a medical call.",
            "days_away",
            "Face",
            "Bruise",
            "1113 143 13 5712",
            weight=0.8,
            topic="medical call",
            where=frozenset({"fire"}),
        ),
        Story(
            "Bitten on the forearm by a loose dog while on the route.",
            "medical",
            "Forearm",
            "Bite",
            "1313 133 423 515",
            weight=0.6,
            where=frozenset({"field", "utility", "animals"}),
        ),
        Story(
            "A driver fired at the officers during a traffic stop; one officer was hit in the "
            "chest.",
            "fatality",
            "Chest",
            "Gunshot wound",
            "1111 134 310 7811",
            weight=0.02,
            where=frozenset({"police"}),
        ),
    ),
    "exposure": (
        Story(
            "Felt dizzy and nauseous after several hours of work outdoors in high heat.",
            "hospitalization",
            "Whole body",
            "Heat illness",
            "531 1725 6 926",
            where=OUTDOORS,
        ),
        Story(
            "Splash of cleaning chemical reached the eyes while refilling a sprayer.",
            "days_away",
            "Eyes",
            "Chemical burn",
            "5544 1511 132 183",
            weight=0.8,
        ),
        Story(
            "Needlestick from a discarded syringe while clearing an encampment.",
            "medical",
            "Finger",
            "Needlestick",
            "5541 133 442 7511",
            weight=0.8,
            where=frozenset({"field", "parks", "police", "library"}),
        ),
        Story(
            "Inhaled fumes from a leaking container in the maintenance shop.",
            "hospitalization",
            "Lungs",
            "Breathing trouble",
            "5521 1960 315 10",
            weight=0.5,
        ),
    ),
    "near_miss": (
        Story(
            "A pallet shifted on the forklift and nearly fell on a coworker.",
            topic="forklift",
            where=CREWS,
        ),
        Story(
            "Car ran through the work zone cones and almost hit the flagger.",
            topic="traffic",
            where=IN_TRAFFIC,
        ),
        Story(
            "Found a frayed extension cord in use at the service counter.",
            topic="electrical",
            where=INDOORS,
        ),
        Story(
            "Loose handrail on the stairs to the mezzanine almost caused a fall.", topic="stairs"
        ),
        Story(
            "Trench wall partly collapsed while the crew was out of it.",
            topic="trench",
            where=frozenset({"field", "utility"}),
        ),
    ),
    "property_damage": (
        Story(
            "Falling branch dented the roof of the crew cab.",
            where=AMONG_TREES,
        ),
        Story("Water leak in the ceiling damaged computers at the front desk."),
        Story(
            "Mower blade threw a rock that cracked a window of the park office.",
            where=frozenset({"parks"}),
        ),
    ),
}
