"""A saved world keeps its connector's NTVDM: the handles lost and the NT code it runs."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from harness.worldstore import store
from tests.causes.kit import apply_fault, site_for


def test_the_ntvdm_state_survives_a_save_and_an_open(tmp_path: Path) -> None:
    def build(root: Path) -> Site:
        site = site_for(root)
        apply_fault(site, "ntvdm-dpmi-leak")
        site.service.start()
        site.world.clock.advance(40 * 60)  # three dirsync cycles: nine handles lost
        return site

    w = tmp_path / "w"
    store.create(w, build, {"origin": "test", "seed": 5})
    with store.open_world(w) as handle:
        ntvdm = handle.site.service.ntvdm
        assert (ntvdm.service_pack, ntvdm.leaked) == (3, 9)
        handle.site.world.access.nt_service_pack = 4  # installed; the service not restarted
    with store.open_world(w, write=False) as handle:
        ntvdm = handle.site.service.ntvdm
        assert (ntvdm.service_pack, ntvdm.leaked) == (3, 9)
        handle.site.world.clock.advance(20 * 60)
        assert any(r.source == "DrWatson" for r in handle.site.world.eventlog.records)
