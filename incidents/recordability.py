"""The guided OSHA recordability helper: questions, the first-aid list, and the decision rule.

A case is recordable when it is work-related, a new case, and meets a general recording
criterion: death, days away from work, restricted work or job transfer, medical treatment beyond
first aid, loss of consciousness, or a significant injury or illness diagnosed by a physician or
other licensed health care professional (29 CFR 1904.4 to 1904.7; Cal/OSHA Title 8, 14300.4-7);
or when it is one of the special cases recorded whatever the treatment: contaminated sharps,
medical removal, a hearing threshold shift, tuberculosis (1904.8 to 1904.11).

Pure Python: answers in, decision out. The case page records both.
"""

from __future__ import annotations

from dataclasses import dataclass

YES, NO = "yes", "no"

# (key, question, help) in the order the helper asks them.
GATE_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "work_related",
        "Is it work-related?",
        "An event or exposure in the work environment caused or contributed to it, or "
        "significantly aggravated a pre-existing condition, unless it is one of the exceptions "
        "listed below.",
    ),
    (
        "new_case",
        "Is it a new case?",
        "Not a recurrence of a case already on the log that had not properly recovered.",
    ),
)
CRITERIA_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("death", "Did it result in death?", ""),
    ("days_away", "Did it cause days away from work (beyond the day of injury)?", ""),
    (
        "restricted_or_transfer",
        "Did it cause restricted work or a transfer to another job beyond the day of injury?",
        "Including a physician's or other licensed health care professional's recommendation, "
        "even if not followed. A restriction on the day of injury only does not count.",
    ),
    (
        "medical_treatment",
        "Was there medical treatment beyond first aid?",
        "First aid is only the 14 treatments listed below, whoever gives them.",
    ),
    ("loss_of_consciousness", "Did the employee lose consciousness?", ""),
    (
        "significant_diagnosis",
        "Was a significant injury or illness diagnosed by a physician or other licensed "
        "health care professional?",
        "For example cancer, a chronic irreversible disease, a fractured or cracked bone, or a "
        "punctured eardrum.",
    ),
    (
        "special_case",
        "Is it one of the cases OSHA records whatever the treatment?",
        "Any of these, even with first aid only (29 CFR 1904.8 to 1904.11):",
    ),
)
# What is not work-related even at work (29 CFR 1904.5(b)(2)), listed under the first question.
WORK_RELATED_EXCEPTIONS: tuple[str, ...] = (
    "Present at work as a member of the public, not as an employee",
    "Symptoms that only surfaced at work, from an event or exposure outside it",
    "Voluntary wellness, fitness or recreation",
    "Eating, drinking or preparing food or drink for personal use",
    "Personal tasks outside the assigned working hours",
    "Personal grooming, or self-medication for a condition not work-related",
    "Self-inflicted",
    "A motor vehicle accident in a parking lot or access road while commuting",
    "A cold or the flu",
    "A mental illness, unless a health care professional says it is work-related",
)
# The cases recorded whatever the treatment, listed under the last question.
SPECIAL_CASES: tuple[str, ...] = (
    "A needlestick or cut from a sharp object contaminated with another person's blood or "
    "other potentially infectious material",
    "A medical removal under an OSHA standard's medical surveillance (lead, cadmium, benzene...)",
    "A standard threshold shift in hearing, with the ear's overall level 25 dB or more",
    "A tuberculosis infection after exposure at work to someone with active tuberculosis",
)
QUESTIONS = GATE_QUESTIONS + CRITERIA_QUESTIONS
QUESTION_KEYS = tuple(key for key, _, _ in QUESTIONS)

# OSHA's closed list of first-aid treatments (29 CFR 1904.7(b)(5)(ii)(A)-(N)). Anything else is
# medical treatment.
FIRST_AID_ITEMS: tuple[str, ...] = (
    "Using a non-prescription medication at non-prescription strength",
    "Administering tetanus immunizations",
    "Cleaning, flushing or soaking wounds on the surface of the skin",
    "Using wound coverings such as bandages, gauze pads, butterfly bandages or Steri-Strips",
    "Using hot or cold therapy",
    "Using any non-rigid means of support, such as elastic bandages, wraps or non-rigid back belts",
    "Using temporary immobilization devices while transporting an accident victim "
    "(splints, slings, neck collars, back boards)",
    "Drilling of a fingernail or toenail to relieve pressure, or draining fluid from a blister",
    "Using eye patches",
    "Removing foreign bodies from the eye using only irrigation or a cotton swab",
    "Removing splinters or foreign material from areas other than the eye by irrigation, "
    "tweezers, cotton swabs or other simple means",
    "Using finger guards",
    "Using massages",
    "Drinking fluids for relief of heat stress",
)

CRITERIA_LABELS = {
    "death": "death",
    "days_away": "days away from work",
    "restricted_or_transfer": "restricted work or job transfer",
    "medical_treatment": "medical treatment beyond first aid",
    "loss_of_consciousness": "loss of consciousness",
    "significant_diagnosis": "a significant diagnosed injury or illness",
    "special_case": "one of OSHA's special cases (contaminated sharps, medical removal, hearing "
    "loss or tuberculosis)",
}


@dataclass(frozen=True)
class RecordabilityDecision:
    recordable: bool | None  # None: not enough answers yet.
    reason: str
    next_question: str | None  # The key of the next question that would settle it.


def answer_of(answers: dict, key: str) -> str | None:
    """An answer as YES, NO or None (not answered), however it was given."""
    value = answers.get(key)
    if value is True or value == YES:
        return YES
    if value is False or value == NO:
        return NO
    return None


def recordability_decide(answers: dict) -> RecordabilityDecision:
    """Apply the recording rule to the answers given so far ("yes", "no" or missing)."""
    for key, _, _ in GATE_QUESTIONS:
        answer = answer_of(answers, key)
        if answer is None:
            return RecordabilityDecision(None, "Not decided yet.", key)
        if answer == NO:
            reason = (
                "Not recordable: not work-related."
                if key == "work_related"
                else "Not recordable as a new case: update the existing case on the log instead."
            )
            return RecordabilityDecision(False, reason, None)
    met = [key for key, _, _ in CRITERIA_QUESTIONS if answer_of(answers, key) == YES]
    if met:
        labels = ", ".join(CRITERIA_LABELS[key] for key in met)
        return RecordabilityDecision(True, f"Recordable: {labels}.", None)
    for key, _, _ in CRITERIA_QUESTIONS:
        if answer_of(answers, key) is None:
            return RecordabilityDecision(None, "Not decided yet.", key)
    return RecordabilityDecision(
        False,
        "Not recordable: no general recording criterion or special case is met (first aid only).",
        None,
    )


def recordability_shown(answers: dict, recorded: bool | None) -> RecordabilityDecision:
    """What the case page says: the helper's decision, or, while its answers settle nothing, the
    decision stored on the case (imported from a claim, or decided before a question was added).
    """
    decision = recordability_decide(answers)
    if decision.recordable is not None or recorded is None:
        return decision
    verdict = "recordable" if recorded else "not recordable"
    return RecordabilityDecision(
        recorded,
        f"Recorded as {verdict}, from a claims file or before every question below was asked. "
        "Answer the questions to confirm it.",
        decision.next_question,
    )
