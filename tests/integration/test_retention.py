"""Retention and erasure at one node: who is due, anonymize, erase, on a real store and file."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.cases import (
    CaseInput,
    ClientInput,
    ConsentInput,
    ConsultationInput,
    CorruptionInput,
)
from legalaid_desktop.domain.errors import InputRejected, NotFound, PermissionDenied
from legalaid_desktop.domain.retention import ANONYMIZED_NAME, DueReason, add_years
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.engine import connect_raw
from legalaid_desktop.store.models import Client
from store_pages import file_pages

MANAGER, MANAGER_PASSWORD = "rauf", "Goygol-lake-2026"
TODAY = today()
YEARS_AGO = add_years(TODAY, -5)

NAME = "Hüseynova Gülşən Əli qızı"
PHONE = "+994 55 222 33 44"
# Every piece of the person's content, as written and as the search index folds it.
NEEDLES = (
    "Hüseynova",
    "Gülşən",
    "huseynova",
    "gulsen",
    "552223344",
    "Nizami küçəsi",
    "Radio Azadlıq",
    "Müavinət kəsilib",
    "Sənədlər yoxlanıldı",
    "Ərizə yazılsın",
    "Babayev Tofiq",
    "babayev",
    "Qonşu ilə mübahisə",
    "Şikayət müddəti bitir",
    "Nəsimi RPİ",
    "Prokurorluq",
)
SCAN = b"SCAN-OF-PASSPORT-" + os.urandom(16).hex().encode()


@pytest.fixture
def center(admin_session: app.AppSession) -> Iterator[app.AppSession]:
    admin_session.users.add(MANAGER, "Quliyev Rauf Nadir oğlu", "manager", MANAGER_PASSWORD)
    admin_session.users.add(LAWYER, "Hüseynli Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    yield admin_session


def login(data_dir: Path, user: str, password: str) -> app.AppSession:
    return app.login(data_dir, user, password, sleep=lambda _s: None)


def client(s: app.AppSession, name: str = "Əliyev Rəşad İsmayıl oğlu", **kw: object) -> str:
    data = ClientInput(full_name=name, gender="male", birth_year=1980, region="AZ-GA", **kw)  # type: ignore[arg-type]
    return s.clients.register(data, ConsentInput(given_on=date(2015, 1, 5))).id


def case(s: app.AppSession, client_id: str, closed: date | None = None) -> str:
    detail = s.cases.open(CaseInput(client_id, "social", "Müraciət", opened_on=date(2015, 2, 1)))
    if closed is not None:
        s.cases.close(detail.number, "advice_given", closed)
    return detail.number


# -- who is due ---------------------------------------------------------------------------------


def test_the_due_list_on_crafted_dates(center: app.AppSession, data_dir: Path) -> None:
    exactly = client(center, "Məmmədov Anar")
    case(center, exactly, YEARS_AGO)
    day_short = client(center, "Qasımova Aygün")
    case(center, day_short, YEARS_AGO + timedelta(days=1))
    day_over = client(center, "Rzayev Elnur")
    case(center, day_over, YEARS_AGO - timedelta(days=1))
    still_open = client(center, "Kərimov Vüqar")
    case(center, still_open, date(2016, 1, 1))
    case(center, still_open)
    withdrawn = client(center, "Nəbiyeva Lalə")
    case(center, withdrawn)
    consent = center.clients.get(withdrawn).consents[0]
    center.clients.withdraw_consent(withdrawn, consent.id, TODAY)
    no_case = client(center, "Səfərov Orxan")
    manager = login(data_dir, MANAGER, MANAGER_PASSWORD)
    try:
        due = {d.client_id: d for d in manager.retention.due()}
        assert set(due) == {exactly, day_over, withdrawn}
        assert due[exactly].reason is DueReason.CASES_CLOSED
        assert due[exactly].due_on == TODAY and YEARS_AGO.strftime("%d.%m.%Y") in due[exactly].why
        assert "5 years" in due[exactly].why
        assert due[withdrawn].reason is DueReason.WITHDRAWN and due[withdrawn].open_cases == 1
        assert TODAY.strftime("%d.%m.%Y") in due[withdrawn].why
        # tomorrow the case closed a day later is due; in five years the client without a case
        tomorrow = {d.client_id for d in manager.retention.due(TODAY + timedelta(days=1))}
        assert day_short in tomorrow and no_case not in tomorrow
        later = {d.client_id: d for d in manager.retention.due(add_years(TODAY, 5))}
        assert later[no_case].reason is DueReason.NO_CASE and still_open not in later
    finally:
        manager.close()
    # the administrator shortens the rule: a case closed four years ago is due with four years
    center.retention.set_years(4)
    four = client(center, "Həsənli Nigar")
    case(center, four, add_years(TODAY, -4))
    assert four in {d.client_id for d in center.retention.due()}
    assert center.retention.rule().years == 4 and not center.retention.rule().default


def test_a_consent_given_again_after_the_withdrawal_is_not_due(center: app.AppSession) -> None:
    cid = client(center)
    first = center.clients.get(cid).consents[0]
    center.clients.withdraw_consent(cid, first.id, TODAY)
    assert cid in {d.client_id for d in center.retention.due()}
    center.clients.add_consent(cid, ConsentInput(given_on=TODAY))
    assert cid not in {d.client_id for d in center.retention.due()}


# -- what anonymize and erase leave in the store FILE ---------------------------------------------


@dataclass
class Person:
    client_id: str
    number: str
    key: bytes
    db: Path


def _person(s: app.AppSession) -> Person:
    cid = s.clients.register(
        ClientInput(
            full_name=NAME,
            gender="female",
            birth_year=1987,
            region="AZ-GA",
            phone=PHONE,
            address="Gəncə, Nizami küçəsi 12",
            displacement="idp",
            referral_source="Radio Azadlıq elanı",
        ),
        ConsentInput(given_on=date(2015, 1, 5)),
    ).id
    corruption = CorruptionInput("public_services", "bribery", "Nəsimi RPİ", 300, "Prokurorluq")
    detail = s.cases.open(
        CaseInput(
            cid, "corruption", "Müavinət kəsilib", corruption=corruption, opened_on=date(2015, 2, 1)
        )
    )
    number = detail.number
    s.records.add_consultation(
        number,
        ConsultationInput(
            notes="Sənədlər yoxlanıldı",
            held_on=date(2015, 2, 3),
            minutes=45,
            advice="Ərizə yazılsın",
        ),
    )
    s.records.add_party(number, "Babayev Tofiq", "adverse", "Qonşu ilə mübahisə")
    s.records.add_deadline(number, date(2015, 3, 1), "Şikayət müddəti bitir")
    s.records.add_attachment(number, "pasport.bin", SCAN * 700)  # overflow pages
    s.cases.close(number, "advice_given", date(2016, 5, 1))
    return Person(cid, number, bytes(s.ws.store.key), s.ws.store.paths.db)


def _rows_text(key: bytes, db: Path) -> str:
    """Every value of every table, decrypted, as one text (blobs decoded loosely)."""
    conn = connect_raw(db, key)
    try:
        parts: list[str] = []
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, bytes):
                        parts.append(value.decode("utf-8", "replace"))
                    else:
                        parts.append(str(value))
        return "\n".join(parts)
    finally:
        conn.close()


@pytest.mark.parametrize("action", ["anonymize", "erase"])
def test_removal_leaves_nothing_in_the_tables_the_file_or_the_index(
    center: app.AppSession, data_dir: Path, action: str
) -> None:
    person = _person(center)
    before = _rows_text(person.key, person.db)
    assert all(needle in before for needle in NEEDLES[:4] + NEEDLES[6:11])  # the scan sees them
    assert SCAN in file_pages(person.key, person.db)
    assert center.search.search("gulsen") and center.search.conflicts("Babayev Tofiq")
    manager = login(data_dir, MANAGER, MANAGER_PASSWORD)
    try:
        remove = manager.retention.anonymize if action == "anonymize" else manager.retention.erase
        result = remove(person.number, "retention period ended")
        assert result.compacted and result.cases == 1 and result.attachments == 1
        after = _rows_text(person.key, person.db)
        assert [n for n in NEEDLES if n in after] == []
        assert [n for n in NEEDLES if n.encode() in file_pages(person.key, person.db)] == []
        assert SCAN[:24] not in file_pages(person.key, person.db)
        for query in ("gulsen", "Hüseynova", "552223344", "Babayev", "Sənədlər", "Nizami"):
            assert manager.search.search(query) == [], query
        assert manager.search.conflicts(NAME, phone=PHONE) == []
        assert manager.search.conflicts("Babayev Tofiq") == []
        events = [e for e in manager.audit.events().rows if e.action.startswith("client_")]
    finally:
        manager.close()
    removal = next(e for e in events if e.action in ("client_anonymized", "client_erased"))
    assert removal.actor == MANAGER and removal.entity_id == person.client_id
    assert dict(removal.details)["reason"] == "retention period ended"


def test_anonymize_keeps_what_statistics_need(center: app.AppSession, data_dir: Path) -> None:
    person = _person(center)
    center.retention.anonymize(person.client_id, "retention period ended")
    info = center.clients.get(person.client_id)
    assert (info.full_name, info.gender, info.birth_year, info.region) == (
        ANONYMIZED_NAME,
        "female",
        1985,
        "AZ-GA",
    )
    assert (info.phone, info.address, info.referral_source, info.displacement) == (
        "",
        "",
        "",
        "idp",
    )
    detail = center.cases.get(person.number)
    assert (detail.legal_area, detail.outcome, detail.summary) == ("corruption", "advice_given", "")
    assert detail.opened_on == date(2015, 2, 1) and detail.closed_on == date(2016, 5, 1)
    assert detail.corruption is not None and detail.corruption.sector == "public_services"
    assert detail.corruption.institution == "" and detail.corruption.amount_requested == 300
    [consultation] = detail.consultations
    assert (consultation.minutes, consultation.held_on, consultation.notes) == (
        45,
        date(2015, 2, 3),
        "",
    )
    assert detail.parties == () and detail.attachments == ()
    assert [d.description for d in detail.deadlines] == [""]
    assert person.client_id not in {d.client_id for d in center.retention.due(add_years(TODAY, 50))}
    with pytest.raises(InputRejected):
        center.retention.anonymize(person.client_id, "again")


def test_erase_removes_the_person_and_everything_under_them(center: app.AppSession) -> None:
    person = _person(center)
    center.retention.erase(person.client_id, "the person asked")
    with pytest.raises(NotFound):
        center.clients.get(person.client_id)
    with pytest.raises(NotFound):
        center.cases.get(person.number)
    with center.ws.read() as s:
        row = s.get(Client, person.client_id)
        assert row is not None and row.deleted_hlc is not None and row.full_name == ""
        live = s.execute(
            __import__("sqlalchemy").text(
                "SELECT (SELECT count(*) FROM cases WHERE deleted_hlc IS NULL) + "
                "(SELECT count(*) FROM consultations WHERE deleted_hlc IS NULL) + "
                "(SELECT count(*) FROM parties WHERE deleted_hlc IS NULL) + "
                "(SELECT count(*) FROM deadlines WHERE deleted_hlc IS NULL) + "
                "(SELECT count(*) FROM attachments WHERE deleted_hlc IS NULL) + "
                "(SELECT count(*) FROM consents WHERE deleted_hlc IS NULL)"
            )
        ).scalar()
    assert live == 0


# -- who may, and what is refused ------------------------------------------------------------------


def test_a_lawyer_may_not_list_anonymize_or_erase(center: app.AppSession, data_dir: Path) -> None:
    person = _person(center)
    lawyer = login(data_dir, LAWYER, LAWYER_PASSWORD)
    try:
        for attempt in (
            lambda: lawyer.retention.due(),
            lambda: lawyer.retention.anonymize(person.client_id, "x"),
            lambda: lawyer.retention.erase(person.number, "x"),
            lambda: lawyer.retention.set_years(1),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
    finally:
        lawyer.close()
    assert center.clients.get(person.client_id).full_name == NAME
    refusals = [e for e in center.audit.events().rows if e.action == "permission_denied"]
    assert {dict(e.details)["action"] for e in refusals} >= {"client_anonymized", "client_erased"}


def test_another_centers_client_is_refused_and_not_listed(center: app.AppSession) -> None:
    cid = client(center)
    case(center, cid, date(2016, 1, 1))
    with center.ws.write() as s:
        row = s.get(Client, cid)
        assert row is not None
        row.node_code = "SUM"
    assert cid not in {d.client_id for d in center.retention.due()}
    with pytest.raises(InputRejected, match="SUM"):
        center.retention.erase(cid, "x")
    assert center.clients.get(cid).full_name != ANONYMIZED_NAME
    refusal = next(e for e in center.audit.events().rows if e.action == "permission_denied")
    assert refusal.entity_id == cid and dict(refusal.details)["action"] == "client_erased"


def test_an_open_case_blocks_removal_unless_consent_was_withdrawn(center: app.AppSession) -> None:
    cid = client(center)
    case(center, cid)
    with pytest.raises(InputRejected, match="still open"):
        center.retention.anonymize(cid, "x")
    consent = center.clients.get(cid).consents[0]
    center.clients.withdraw_consent(cid, consent.id, TODAY)
    assert center.retention.anonymize(cid, "consent withdrawn").cases == 1


def test_the_reason_may_not_name_the_person(center: app.AppSession) -> None:
    person = _person(center)
    for reason in ("Hüseynova asked for it", "called from 055 222 33 44", "GÜLŞƏN request"):
        with pytest.raises(InputRejected, match="reason"):
            center.retention.anonymize(person.client_id, reason)
    assert center.clients.get(person.client_id).full_name == NAME


def test_batch_anonymization_reports_progress_and_stops_at_cancel(center: app.AppSession) -> None:
    ids = [client(center, name) for name in ("Məmmədov Anar", "Qasımova Aygün", "Rzayev Elnur")]
    for cid in ids:
        case(center, cid, date(2016, 1, 1))
    blocked = client(center, "Kərimov Vüqar")
    case(center, blocked)
    seen: list[tuple[int, int]] = []
    result = center.retention.anonymize_many(
        [blocked, ids[0], ids[1], ids[2]],
        "retention period ended",
        progress=lambda done, total: seen.append((done, total)),
        cancelled=lambda: len(seen) == 2,
    )
    assert result.cancelled and result.done == (ids[0],) and result.compacted
    assert [cid for cid, _message in result.failed] == [blocked]
    assert seen == [(1, 4), (2, 4)]
    assert center.clients.get(ids[1]).full_name == "Qasımova Aygün"
    result = center.retention.anonymize_many(ids[1:], "retention period ended")
    assert result.done == tuple(ids[1:]) and not result.cancelled and result.failed == ()


# -- the command line ------------------------------------------------------------------------------


@pytest.fixture
def run(
    center: app.AppSession,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):  # type: ignore[no-untyped-def]
    center.close()
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(data_dir))

    def _run(user: str, password: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("LEGALAID_USER", user)
        monkeypatch.setenv("LEGALAID_PASSWORD", password)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_the_cli(run, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    s = login(data_dir, ADMIN, ADMIN_PASSWORD)
    try:
        person = _person(s)
        other = client(s)
        case(s, other, date(2016, 1, 1))
    finally:
        s.close()
    code, out, _err = run(MANAGER, MANAGER_PASSWORD, "--json", "client", "retention")
    listed = json.loads(out)
    assert code == 0 and listed["years"] == 5 and listed["default"] is True
    assert {d["client_id"] for d in listed["due"]} == {person.client_id, other}
    assert all(d["reason"] == "cases_closed" for d in listed["due"])
    # refused: a lawyer (5), a manager setting the rule (5), the reason naming the person (4)
    code, out, err = run(LAWYER, LAWYER_PASSWORD, "client", "anonymize", other, "--reason", "x")
    assert code == 5 and out == "" and err.count("\n") == 1
    assert run(LAWYER, LAWYER_PASSWORD, "client", "erase", person.number, "--reason", "x")[0] == 5
    assert run(LAWYER, LAWYER_PASSWORD, "client", "retention")[0] == 5
    assert run(MANAGER, MANAGER_PASSWORD, "client", "retention", "--set-years", "3")[0] == 5
    code, _out, err = run(
        MANAGER, MANAGER_PASSWORD, "client", "erase", person.number, "--reason", "Hüseynova"
    )
    assert code == 4 and "Traceback" not in err and "Hüseynova" not in err
    assert run(MANAGER, MANAGER_PASSWORD, "client", "erase", "NOPE-1", "--reason", "x")[0] == 4
    # done
    code, out, _err = run(
        MANAGER, MANAGER_PASSWORD, "client", "anonymize", person.number, "--reason", "expired"
    )
    assert code == 0 and person.client_id in out
    code, out, _err = run(
        MANAGER, MANAGER_PASSWORD, "--json", "client", "erase", other, "--reason", "asked"
    )
    assert code == 0 and json.loads(out)["action"] == "erased"
    assert (
        json.loads(run(MANAGER, MANAGER_PASSWORD, "--json", "client", "retention")[1])["due"] == []
    )
    code, out, _err = run(ADMIN, ADMIN_PASSWORD, "client", "retention", "--set-years", "7")
    assert code == 0 and "7" in out
    assert run(ADMIN, ADMIN_PASSWORD, "client", "retention", "--set-years", "0")[0] == 4


def test_an_anonymized_client_is_named_as_such_in_the_cli_and_the_summary(
    run,
    data_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    s = login(data_dir, ADMIN, ADMIN_PASSWORD)
    try:
        other = client(s)
        number = case(s, other, date(2016, 1, 1))
        s.retention.anonymize(other, "retention period ended")
        pdf = s.reports.case_summary_bytes(number, lang="en")
    finally:
        s.close()
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Full name\nAnonymized client" in text  # never the stored marker
    code, out, _err = run(MANAGER, MANAGER_PASSWORD, "--lang", "en", "case", "show", number)
    assert code == 0 and "Client: Anonymized client (" in out
    code, out, _err = run(MANAGER, MANAGER_PASSWORD, "--lang", "en", "case", "list")
    assert code == 0 and out.rstrip().endswith("Anonymized client")
