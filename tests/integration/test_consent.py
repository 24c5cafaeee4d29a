"""Consent that is enforced (issue 16): recorded as given, withdrawn purpose by purpose, and a
withdrawal of "store and process" that makes the client's records read-only. Real stores, the
real `legalaid` command."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.cases import (
    ClientInput,
    ConsentInfo,
    ConsentInput,
    ConsultationInput,
    expired_purposes,
    processing_withdrawn_on,
    purposes_in_force,
)
from legalaid_desktop.domain.errors import (
    InputRejected,
    PermissionDenied,
    ProcessingWithdrawn,
    ValidationError,
)
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services import consents
from legalaid_desktop.store.models import (
    AuditEvent,
    Case,
    ChangeLog,
    Client,
    Consent,
    Consultation,
    Deadline,
    Party,
)

MANAGER, MANAGER_PASSWORD = "nigar", "Gilan-bridge-2026"
ANALYST, ANALYST_PASSWORD = "aysel", "Quba-apple-2026"
NAME = "Hüseynova Gülşən Əli qızı"
PASSWORDS = {
    LAWYER: LAWYER_PASSWORD,
    MANAGER: MANAGER_PASSWORD,
    ANALYST: ANALYST_PASSWORD,
    ADMIN: ADMIN_PASSWORD,
}
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def store(admin_session: app.AppSession, data_dir: Path) -> Path:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.users.add(MANAGER, "Əliyeva Nigar", "manager", MANAGER_PASSWORD)
    admin_session.users.add(ANALYST, "Məmmədova Aysel", "hq_analyst", ANALYST_PASSWORD)
    admin_session.close()
    return data_dir


@pytest.fixture
def run(store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setenv("LEGALAID_DATA_DIR", str(store))

    def _run(*args: str, user: str = LAWYER) -> tuple[int, str, str]:
        monkeypatch.setenv("LEGALAID_USER", user)
        monkeypatch.setenv("LEGALAID_PASSWORD", PASSWORDS[user])
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def admin(store: Path) -> Iterator[app.AppSession]:
    session = app.login(store, ADMIN, ADMIN_PASSWORD)
    yield session
    session.close()


def _add(run: Run, *extra: str) -> tuple[int, str, str]:
    return run(
        "client",
        "add",
        "--full-name",
        NAME,
        "--gender",
        "female",
        "--region",
        "AZ-GA",
        "--birth-year",
        "1979",
        "--conflict-decision",  # the same person is added more than once
        "no-conflict",
        *extra,
    )


def _client_with_case(run: Run, purposes: str = "store_process,share_hq") -> tuple[str, str]:
    code, out, err = _add(run, "--consent", purposes)
    assert code == 0, err
    client_id = out.strip()
    code, out, err = run(
        "case", "open", "--client", client_id, "--area", "social", "--summary", "Müavinət."
    )
    assert code == 0, err
    return client_id, out.strip()


def _rows(session: app.AppSession, client_id: str) -> list[Consent]:
    with session.ws.read() as s:
        rows = list(
            s.scalars(
                select(Consent).where(Consent.client_id == client_id).order_by(Consent.given_on)
            )
        )
        s.expunge_all()
    return rows


def _snapshot(session: app.AppSession) -> dict[str, Any]:
    """Every count and stamp a refused write must leave as it was."""
    with session.ws.read() as s:
        counts = {
            model.__tablename__: s.scalar(select(func.count()).select_from(model))
            for model in (Client, Consent, Case, Consultation, Party, Deadline, ChangeLog)
        }
        stamps = s.execute(text("SELECT id, hlc, status FROM cases ORDER BY id")).all()
        clients = s.execute(text("SELECT id, hlc, phone FROM clients ORDER BY id")).all()
    return {"counts": counts, "cases": stamps, "clients": clients}


# -- client add: only the consent given --------------------------------------------------------


def test_client_add_records_only_the_purposes_given(run: Run, admin: app.AppSession) -> None:
    code, out, err = _add(
        run,
        "--consent",
        "store_process,anonymized_stats",
        "--consent-date",
        "2025-03-01",
        "--consent-until",
        "2030-03-01",
    )
    assert code == 0, err
    (row,) = _rows(admin, out.strip())
    assert row.purposes == ["store_process", "anonymized_stats"]  # no share_hq nobody gave
    assert (row.given_on, row.valid_until, row.withdrawn_on) == ("2025-03-01", "2030-03-01", None)


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ((), "store and process"),
        (("--consent", "share_hq,anonymized_stats"), "store and process"),
        (("--share-hq",), "store and process"),
        (("--consent", "store_process,marketing"), "store_process, share_hq, anonymized_stats"),
        (
            ("--consent", "store_process", "--consent-date", "2030-01-01"),
            "cannot be in the future",
        ),
        (
            (
                "--consent",
                "store_process",
                "--consent-date",
                "2025-01-01",
                "--consent-until",
                "2024-01-01",
            ),
            "ends before it was given",
        ),
    ],
)
def test_without_a_valid_consent_to_store_the_client_is_not_stored(
    run: Run, admin: app.AppSession, extra: tuple[str, ...], says: str
) -> None:
    code, out, err = _add(run, *extra)
    assert code == 4, err
    assert err.startswith("legalaid: ") and err.count("\n") == 1 and says in err
    assert NAME not in err and out == ""
    assert _snapshot(admin)["counts"]["clients"] == 0


def test_a_consent_date_not_in_the_cli_date_format_is_a_usage_error(
    run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        _add(run, "--consent", "store_process", "--consent-date", "01.03.2025")
    assert stop.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err


# -- client consent --give / --withdraw ---------------------------------------------------------


def test_withdrawing_share_hq_keeps_the_rest_in_force(run: Run, admin: app.AppSession) -> None:
    client_id, number = _client_with_case(run, "store_process,share_hq,anonymized_stats")
    (original,) = _rows(admin, client_id)

    code, out, err = run("--json", "client", "consent", number, "--withdraw", "share_hq")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["purposes_in_force"] == ["anonymized_stats", "store_process"]
    assert shown["processing_withdrawn_on"] is None

    old, new = sorted(_rows(admin, client_id), key=lambda r: r.id != original.id)
    assert old.id == original.id and old.withdrawn_on == today().isoformat()
    assert old.purposes == ["store_process", "share_hq", "anonymized_stats"]  # never rewritten
    assert new.purposes == ["store_process", "anonymized_stats"] and new.withdrawn_on is None
    assert (new.given_on, new.valid_until) == (old.given_on, old.valid_until)
    with admin.ws.read() as s:
        groups = {
            row_id: groups
            for row_id, groups in s.execute(
                select(ChangeLog.row_id, ChangeLog.groups).where(ChangeLog.table_name == "consents")
            )
        }
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "consent_withdrawn")).one()
    # the old row's withdrawal travels as its "withdrawal" group, the new row whole
    assert groups[old.id] == ["withdrawal"] and set(groups[new.id]) == {"consent", "withdrawal"}
    assert event.entity_id == client_id and event.actor == LAWYER
    assert event.details == {"purpose": "share_hq", "consents": [old.id], "replaced_by": [new.id]}
    assert "Gülşən" not in json.dumps(event.details, ensure_ascii=False)

    # given again later: a new row of its own, by the client id this time
    code, out, err = run("client", "consent", client_id, "--give", "share_hq")
    assert code == 0, err
    assert out.strip() == "Consent in force: anonymized_stats, share_hq, store_process"
    info = admin.clients.get(client_id)
    assert purposes_in_force(info.consents, today()) == {
        "store_process",
        "share_hq",
        "anonymized_stats",
    }
    code, _out, err = run("client", "consent", client_id, "--give", "share_hq")
    assert code == 4 and "already in force" in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--give", "marketing"), "store_process, share_hq, anonymized_stats"),
        (("--withdraw", "marketing"), "store_process, share_hq, anonymized_stats"),
        (("--withdraw", "anonymized_stats"), "no consent to withdraw"),
        (("--withdraw", "share_hq", "--until", "2031-01-01"), "--until"),
        (("--give", "share_hq", "--date", "2099-01-01"), "cannot be in the future"),
    ],
)
def test_consent_command_rejects_bad_input_in_one_line(
    run: Run, admin: app.AppSession, args: tuple[str, ...], says: str
) -> None:
    client_id, _number = _client_with_case(run)
    before = _snapshot(admin)
    code, _out, err = run("client", "consent", client_id, *args)
    assert code == 4 and err.count("\n") == 1 and says in err, err
    assert _snapshot(admin) == before


def test_consent_command_of_an_unknown_client_or_case(run: Run) -> None:
    code, _out, err = run("client", "consent", "GNJ-2001-0001", "--give", "share_hq")
    assert code == 4 and "GNJ-2001-0001" in err
    with pytest.raises(SystemExit) as stop:  # neither --give nor --withdraw
        run("client", "consent", "GNJ-2001-0001")
    assert stop.value.code == 2


def test_consent_is_changed_only_at_the_clients_center(run: Run, admin: app.AppSession) -> None:
    client_id, _number = _client_with_case(run)
    with admin.ws.write() as s:
        s.execute(text("UPDATE clients SET node_code = 'QBA' WHERE id = :id"), {"id": client_id})
    before = _snapshot(admin)
    code, _out, err = run("client", "consent", client_id, "--withdraw", "share_hq")
    assert code == 4 and "QBA" in err
    assert _snapshot(admin) == before


# -- withdrawal of "store and process" ---------------------------------------------------------


def test_withdrawing_store_process_makes_every_write_fail_and_reads_work(
    run: Run, admin: app.AppSession
) -> None:
    client_id, number = _client_with_case(run)
    assert run("deadline", "add", number, "--due", "2031-01-15", "--description", "Ərizə")[0] == 0
    with admin.ws.read() as s:
        deadline_id = s.scalars(select(Deadline.id)).one()

    code, out, err = run("client", "consent", number, "--withdraw", "store_process")
    assert code == 0, err
    assert "read-only" in out
    rows = _rows(admin, client_id)
    assert all(r.withdrawn_on == today().isoformat() for r in rows)  # share_hq went with it
    assert consents_of(admin, client_id) == (today(), frozenset())

    before = _snapshot(admin)
    refusals = [
        ("consult", "add", number, "--notes", "Yeni məsləhət."),
        ("party", "add", number, "--name", "Məmmədov Vüqar", "--role", "adverse"),
        ("deadline", "add", number, "--due", "2031-02-01", "--description", "x"),
        ("case", "close", number, "--outcome", "advice_given"),
        ("case", "open", "--client", client_id, "--area", "family", "--summary", "Yeni iş."),
        ("client", "consent", client_id, "--give", "share_hq"),
    ]
    for args in refusals:
        code, out, err = run(*args)
        assert code == 4, (args, err)
        assert "withdrew consent to store and process" in err and err.count("\n") == 1, args
        assert NAME not in err and "Traceback" not in err
    # the services behind the other screens refuse alike
    data = ClientInput(full_name=NAME, gender="female", region="AZ-GA", phone="+994 55 1112233")
    service_writes: list[Callable[[], object]] = [
        lambda: admin.clients.update(client_id, data),
        lambda: admin.records.add_attachment(number, "ərizə.pdf", b"%PDF-1.4"),
        lambda: admin.records.set_deadline_done(deadline_id),
        lambda: admin.cases.update_summary(number, "Dəyişdi."),
        lambda: admin.cases.set_pending(number),
        lambda: admin.cases.assign(number, LAWYER),
        lambda: admin.records.add_consultation(number, ConsultationInput(notes="x")),
    ]
    for write in service_writes:
        with pytest.raises(ProcessingWithdrawn):
            write()
    assert _snapshot(admin) == before

    # reading still works
    code, out, _err = run("case", "show", number)
    assert code == 0 and NAME in out
    assert admin.clients.get(client_id).processing_withdrawn_on == today()
    with admin.ws.read() as s:
        assert consents.withdrawn_clients(s) == {client_id: today()}
    # ... and withdrawing again says there is nothing to withdraw
    code, _out, err = run("client", "consent", client_id, "--withdraw", "store_process")
    assert code == 4 and "no consent to withdraw" in err


def consents_of(session: app.AppSession, client_id: str) -> tuple[date | None, frozenset[str]]:
    with session.ws.read() as s:
        return (
            consents.processing_withdrawn_on(s, client_id),
            consents.purposes_in_force(s, client_id, today()),
        )


def test_insider_a_lawyer_cannot_undo_a_withdrawal_a_manager_can(
    run: Run, admin: app.AppSession, store: Path
) -> None:
    """A lawyer records a withdrawal (it only stops processing) but cannot give "store and
    process" back to go on working the case: that needs a manager, and the try is audited."""
    client_id, number = _client_with_case(run)
    assert run("client", "consent", number, "--withdraw", "store_process")[0] == 0
    before = _snapshot(admin)

    code, _out, err = run("client", "consent", number, "--give", "store_process")
    assert code == 5 and "Center manager" in err
    with pytest.raises(PermissionDenied):  # nor through the form's "record a new consent"
        app_lawyer = app.login(store, LAWYER, LAWYER_PASSWORD)
        try:
            app_lawyer.clients.add_consent(client_id, ConsentInput(today()))
        finally:
            app_lawyer.close()
    assert _snapshot(admin) == before
    with admin.ws.read() as s:
        denied = s.scalars(select(AuditEvent).where(AuditEvent.action == "permission_denied")).all()
    assert [(e.actor, e.entity_id) for e in denied] == [(LAWYER, client_id)] * 2

    code, _out, err = run("client", "consent", number, "--give", "store_process", user=MANAGER)
    assert code == 0, err
    assert consents_of(admin, client_id) == (None, frozenset({"store_process"}))
    assert run("consult", "add", number, "--notes", "Davam edir.")[0] == 0


def test_insider_an_analyst_changes_no_consent(run: Run, admin: app.AppSession) -> None:
    _client_id, number = _client_with_case(run)
    before = _snapshot(admin)
    for args in (("--withdraw", "share_hq"), ("--give", "anonymized_stats")):
        code, _out, err = run("client", "consent", number, *args, user=ANALYST)
        assert code == 5, err
    assert _snapshot(admin) == before


# -- expiry ------------------------------------------------------------------------------------


def test_an_expired_consent_shows_on_the_client_and_the_dashboard(
    run: Run, admin: app.AppSession
) -> None:
    day = today()
    code, out, err = _add(
        run,
        "--consent",
        "store_process,share_hq",
        "--consent-date",
        (day - timedelta(days=800)).isoformat(),
        "--consent-until",
        (day - timedelta(days=1)).isoformat(),
    )
    assert code == 0, err
    client_id = out.strip()
    _client_with_case(run)  # another client, in force
    info = admin.clients.get(client_id)
    assert info.consent_expired(day) and info.consent_expired_on(day) == day - timedelta(days=1)
    assert info.expired_purposes(day) == ("store_process", "share_hq")
    assert info.processing_withdrawn_on is None  # expired is not withdrawn: writes still work
    assert admin.agenda.dashboard().expired_consents == 1

    # renewing store_process leaves share_hq expired; renewing both clears it
    until = (day + timedelta(days=365)).isoformat()
    assert run("client", "consent", client_id, "--give", "store_process", "--until", until)[0] == 0
    info = admin.clients.get(client_id)
    assert info.expired_purposes(day) == ("share_hq",)
    assert admin.agenda.dashboard().expired_consents == 1
    assert run("client", "consent", client_id, "--give", "share_hq")[0] == 0
    assert not admin.clients.get(client_id).consent_expired(day)
    assert admin.agenda.dashboard().expired_consents == 0


def test_a_renewal_must_run_longer(admin: app.AppSession) -> None:
    day = today()
    info = admin.clients.register(
        ClientInput(full_name=NAME, gender="female", region="AZ-GA"),
        ConsentInput(day - timedelta(days=10), ("store_process",), day + timedelta(days=30)),
    )
    with pytest.raises(InputRejected, match="already in force"):
        admin.clients.give_purpose(info.id, "store_process", until=day + timedelta(days=20))
    longer = admin.clients.give_purpose(info.id, "store_process", until=day + timedelta(days=90))
    assert len(longer.consents) == 2
    admin.clients.give_purpose(info.id, "anonymized_stats")  # no end: never renewed again
    with pytest.raises(InputRejected, match="already in force"):
        admin.clients.give_purpose(info.id, "anonymized_stats", until=day + timedelta(days=900))
    with pytest.raises(ValidationError, match="before it was given"):
        admin.clients.withdraw_purpose(info.id, "store_process", on=day - timedelta(days=20))


# -- the rules themselves ----------------------------------------------------------------------


def _consent(
    purposes: tuple[str, ...],
    given: date,
    until: date | None = None,
    withdrawn: date | None = None,
) -> ConsentInfo:
    return ConsentInfo("x", given, purposes, until, withdrawn, False)


def test_consent_rules_on_crafted_dates() -> None:
    d = date(2026, 6, 1)
    store_row = _consent(("store_process", "share_hq"), date(2020, 1, 1), date(2025, 1, 1))
    assert expired_purposes([store_row], d) == ("store_process", "share_hq")
    assert expired_purposes([store_row], date(2024, 12, 31)) == ()
    assert purposes_in_force([store_row], date(2019, 12, 31)) == frozenset()  # not yet given
    renewed = _consent(("store_process",), date(2025, 2, 1))
    assert expired_purposes([store_row, renewed], d) == ("share_hq",)
    withdrawn = _consent(("store_process",), date(2025, 2, 1), withdrawn=date(2026, 1, 1))
    assert processing_withdrawn_on([withdrawn]) == date(2026, 1, 1)
    assert processing_withdrawn_on([withdrawn, renewed]) is None  # given again afterwards
    # withdrawn: nothing is in force, nothing waits for a renewal
    other = _consent(("share_hq",), date(2025, 3, 1))
    assert purposes_in_force([withdrawn, other], d) == frozenset()
    lapsed_share = _consent(("share_hq",), date(2025, 3, 1), date(2025, 6, 1))
    assert expired_purposes([withdrawn, lapsed_share], d) == ()
    assert expired_purposes([renewed, lapsed_share], d) == ("share_hq",)
    assert processing_withdrawn_on([]) is None and purposes_in_force([], d) == frozenset()
