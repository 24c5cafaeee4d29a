"""A consent's signed scan (issue 16): stored encrypted as the client's attachment, attached by
the CLI (`client consent … --give P --scan FILE`, `--attach-scan FILE`), refused where the rules
say; it reaches HQ only when the client shares with HQ. And HQ does not transfer a case of a
client who withdrew consent to store and process. Real stores, real bundles, the real command.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput
from legalaid_desktop.domain.errors import InputRejected, PermissionDenied
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.case_records import MAX_ATTACHMENT_BYTES
from legalaid_desktop.store.models import Attachment, AuditEvent, Case, Consent
from legalaid_desktop.sync.pseudonyms import PLACEHOLDER_FILE_NAME
from sync_support import PASSWORD, enroll, make_node, sync

ANALYST, ANALYST_PASSWORD = "aysel", "Quba-apple-2026"
NAME = "Rzayeva Mehriban Tofiq qızı"
SCAN = b"%PDF-1.4 imzalanmis razilig Rzayeva " * 50
PASSWORDS = {LAWYER: LAWYER_PASSWORD, ANALYST: ANALYST_PASSWORD, ADMIN: ADMIN_PASSWORD}
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def store(admin_session: app.AppSession, data_dir: Path) -> Path:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
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


def _client(run: Run, purposes: str = "store_process") -> str:
    code, out, err = run(
        "client", "add", "--full-name", NAME, "--gender", "female", "--region", "AZ-GA",
        "--consent", purposes, "--conflict-decision", "no-conflict",
    )  # fmt: skip
    assert code == 0, err
    return out.strip()


def _scan_file(folder: Path, name: str = "..imzalı  razılıq.pdf", data: bytes = SCAN) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _scans(session: app.AppSession, client_id: str) -> list[tuple[Consent, Attachment]]:
    with session.ws.read() as s:
        out = [
            (consent, s.get(Attachment, consent.attachment_id))
            for consent in s.scalars(
                select(Consent).where(
                    Consent.client_id == client_id, Consent.attachment_id.is_not(None)
                )
            )
        ]
        s.expunge_all()
    return out  # type: ignore[return-value]


def _attachment_count(session: app.AppSession) -> int:
    with session.ws.read() as s:
        return s.scalar(select(func.count()).select_from(Attachment)) or 0


def test_give_with_scan_stores_it_encrypted_on_the_new_consent(
    run: Run, admin: app.AppSession, tmp_path: Path
) -> None:
    client_id = _client(run)
    scan = _scan_file(tmp_path)
    code, out, err = run(
        "--json", "client", "consent", client_id, "--give", "share_hq", "--scan", str(scan)
    )
    assert code == 0, err
    assert json.loads(out)["purposes_in_force"] == ["share_hq", "store_process"]
    ((consent, attachment),) = _scans(admin, client_id)
    assert consent.purposes == ["share_hq"]
    assert (attachment.client_id, attachment.case_id) == (client_id, None)
    assert attachment.file_name == "imzalı razılıq.pdf"  # a plain name, as every attachment's
    assert attachment.media_type == "application/pdf" and attachment.size == len(SCAN)
    info, content = admin.records.attachment_content(attachment.id)
    assert content == SCAN and info.file_name == "imzalı razılıq.pdf"
    shown = admin.clients.get(client_id).consents
    assert [c.has_scan for c in shown] == [False, True]
    with admin.ws.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "consent_given")).one()
        assert event.details["scan"] == attachment.id
        assert "razılıq" not in json.dumps(event.details, ensure_ascii=False)


def test_attach_scan_to_a_consent_recorded_without_one(
    run: Run, admin: app.AppSession, tmp_path: Path
) -> None:
    client_id = _client(run, "store_process,anonymized_stats")
    code, _out, err = run(
        "client", "consent", client_id, "--attach-scan", str(_scan_file(tmp_path))
    )
    assert code == 0, err
    ((consent, attachment),) = _scans(admin, client_id)
    assert consent.purposes == ["store_process", "anonymized_stats"]  # the same statement
    assert attachment.sha256 and bytes(attachment.content) == SCAN
    with admin.ws.read() as s:
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "consent_scan_attached")
        ).one()
    assert event.actor == LAWYER and event.details["consent"] == consent.id
    # a second scan on the same consent is refused; so is a consent id of someone else
    code, _out, err = run(
        "client", "consent", client_id, "--attach-scan", str(_scan_file(tmp_path, "b.pdf"))
    )
    assert code == 4 and "already carries" in err and err.count("\n") == 1
    other = _client(run)
    code, _out, err = run(
        "client", "consent", other, "--attach-scan", str(_scan_file(tmp_path, "c.pdf")),
        "--consent-id", consent.id,
    )  # fmt: skip
    assert code == 4 and "does not belong" in err
    assert _attachment_count(admin) == 1


@pytest.mark.parametrize(
    ("make", "extra", "says"),
    [
        (lambda p: _scan_file(p, "empty.pdf", b""), (), "empty"),
        (lambda p: _scan_file(p, "big.pdf", b"x" * (MAX_ATTACHMENT_BYTES + 10)), (), "limit"),
        (lambda p: p / "missing.pdf", (), "cannot be read"),
        (lambda p: _scan_file(p), ("--consent-id", "no-such-consent"), "does not belong"),
    ],
)
def test_bad_scans_are_refused_in_one_line(
    run: Run,
    admin: app.AppSession,
    tmp_path: Path,
    make: Callable[[Path], Path],
    extra: tuple[str, ...],
    says: str,
) -> None:
    client_id = _client(run)
    code, _out, err = run(
        "client", "consent", client_id, "--attach-scan", str(make(tmp_path)), *extra
    )
    assert code == 4 and err.count("\n") == 1 and says in err, err
    assert "Traceback" not in err and _attachment_count(admin) == 0


def test_scan_usage_and_roles(run: Run, admin: app.AppSession, tmp_path: Path) -> None:
    client_id = _client(run)
    scan = str(_scan_file(tmp_path))
    code, _out, err = run(
        "client", "consent", client_id, "--withdraw", "store_process", "--scan", scan
    )
    assert code == 4 and "--scan" in err
    code, _out, err = run("client", "consent", client_id, "--attach-scan", scan, user=ANALYST)
    assert code == 5, err
    # after the withdrawal of "store and process" the records are read-only: no scan either
    assert run("client", "consent", client_id, "--withdraw", "store_process")[0] == 0
    code, _out, err = run("client", "consent", client_id, "--attach-scan", scan)
    assert code == 4 and "withdrew consent" in err
    with pytest.raises(InputRejected):
        admin.clients.attach_consent_scan(client_id, "a.pdf", SCAN)
    assert _attachment_count(admin) == 0


# -- two nodes: the scan reaches HQ only when the client shares; transfers after withdrawal ------


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[app.AppSession, app.AppSession]]:
    hq = make_node(tmp_path, "BAK", hq=True, name="Bakı qərargahı")
    gnj = make_node(tmp_path, "GNJ", name="Gəncə mərkəzi")
    enroll(hq, gnj, tmp_path)
    yield hq, gnj
    for node in (hq, gnj):
        node.close()


def _person(center: app.AppSession, purposes: tuple[str, ...]) -> tuple[str, str]:
    client = center.clients.register(
        ClientInput(full_name=NAME, gender="female", birth_year=1990, region="AZ-GA"),
        ConsentInput(given_on=today(), purposes=purposes),
        ConflictDecisionInput("no_conflict"),  # the same person is added more than once
    )
    case = center.cases.open(CaseInput(client.id, "social", "Müavinət"))
    return client.id, case.number


def _up(center: app.AppSession, hq: app.AppSession, path: Path) -> None:
    bundle = sync(center).export(path)
    sync(hq).import_bundle(bundle.path)


def _hq_scans(hq: app.AppSession, client_id: str) -> list[Attachment]:
    with hq.ws.read() as s:
        rows = list(s.scalars(select(Attachment).where(Attachment.client_id == client_id)))
        s.expunge_all()
    return rows


def test_scan_of_a_client_who_does_not_share_never_reaches_hq(
    nodes: tuple[app.AppSession, app.AppSession], tmp_path: Path
) -> None:
    hq, gnj = nodes
    private, _n1 = _person(gnj, ("store_process",))
    sharing, _n2 = _person(gnj, ("store_process", "share_hq"))
    gnj.clients.attach_consent_scan(private, "razılıq-1.pdf", SCAN)
    gnj.clients.attach_consent_scan(sharing, "razılıq-2.pdf", SCAN + b"2")
    _up(gnj, hq, tmp_path / "1.bundle")

    (withheld,) = _hq_scans(hq, private)
    assert withheld.file_name == PLACEHOLDER_FILE_NAME and bytes(withheld.content) == b""
    assert withheld.size == 0
    (shared,) = _hq_scans(hq, sharing)
    assert bytes(shared.content) == SCAN + b"2" and shared.file_name == "razılıq-2.pdf"
    with hq.ws.read() as s:  # the consent rows travel and name their scans
        ids = dict(s.execute(select(Consent.client_id, Consent.attachment_id)).all())
    assert ids[private] == withheld.id and ids[sharing] == shared.id

    # HQ holds the consent rows but records no scan: consents are recorded at the home center
    with pytest.raises(InputRejected, match="GNJ"):
        hq.clients.attach_consent_scan(sharing, "hq.pdf", SCAN)

    # consent to share given later: the scan follows in full in the next bundle
    gnj.clients.give_purpose(private, "share_hq")
    _up(gnj, hq, tmp_path / "2.bundle")
    (arrived,) = _hq_scans(hq, private)
    assert bytes(arrived.content) == SCAN and arrived.file_name == "razılıq-1.pdf"


def test_hq_does_not_transfer_a_case_of_a_withdrawn_client(
    nodes: tuple[app.AppSession, app.AppSession],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hq, gnj = nodes
    qba = make_node(tmp_path, "QBA", name="Quba mərkəzi")
    enroll(hq, qba, tmp_path)
    qba.close()
    client_id, number = _person(gnj, ("store_process", "share_hq"))
    _other, movable = _person(gnj, ("store_process", "share_hq"))
    gnj.clients.withdraw_purpose(client_id, "store_process")
    _up(gnj, hq, tmp_path / "1.bundle")

    with pytest.raises(InputRejected, match="withdrew consent"):
        sync(hq).transfer_case(number, "QBA")
    with pytest.raises(PermissionDenied):  # not HQ: the center cannot transfer at all
        sync(gnj).transfer_case(movable, "QBA")
    hq.close()

    monkeypatch.setenv("LEGALAID_DATA_DIR", str(tmp_path / "bak"))
    monkeypatch.setenv("LEGALAID_USER", "admin")
    monkeypatch.setenv("LEGALAID_PASSWORD", PASSWORD)
    code = main(["sync", "transfer", number, "--to", "QBA"])
    _out, err = capsys.readouterr()
    assert code == 4 and err.count("\n") == 1 and "withdrew consent" in err, err
    assert NAME not in err and "Rzayeva" not in err
    assert main(["sync", "transfer", movable, "--to", "QBA"]) == 0  # the rule is that narrow
    capsys.readouterr()
    reopened = app.login(tmp_path / "bak", "admin", PASSWORD)
    try:
        with reopened.ws.read() as s:
            owners = dict(s.execute(select(Case.number, Case.owner_node)).all())
    finally:
        reopened.close()
    assert owners == {number: "GNJ", movable: "QBA"}
