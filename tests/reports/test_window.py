from datetime import date, datetime, timezone

from reports.window import iso_week_label, report_week


def test_monday_morning_run_reports_the_week_that_just_ended():
    end = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
    assert report_week(end) == date(2026, 11, 16)


def test_interval_ending_exactly_at_midnight_monday():
    assert report_week(datetime(2026, 11, 23, tzinfo=timezone.utc)) == date(2026, 11, 16)


def test_timezone_moves_the_week_boundary():
    # 23:30 UTC on Sunday is already Monday in Auckland.
    end = datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc)
    assert report_week(end, "UTC") == date(2026, 11, 9)
    assert report_week(end, "Pacific/Auckland") == date(2026, 11, 16)


def test_iso_week_label_uses_the_iso_year():
    assert iso_week_label(date(2026, 11, 16)) == "2026-W47"
    assert iso_week_label(date(2026, 12, 28)) == "2026-W53"


def test_daylight_saving_is_the_timezone_database_s_business():
    # Berlin left summer time on 25 Oct 2026: Monday 2 Nov 06:00 CET is 05:00 UTC.
    end = datetime(2026, 11, 2, 5, 0, tzinfo=timezone.utc)
    assert report_week(end, "Europe/Berlin") == date(2026, 10, 26)
    # New York: Sunday 1 Nov 23:30 EST is Monday 04:30 UTC; its week has not ended there yet.
    assert report_week(datetime(2026, 11, 2, 4, 30, tzinfo=timezone.utc), "America/New_York") \
        == date(2026, 10, 19)


def test_a_naive_interval_end_is_refused():
    import pytest
    with pytest.raises(ValueError, match="timezone"):
        report_week(datetime(2026, 11, 23, 6, 0))
