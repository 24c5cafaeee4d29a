"""Referral, follow-up and the client's feedback (issue 19), on real stores.

A case is referred (to whom, when, what was asked), the answer is followed up (answered or
not, when, the result); closing records the citizen's satisfaction or that they could not be
reached; the summary prints both and the statistics count every closed case's satisfaction.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, cli_as
from legalaid_desktop import app
from legalaid_desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from legalaid_desktop.domain.referrals import AnswerInput, ReferralInput
from legalaid_desktop.i18n import language
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.statistics.definitions import Dimension, Measure
from legalaid_desktop.statistics.periods import date_range
from legalaid_desktop.statistics.query import FigureQuery
from sync_support import add_case, audit_actions, enroll, make_node, snapshot, sync


@pytest.fixture
def center(admin_session: app.AppSession, data_dir: Path) -> tuple[Path, str]:
    """A center with a lawyer; the administrator's case (opened 10 days ago)."""
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    _client, number = add_case(admin_session)
    with admin_session.ws.write() as s:
        s.execute(
            text("UPDATE cases SET opened_on = :d WHERE number = :n"),
            {"d": (today() - timedelta(days=10)).isoformat(), "n": number},
        )
    admin_session.close()
    return data_dir, number


def _admin(data_dir: Path) -> app.AppSession:
    return app.login(data_dir, ADMIN, ADMIN_PASSWORD)


def test_a_referral_and_its_follow_up(center: tuple[Path, str]) -> None:
    data_dir, number = center
    admin = _admin(data_dir)
    referral = admin.referrals.refer(
        number,
        ReferralInput(
            body="prosecutor_anticorruption",
            referred_on=today() - timedelta(days=5),
            request="Həkimin rüşvət tələbi barədə şikayət",
        ),
    )
    assert referral.status == "pending" and referral.answered_on is None
    answered = admin.referrals.record_answer(
        number,
        AnswerInput(answer="Yoxlama başlanıb", result="forwarded", answered_on=today()),
    )
    assert (answered.status, answered.result, answered.answered_on) == (
        "answered",
        "forwarded",
        today(),
    )
    detail = admin.cases.get(number)
    assert [r.body for r in detail.referrals] == ["prosecutor_anticorruption"]
    # a changed answer is a correction: the earlier result is in the case's history
    admin.referrals.record_answer(
        number, AnswerInput(answer="Həll olundu", result="resolved"), referral.id
    )
    result = next(e for e in admin.history.case_history(number) if e.field == "result")
    assert (result.old_value, result.new_value, result.record_kind) == (
        "forwarded",
        "resolved",
        "referral",
    )
    assert {"case_referred", "referral_answered"} <= set(audit_actions(admin))
    admin.close()


def test_bad_referrals_change_nothing(center: tuple[Path, str]) -> None:
    data_dir, number = center
    admin = _admin(data_dir)
    tables = ("referrals", "corrections", "change_log")
    before = snapshot(admin, tables)
    for data in (
        ReferralInput(body="ministry_of_magic"),
        ReferralInput(body="ombudsman", referred_on=today() - timedelta(days=30)),
        ReferralInput(body="ombudsman", referred_on=today() + timedelta(days=1)),
    ):
        with pytest.raises(ValidationError):
            admin.referrals.refer(number, data)
    with pytest.raises(NotFound, match="no referral waiting"):
        admin.referrals.record_answer(number, AnswerInput(answer="?"))
    assert snapshot(admin, tables) == before
    admin.referrals.refer(number, ReferralInput(body="ombudsman"))
    before = snapshot(admin, tables)
    for answer in (
        AnswerInput(result="not_a_result"),
        AnswerInput(status="no_answer", result="resolved"),
        AnswerInput(status="pending"),
        AnswerInput(answered_on=today() + timedelta(days=2)),
    ):
        with pytest.raises(ValidationError):
            admin.referrals.record_answer(number, answer)
    assert snapshot(admin, tables) == before
    admin.close()


def test_a_lawyer_refers_only_the_cases_assigned_to_them(center: tuple[Path, str]) -> None:
    data_dir, number = center
    leyla = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    with pytest.raises(PermissionDenied):
        leyla.referrals.refer(number, ReferralInput(body="advocate"))
    assert audit_actions(leyla)[-1] == "permission_denied"
    leyla.close()


def test_closing_records_satisfaction_and_the_summary_prints_it(
    center: tuple[Path, str], tmp_path: Path
) -> None:
    data_dir, number = center
    admin = _admin(data_dir)
    with pytest.raises(ValidationError):
        admin.cases.close(number, "advice_given", satisfaction="6")
    assert admin.cases.get(number).status == "open"
    admin.referrals.refer(number, ReferralInput(body="ombudsman", request="Şikayət"))
    admin.referrals.record_answer(number, AnswerInput(status="no_answer"))
    detail = admin.cases.close(number, "advice_given", satisfaction="unreachable")
    assert detail.satisfaction == "unreachable"
    out = tmp_path / "summary.pdf"
    with language("en"):
        admin.reports.case_summary(number, out, lang="en")
    text_ = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Citizen satisfaction" in text_ and "Could not be reached" in text_
    assert "Referrals and follow-up" in text_ and "Ombudsman" in text_
    assert "No answer" in text_
    # reopening forgets it; closing again without it leaves it not recorded
    admin.cases.reopen(number)
    assert admin.cases.get(number).satisfaction is None
    admin.close()


def test_the_figures_count_every_closed_cases_satisfaction(data_dir: Path) -> None:
    from conftest import new_center_store

    session = new_center_store(data_dir)
    marks = ["5", "5", "unreachable", None]
    for i, mark in enumerate(marks):
        _client, number = add_case(session, name=f"Müştəri {i} Əli oğlu", phone=f"+994 50 {i}")
        session.cases.close(number, "advice_given", satisfaction=mark)
    table = session.statistics.figures(
        FigureQuery(
            Measure.CASES_CLOSED,
            date_range(today() - timedelta(days=1), today()),
            (Dimension.SATISFACTION,),
            previous=False,
        )
    )
    counts = {row.codes[0]: row.value for row in table.rows}
    assert counts == {"5": 2, "unreachable": 1, "not_stated": 1}
    session.close()


def test_the_command_line(
    center: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir, number = center
    run = cli_as(data_dir, ADMIN, ADMIN_PASSWORD, monkeypatch, capsys)
    code, out, err = run(
        "--json", "case", "refer", number, "--to", "advocate", "--request", "Məhkəmədə təmsil"
    )
    assert code == 0, err
    referral = json.loads(out)
    assert referral["status"] == "pending" and referral["body"] == "advocate"
    code, out, err = run(
        "--json", "case", "referral", number, "--answer", "Qəbul etdi", "--result", "resolved"
    )
    assert code == 0, err
    assert json.loads(out)["result"] == "resolved"
    code, _out, err = run("case", "refer", number, "--to", "nowhere")
    assert code == 4 and len(err.strip().splitlines()) == 1
    code, out, err = run("--json", "case", "close", number, "--outcome", "advice_given",
                         "--satisfaction", "4")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["satisfaction"] == "4"
    code, out, _err = run("--json", "reference", "list", "satisfaction")
    assert [i["code"] for i in json.loads(out)["items"]][-1] == "unreachable"


def test_a_referral_reaches_hq_without_its_text_when_the_client_does_not_share(
    tmp_path: Path,
) -> None:
    from legalaid_desktop.domain.cases import CaseInput, ClientInput, ConsentInput
    from legalaid_desktop.domain.conflict_decisions import ConflictDecisionInput

    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    try:
        enroll(hq, gnj, tmp_path)
        client = gnj.clients.register(
            ClientInput(full_name="Nəsirova Gülnar Rafiq qızı", gender="female", region="AZ-GA"),
            ConsentInput(given_on=today(), purposes=("store_process",)),
            ConflictDecisionInput("no_conflict"),
        )
        case = gnj.cases.open(
            CaseInput(client_id=client.id, legal_area="labour", summary="Əmək haqqı")
        )
        gnj.referrals.refer(
            case.number, ReferralInput(body="ministry_labour", request="Gülnar xanımın işi")
        )
        path = sync(gnj).export(tmp_path / "up.bundle").path
        assert sync(hq).import_bundle(path).refused == 0
        at_hq = hq.cases.get(case.number).referrals
        assert [(r.body, r.request) for r in at_hq] == [("ministry_labour", "")]
        assert gnj.cases.get(case.number).referrals[0].request == "Gülnar xanımın işi"
    finally:
        hq.close()
        gnj.close()
