"""The packet's dataclasses are frozen, hashable and refuse malformed months."""

from __future__ import annotations

import dataclasses

import pytest

from reports.pdf import AttentionItem, Department, MonthPoint, PacketData
from reports.pdf.sample import sample_packet_data


def test_it_hashes_a_whole_packet() -> None:
    assert hash(sample_packet_data()) == hash(sample_packet_data())


def test_it_refuses_to_change_a_packet() -> None:
    data = sample_packet_data()

    with pytest.raises(dataclasses.FrozenInstanceError):
        data.month = "2026-11"  # type: ignore[misc]


def test_it_turns_lists_into_tuples() -> None:
    item = AttentionItem(Department("FIRE", "Fire"), ["rate 2.3\u00d7 the city's"])

    assert item.reasons == ("rate 2.3\u00d7 the city's",)
    assert hash(item)


def test_it_refuses_a_malformed_month() -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        MonthPoint("2026-13", 1.0, 1.0, 2.0, 0.0, 1, 1000.0)


def test_it_has_no_field_for_names_narratives_or_medical_details() -> None:
    def field_names(cls: type) -> set[str]:
        names = set()
        for item in dataclasses.fields(cls):
            names.add(item.name)
        return names

    import reports.pdf.packet_data as module

    every_field = set()
    for value in vars(module).values():
        if dataclasses.is_dataclass(value) and isinstance(value, type):
            every_field |= field_names(value)

    assert PacketData in vars(module).values()
    for forbidden in ("employee", "name_of", "narrative", "medical", "diagnosis", "person"):
        assert not [name for name in every_field if forbidden in name], forbidden
