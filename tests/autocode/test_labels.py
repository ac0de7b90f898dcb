from riskcabinet.autocode.dataset import load_reports
from riskcabinet.autocode.labels import codebook, normalise_title


def test_it_maps_osha_titles_despite_dashes_and_garbled_apostrophes():
    events = codebook("event")

    assert (
        events.code_for_title(
            "Struck by object falling from vehicle or machinery-other than vehicle part "
        )
        == "6233"
    )
    assert (
        events.code_for_title(
            "Part of occupant\u0092s body caught between vehicle and other object in nonroadway "
            "transport incident"
        )
        == "2721"
    )


def test_it_writes_n_e_c_one_way():
    assert normalise_title("Falls, n. e. c") == normalise_title("falls, n.e.c.")


def test_every_shipped_report_maps_to_a_code():
    reports = load_reports()

    assert reports[["event", "nature", "part"]].notna().all().all()
