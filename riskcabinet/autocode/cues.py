"""Rule cues: indicator features for the words OIICS coding rules turn on.

Bag-of-words features see "fell", "finger" and "fracture" but not how many body regions or
injuries a report names, nor which of them the injury clause ("... resulting in a fractured
wrist") is about. These cues add exactly that: which body regions, injury kinds and event kinds
a narrative mentions, which of them appear in the injury clause, how many distinct ones there
are (the difference between "finger" and "multiple body parts", or "fracture" and "multiple
traumatic injuries"), and which event kinds come first (OIICS codes the first event in the
sequence). They work on the output of ``text.clean_narrative``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np
import scipy.sparse as sp

# Each cue is a regular expression that must match a whole word.
_BODY_REGIONS = {
    "head": r"head|skull|scalp|brain|concussion",
    "face": r"face|facial|jaw|nose|mouth|teeth|tooth|cheek|forehead|lips?",
    "eye": r"eyes?|eyeball|eyelid|eyesight",
    "ear": r"ears?|eardrum",
    "neck": r"neck|throat|cervical",
    "back": r"back|spine|spinal|vertebra\w*|lumbar|thoracic|tailbone|coccyx",
    "chest": r"chest|ribs?|sternum|lungs?|collarbone|clavicle",
    "abdomen": r"abdomen|abdominal|stomach|spleen|liver|kidneys?|intestines?|bowel|hernia",
    "pelvis": r"pelvis|pelvic|hips?|groin|buttocks?",
    "shoulder": r"shoulders?|scapula|rotator",
    "arm": r"arms?|forearms?|elbows?|humerus|biceps?|radius|ulna",
    "wrist": r"wrists?",
    "hand": r"hands?|palms?|knuckles?",
    "finger": r"fingers?|thumbs?|pinky|digits?|tip|tips",
    "leg": r"legs?|thighs?|femur|knees?|kneecap|shins?|tibia|fibula|calf|calves",
    "ankle": r"ankles?",
    "foot": r"foot|feet|heels?|toes?|instep",
    "body": r"body|bodies",
}
_INJURY_KINDS = {
    "fracture": r"fractur\w*|broke|broken|breaking|breaks",
    "amputation": r"amputat\w*|severed|severing|sever",
    "burn": r"burn\w*|scald\w*|blister\w*|charred",
    "cut": r"lacerat\w*|cut|cuts|gash\w*|stitches|sutures?|slash\w*",
    "crush": r"crush\w*|smash\w*",
    "dislocation": r"dislocat\w*",
    "bruise": r"bruis\w*|contusions?",
    "puncture": r"punctur\w*|impal\w*|pierc\w*",
    "heat": r"heat|dehydrat\w*|heatstroke|exhaustion|overheat\w*",
    "electric": r"electric\w*|electrocut\w*|shock\w*|volts?|voltage|energized",
    "poison": r"chemicals?|ammonia|chlorine|acid|caustic|inhal\w*|fumes?|vapou?rs?|monoxide",
    "sprain": r"sprain\w*|strain\w*|torn|tear|tore|ligaments?|tendons?",
    "internal": r"internal|bleeding|ruptur\w*|pneumothorax|hemorrhag\w*",
    "unconscious": r"unconscious|concussion|consciousness",
    "several": r"multiple|several|various|numerous",
}
_EVENT_WORDS = {
    "height": r"ladders?|roofs?|roofing|scaffold\w*|stairs?|stairway|steps?|platforms?|skylight|"
    r"rafters?|joists?|mezzanine|catwalk|bucket|aerial|height",
    "slip": r"slip\w*|trip|trips|tripped|tripping|ice|icy|slick|uneven",
    "fall": r"fell|fall|falls|falling",
    "caught": r"caught|pinned|pinch\w*|entangl\w*|rollers?|sprockets?|gears?|chain|belt|"
    r"compress\w*|trapped",
    "machine": r"machines?|machinery|press|presses|saw|saws|conveyor|grinder|lathe|auger|"
    r"mixer|slicer|guard\w*|blades?|dies?|shear|cutter|router|jointer|planer",
    "vehicle": r"vehicles?|cars?|trucks?|trailers?|tractor|vans?|semi|bus|pickup|driver|driving|"
    r"drove|rollover|overturn\w*|collision|collided|crash\w*|highway|road|roadway|motorcycle",
    "forklift": r"forklifts?|loader|pallet|jack",
    "fire": r"fire|explo\w*|flames?|ignit\w*|flash\w*|steam|molten|hot|grease|oil|asphalt",
    "electric": r"electric\w*|electrocut\w*|shock\w*|volts?|voltage|energized|wires?|arc|breaker",
    "exertion": r"lifting|lifted|pushing|pushed|pulling|carrying|overexert\w*|twist\w*|bending|"
    r"reaching|strain\w*|hernia",
    "animal": r"dogs?|bit|bitten|bite|cows?|horses?|bull|snakes?|bees?|wasps?|insects?|spiders?|"
    r"cattle|deer",
    "violence": r"assault\w*|attack\w*|shot|stabbed|punched|combative|patients?|inmates?|"
    r"resident|robbery|gunshot|fight\w*",
    "exposure": r"expos\w*|inhal\w*|chemicals?|fumes?|gas|ammonia|chlorine|monoxide|splash\w*|"
    r"sprayed|hydrogen|sulfide",
    "object": r"pipes?|beams?|boards?|pallets?|boxes|box|loads?|bundles?|tree|branch|rock|"
    r"lumber|door|gate|panel|sheet|steel|plate",
}
# Two-word phrases that decide between event divisions.
_EVENT_PHRASES = {
    "fell_from": r"fell (?:off|from|through|down|into|approximately|about|0+)|falling from|"
    r"fall from|fell 0+|from (?:a|the) (?:ladder|roof|height|scaffold)",
    "caught_in": r"caught (?:in|between|by|on|under)|pulled into|drawn into|pulled (?:his|her|"
    r"their)|nip point|in running|between (?:the|a|two)",
    "struck_by": r"struck by|hit by|fell on|fell onto|landed on|came down|dropped on|"
    r"kicked back|kick back|fell and|swung and|rolled onto|flew (?:off|out|and)",
    "struck_against": r"struck (?:his|her|their)|hit (?:his|her|their)|bumped (?:his|her)|"
    r"ran into|walked into|contacted (?:the|a)|came into|came in|made contact",
    "run_over": r"run over|ran over|backed over|backed into|rolled over|pinned between",
    "same_level": r"slipped and|tripped and|slipped on|tripped on|tripped over|lost (?:his|her)|"
    r"fell to|fell on|fell backwards|fell forward|fell while",
}
# Phrases for OIICS precedence rules that single words do not capture: a powered vehicle
# involved (transportation incidents take precedence over falls and contact), a fall stopped
# by a harness, an explosion or a vessel bursting, a needlestick, fainting, a weapon in an
# assault, a body part pulled into a running machine, a fall on stairs, and for nature the
# hedged ("possible fracture"), organ, avulsion and hernia wordings. Each is searched on the
# cleaned text; a negated word (``not_harness``) does not match because ``\b`` needs a word
# start. ``_VEHICLE`` is a powered vehicle or mobile machine.
_VEHICLE = (
    r"(?:fork ?lifts?|fork trucks?|lift trucks?|pallet (?:jacks?|movers?|trucks?)|mowers?|"
    r"tractors?|golf carts?|carts?|skid steers?|bobcats?|atvs?|utvs?|loaders?|excavators?|"
    r"bulldozers?|dozers?|backhoes?|trucks?|vehicles?|cars?|vans?|trailers?|bus|buses|pickups?|"
    r"tugs?|tuggers?|scissor lifts?|man ?lifts?|order pickers?|cherry pickers?|reach trucks?|"
    r"graders?|forks)"
)
_GAP = r"(?: \S+){0,%d} "
_RULE_CUES = {
    "vehicle_fall_from": r"\b(?:fell|falling|fall|jumped|thrown|ejected|slipped) "
    r"(?:off|from|out of)" + _GAP % 3 + _VEHICLE + r"\b",
    "vehicle_overturn": r"\b"
    + _VEHICLE
    + _GAP % 6
    + r"(?:overturn\w*|tipped|tipping|rolled|rolling|flipped|turned over|tip over|roll over)\b"
    r"|\b(?:overturn\w*|tipped over|rolled over|flipped over)" + _GAP % 3 + _VEHICLE + r"\b",
    "vehicle_pinned": r"\b(?:pinned|caught|crushed|trapped|wedged|compressed|pinched|"
    r"sandwiched)" + _GAP % 8 + _VEHICLE + r"\b",
    "vehicle_struck": r"\b(?:hit|struck|run over|ran over|backed|knocked|ran into|rolled over)"
    + _GAP % 3
    + r"(?:by|into)"
    + _GAP % 3
    + _VEHICLE
    + r"\b",
    "fall_gear": r"\b(?:harness\w*|lanyards?|lifelines?|fall arrest\w*|retractable|"
    r"self retracting|fall protection|safety lines?|tied off)\b",
    "fall_arrested": r"\b(?:harness\w*|lanyards?|lifelines?|fall arrest\w*|retractable|"
    r"safety lines?)\b.*\b(?:arrested|engaged|suspended|hanging|dangl\w*|caught (?:him|her|his "
    r"fall|her fall)|stopped (?:him|her|his fall|her fall)|held (?:him|her))\b",
    "explosion": r"\b(?:exploded|explosions?|explod\w*|burst|bursting|blew up|blast|blasted|"
    r"detonat\w*)\b",
    "vessel_burst": r"\b(?:tires?|tanks?|cylinders?|vessels?|boilers?|compressors?|hoses?|"
    r"pipes?|rims?|drums?|canisters?)" + _GAP % 5 + r"(?:exploded|burst|blew|ruptured|"
    r"explod\w*)\b",
    "needlestick": r"\b(?:needles?|needlesticks?|needle ?stick|syringes?|sharps|lancets?|"
    r"inoculat\w*|hypodermic)\b",
    "faint": r"\b(?:passed out|pass out|fainted|fainting|faint|blacked out|lost consciousness|"
    r"loss of consciousness|syncope|seizures?|dizzy|dizziness|light ?headed|collapsed)\b",
    "weapon": r"\b(?:pepper spray\w*|mace|maced|tasers?|tased|stun gun|assailants?|robbers?|"
    r"robbery|robbed|gunpoint|armed)\b",
    "pulled_into": r"\b(?:pulled|pulling|drew|drawn|dragged|sucked|yanked|grabbed|snagged|"
    r"jerked)(?: \S+){0,4} into\b|\binto (?:the|a) (?:\S+ )?(?:blades?|saw|rollers?|nip|"
    r"augers?|conveyor|gears?|sprockets?|belts?|chains?|drums?|pinch point)\b",
    "stairs_fall": r"\b(?:fell|falling|fall|tumbled|slipped|tripped)"
    + _GAP % 4
    + r"(?:stairs|steps|stairway|stairwell|staircase)\b",
    "hedged": r"\b(?:possible|possibly|suspected|suspect|probable|probably|potential|"
    r"potentially|may have|might have|maybe|likely)(?: \S+){0,2} (?:fractur\w*|broken|broke|"
    r"break|dislocat\w*|concussion|torn|tear|hernia|amputat\w*|internal|injur\w*)\b",
    "organ": r"\b(?:collapsed lung|punctured lung|pneumothorax|hemothorax|aorta|internal "
    r"bleeding|internal injur\w*|(?:lacerated|ruptured|punctured|damaged) (?:lung|liver|spleen|"
    r"kidney|bowel|intestines?)|(?:lung|liver|spleen|kidney|organ) "
    r"(?:laceration|damage|injur\w*))\b",
    "avulsion": r"\b(?:de ?glov\w*|avulsions?|avulsed|skinned|peeled|ripped off|torn off|"
    r"tore off)\b",
    "hernia": r"\b(?:hernia\w*|herniat\w*)\b",
    "hematoma": r"\b(?:hematomas?|swelling|swollen)\b",
    # An injury named by region only ("head injuries", "facial trauma"), which next to a
    # fracture makes "fractures and other injuries".
    "region_injury": r"\b(?:head|facial|face|neck|back|brain|cranial|spinal|chest|eye|leg|arm|"
    r"hand|knee|shoulder|hip|foot|ankle|wrist|finger|internal|multiple|other|serious|severe)"
    r" (?:injur\w*|trauma\w*)\b",
}
_RULES = {cue: re.compile(pattern) for cue, pattern in _RULE_CUES.items()}
# Pairs of injury kinds named in the injury clause: OIICS codes several kinds together as
# multiple injuries (fracture and cut, cut and bruise...), a conjunction a linear model on
# single cues cannot form.
_PAIR_KINDS = (
    "fracture",
    "amputation",
    "burn",
    "cut",
    "crush",
    "dislocation",
    "bruise",
    "puncture",
    "sprain",
    "internal",
)
_PAIRS = [(a, b) for i, a in enumerate(_PAIR_KINDS) for b in _PAIR_KINDS[i + 1 :]]

_GROUPS = {"part": _BODY_REGIONS, "injury": _INJURY_KINDS, "event": _EVENT_WORDS}
_COMPILED = {
    name: {cue: re.compile(f"(?:{pattern})") for cue, pattern in table.items()}
    for name, table in _GROUPS.items()
}
_PHRASES = {cue: re.compile(f"(?:{pattern})") for cue, pattern in _EVENT_PHRASES.items()}
# The injury clause starts at the first of these words: what follows is what was hurt.
_INJURY_CLAUSE_START = re.compile(
    r"result\w*|suffer\w*|sustain\w*|caus\w*|fractur\w*|amputat\w*|broke|broken|injur\w*|"
    r"lacerat\w*|burn\w*|crush\w*|sever\w*"
)
_PLURAL_PARTS = re.compile(
    r"(?:both|two|three|four|five|several|multiple|all) "
    r"(?:hands|arms|legs|feet|fingers|toes|ankles|knees|wrists|eyes|thumbs|shoulders)"
)
FIRST_EVENTS = 2
MAX_COUNT = 3


def _names() -> list[str]:
    names = []
    for name, table in _GROUPS.items():
        names += [f"{name}:{cue}" for cue in table]
        if name != "event":
            names += [f"clause_{name}:{cue}" for cue in table]
            names += [f"{name}_count:{n}" for n in range(MAX_COUNT + 1)]
            names += [f"clause_{name}_count:{n}" for n in range(MAX_COUNT + 1)]
    names += [f"phrase:{cue}" for cue in _EVENT_PHRASES]
    cues = list(_EVENT_WORDS) + list(_EVENT_PHRASES)
    names += [f"first{rank}:{cue}" for rank in range(FIRST_EVENTS) for cue in cues]
    names += ["plural_parts", "no_injury_clause"]
    names += [f"rule:{cue}" for cue in _RULE_CUES]
    names += [f"pair:{a}+{b}" for a, b in _PAIRS] + ["pair:fracture+region_injury"]
    return names


CUE_NAMES = tuple(_names())
_COLUMN = {name: i for i, name in enumerate(CUE_NAMES)}


@cache
def _word_cues(word: str) -> tuple[str, ...]:
    """The cues one word carries, such as ``("part:finger",)``; cached per distinct word."""
    return tuple(
        f"{name}:{cue}"
        for name, table in _COMPILED.items()
        for cue, pattern in table.items()
        if pattern.fullmatch(word)
    )


@cache
def _starts_injury_clause(word: str) -> bool:
    return _INJURY_CLAUSE_START.fullmatch(word) is not None


def narrative_cues(cleaned: str) -> set[str]:
    """The names of the cues present in one cleaned narrative."""
    words = cleaned.split()
    found: set[str] = set()
    in_clause = False
    counts: dict[str, set[str]] = {"part": set(), "injury": set()}
    clause_counts: dict[str, set[str]] = {"part": set(), "injury": set()}
    # Event kinds in order of first appearance, for the "first event" cues.
    order: list[tuple[int, str]] = []
    for position, word in enumerate(words):
        if not in_clause and _starts_injury_clause(word):
            in_clause = True
        for cue in _word_cues(word):
            found.add(cue)
            name, kind = cue.split(":")
            if name == "event":
                order.append((position, kind))
                continue
            counts[name].add(kind)
            if in_clause:
                found.add(f"clause_{cue}")
                clause_counts[name].add(kind)
    for cue, pattern in _PHRASES.items():
        match = pattern.search(cleaned)
        if match:
            found.add(f"phrase:{cue}")
            order.append((cleaned.count(" ", 0, match.start()), cue))
    for name in ("part", "injury"):
        # "Body" says nothing about how many regions were hurt.
        regions = counts[name] - {"body"}
        clause_regions = clause_counts[name] - {"body"}
        found.add(f"{name}_count:{min(len(regions), MAX_COUNT)}")
        found.add(f"clause_{name}_count:{min(len(clause_regions), MAX_COUNT)}")
    seen: list[str] = []
    for _, kind in sorted(order):
        if kind not in seen:
            seen.append(kind)
    for rank, kind in enumerate(seen[:FIRST_EVENTS]):
        found.add(f"first{rank}:{kind}")
    if _PLURAL_PARTS.search(cleaned):
        found.add("plural_parts")
    if not in_clause:
        found.add("no_injury_clause")
    for cue, pattern in _RULES.items():
        if pattern.search(cleaned):
            found.add(f"rule:{cue}")
    if in_clause and "injury:fracture" in found and "rule:region_injury" in found:
        found.add("pair:fracture+region_injury")
    for a, b in _PAIRS:
        if a in clause_counts["injury"] and b in clause_counts["injury"]:
            found.add(f"pair:{a}+{b}")
    return found


def cue_matrix(cleaned: Sequence[str], weight: float) -> sp.csr_matrix:
    """One row per cleaned narrative, one column per cue in ``CUE_NAMES``, valued ``weight``."""
    indptr, indices = [0], []
    for text in cleaned:
        indices.extend(sorted(_COLUMN[cue] for cue in narrative_cues(text)))
        indptr.append(len(indices))
    data = np.full(len(indices), weight, dtype=np.float32)
    return sp.csr_matrix(
        (data, np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int32)),
        shape=(len(cleaned), len(CUE_NAMES)),
    )
