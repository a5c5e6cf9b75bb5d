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
