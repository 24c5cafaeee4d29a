"""A withdrawal of consent travels: recorded at the client's center, it reaches HQ and the center
HQ transferred the case to, and stops processing there too (three real stores, real bundles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from legalaid_desktop.domain.cases import ConsultationInput
from legalaid_desktop.domain.errors import InputRejected, ProcessingWithdrawn
from legalaid_desktop.i18n.dates import today
from sync_support import add_case, enroll, make_node, sync


def test_a_withdrawal_at_the_center_stops_processing_at_every_node(tmp_path: Path) -> None:
    hq = make_node(tmp_path, "BAK", hq=True)
    gnj = make_node(tmp_path, "GNJ")
    qba = make_node(tmp_path, "QBA", name="Quba mərkəzi")
    try:
        enroll(hq, gnj, tmp_path)
        enroll(hq, qba, tmp_path)
        client_id, number = add_case(gnj)
        sync(hq).import_bundle(sync(gnj).export(tmp_path / "g1.bundle").path)
        sync(hq).transfer_case(number, "QBA")
        sync(qba).import_bundle(sync(hq).export(tmp_path / "q1.bundle", to="QBA").path)
        qba.records.add_consultation(number, ConsultationInput(notes="Quba: ikinci görüş"))

        # Only the client's own center records their consent (it is the one that sends it on).
        with pytest.raises(InputRejected, match="GNJ"):
            qba.clients.withdraw_purpose(number, "store_process")

        gnj.clients.withdraw_purpose(client_id, "store_process")
        sync(hq).import_bundle(sync(gnj).export(tmp_path / "g2.bundle").path)
        sync(qba).import_bundle(sync(hq).export(tmp_path / "q2.bundle", to="QBA").path)

        assert hq.clients.get(client_id).processing_withdrawn_on == today()
        assert qba.clients.get(client_id).processing_withdrawn_on == today()
        with pytest.raises(ProcessingWithdrawn):
            qba.records.add_consultation(number, ConsultationInput(notes="Davam"))
        with pytest.raises(ProcessingWithdrawn):
            qba.cases.close(number, "advice_given")
        assert len(qba.cases.get(number).consultations) == 2  # reading still works
    finally:
        for node in (hq, gnj, qba):
            node.close()
