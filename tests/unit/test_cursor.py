"""Incremental reading never skips a record (ties, clock skew) and never repeats one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from connectors.cursor import SyncCursor, advance, is_new, read_from

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_a_fresh_cursor_reads_everything() -> None:
    assert read_from(SyncCursor()) is None


def test_the_next_read_starts_an_overlap_before_the_newest_record() -> None:
    cursor = advance(SyncCursor(), [("1", T0), ("2", T0 + timedelta(seconds=30))])
    assert cursor.since == T0 + timedelta(seconds=30)
    assert read_from(cursor, overlap=timedelta(minutes=5)) == T0 + timedelta(
        seconds=30
    ) - timedelta(minutes=5)


def test_records_sharing_the_newest_timestamp_are_not_repeated_nor_skipped() -> None:
    cursor = advance(SyncCursor(), [("1", T0), ("2", T0)])
    # A record written later with the same second (a tie) is new; the two read ones are not.
    assert not is_new(cursor, "1", T0)
    assert not is_new(cursor, "2", T0)
    assert is_new(cursor, "3", T0)


def test_a_record_updated_again_is_new_even_inside_the_window() -> None:
    cursor = advance(SyncCursor(), [("1", T0)])
    assert is_new(cursor, "1", T0 + timedelta(seconds=1))


def test_a_late_record_behind_the_newest_is_still_read() -> None:
    """Clock skew: a record stamped before the newest one arrives on a later read."""
    cursor = advance(SyncCursor(), [("1", T0 + timedelta(minutes=2))])
    late = T0 + timedelta(minutes=1)
    assert read_from(cursor) is not None and read_from(cursor) <= late  # type: ignore[operator]
    assert is_new(cursor, "9", late)


def test_the_seen_set_stays_bounded_by_the_window() -> None:
    cursor = SyncCursor()
    for minute in range(60):
        cursor = advance(
            cursor, [(str(minute), T0 + timedelta(minutes=minute))], overlap=timedelta(minutes=5)
        )
    assert len(cursor.seen) <= 6


def test_the_cursor_survives_a_restart_as_json() -> None:
    cursor = advance(SyncCursor(), [("1", T0), ("2", T0)])
    assert SyncCursor.model_validate_json(cursor.model_dump_json()) == cursor


def test_an_empty_page_keeps_the_cursor() -> None:
    cursor = advance(SyncCursor(), [("1", T0)])
    assert advance(cursor, []).since == cursor.since
