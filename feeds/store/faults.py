"""Whose fault a database error is: one entry's data, or the database itself.

A refresh must tell the two apart. An entry the database refuses (a value out of range,
a key too long for its index, a constraint) is that entry's problem: it is skipped and
counted, and the rest of its feed is stored. A database that refuses everyone
(permission denied, disk full, connection lost, a missing table) is nobody's feed's
fault: blaming the feed would put every feed into backoff and store raw SQL in their
health. Such an error stops the run with a short message instead.

Errors are told apart by their PEP 249 class (the same names in SQLAlchemy's wrappers,
psycopg and sqlite3) and, on PostgreSQL, by SQLSTATE class: 22 (data exception),
23 (integrity) and 54 (program limit exceeded, such as an index entry too large) are
the data's fault.
"""

from __future__ import annotations

__all__ = ["DatabaseFault", "database_fault", "is_entry_fault"]

_ENTRY_CLASSES = {"DataError", "IntegrityError"}
_DATABASE_CLASSES = {"OperationalError", "ProgrammingError", "InternalError",
                     "NotSupportedError", "InterfaceError", "DatabaseError"}
_ENTRY_SQLSTATES = ("22", "23", "54")


class DatabaseFault(RuntimeError):
    """The database failed for everyone; the message is short and holds no SQL."""


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception behind a SQLAlchemy wrapper (or ``exc`` itself)."""
    return getattr(exc, "orig", None) or exc


def _class_names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def is_entry_fault(exc: BaseException) -> bool:
    """Whether the database refused this error's statement because of the data in it."""
    driver = _driver_error(exc)
    sqlstate = getattr(driver, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate:
        return sqlstate.startswith(_ENTRY_SQLSTATES)
    return bool((_class_names(exc) | _class_names(driver)) & _ENTRY_CLASSES)


def database_fault(exc: BaseException) -> DatabaseFault | None:
    """A DatabaseFault with a short message when ``exc`` is the database's own failure."""
    if isinstance(exc, DatabaseFault):
        return exc
    driver = _driver_error(exc)
    names = _class_names(exc) | _class_names(driver)
    if not names & (_ENTRY_CLASSES | _DATABASE_CLASSES) or is_entry_fault(exc):
        return None
    return DatabaseFault(short_reason(driver))


def short_reason(exc: BaseException) -> str:
    """The first line of a driver's message: what failed, without SQL or parameters."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    if first.startswith("(") and ")" in first:  # SQLAlchemy's "(module.Class) message"
        first = first.split(")", 1)[1].strip() or first
    return first[:200]
