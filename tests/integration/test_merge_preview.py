"""What the merge screen reads (issue 19): the two clients side by side with their counts and the
reason a merge would be refused, audited as viewed and refused to a lawyer; and a merged-away
client resolved to the one kept, through a chain of merges."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.domain.errors import NotFound, PermissionDenied
from sync_support import add_case, audit_actions


def test_the_preview_shows_both_sides_and_what_would_refuse_the_merge(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    keep, keep_case = add_case(admin_session)
    other, other_case = add_case(
        admin_session, name="Aliyev Rashad Ismayil oglu", phone="+994 55 111 22 33"
    )
    admin_session.records.add_attachment(other_case, "ərizə.pdf", b"%PDF-1.4 scan")
    seen_before = audit_actions(admin_session).count("client_viewed")
    preview = admin_session.merges.preview(keep, other)
    assert preview.refusal == ""
    assert (preview.keep.id, preview.keep.name, preview.keep.phone) == (
        keep,
        "Əliyev Rəşad İsmayıl oğlu",
        "+994 50 123 45 67",
    )
    assert (preview.keep.cases, preview.keep.consents, preview.keep.documents) == (1, 1, 0)
    other_side = preview.other
    assert other_side is not None and other_side.number.startswith("GNJ-C-")
    assert (other_side.cases, other_side.consents, other_side.documents) == (1, 1, 1)
    assert (other_side.birth_year, other_side.region) == (1980, "AZ-GA")
    assert audit_actions(admin_session).count("client_viewed") == seen_before + 2
    # only the first, before the other is chosen
    alone = admin_session.merges.preview(keep)
    assert alone.other is None and alone.refusal == ""
    # the refusals the merge would give, as text, without merging
    assert "themselves" in admin_session.merges.preview(keep, keep).refusal
    admin_session.clients.withdraw_purpose(other, "store_process")
    assert admin_session.merges.preview(keep, other).refusal != ""
    assert admin_session.cases.get(other_case).client.id == other  # nothing moved
    assert keep_case != other_case
    with pytest.raises(NotFound):
        admin_session.merges.preview(keep, "GNJ-C-99999")
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    leyla = app.login(data_dir, LAWYER, LAWYER_PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            leyla.merges.preview(keep, other)
        assert audit_actions(leyla)[-1] == "permission_denied"
    finally:
        leyla.close()


def test_a_merged_client_resolves_to_the_one_kept(admin_session: app.AppSession) -> None:
    first, _c1 = add_case(admin_session)
    second, _c2 = add_case(
        admin_session, name="Aliyev Rashad Ismayil oglu", phone="+994 55 111 22 33"
    )
    third, _c3 = add_case(admin_session, name="Əliyev Rəşad", phone="+994 70 222 33 44")
    assert admin_session.merges.resolve(first) == (first, "")
    merged = admin_session.merges.merge(second, first)  # first → second
    admin_session.merges.merge(third, second)  # second → third: first follows both
    assert admin_session.merges.resolve(first) == (third, merged.merged_number)
    assert admin_session.merges.resolve(merged.merged_number) == (third, merged.merged_number)
    assert admin_session.merges.resolve(third)[1] == ""
    with pytest.raises(NotFound):
        admin_session.merges.resolve("no-such-client")
