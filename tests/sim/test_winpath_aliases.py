"""8.3 aliases (KB Q164695, Q181186): a long name never gets a short name its folder holds."""

from __future__ import annotations

from pathlib import Path

from sim.access import AccessModel
from sim.winpath import resolve, short_alias, short_form


def test_long_names_of_one_stem_are_numbered_in_order() -> None:
    siblings = ["Program Files", "Programmes"]
    assert short_alias("Program Files", siblings) == "PROGRA~1"
    assert short_alias("Programmes", siblings) == "PROGRA~2"


def test_an_alias_taken_by_an_entry_of_that_name_is_skipped() -> None:
    assert short_alias("Program Files", ["PROGRA~1", "Program Files"]) == "PROGRA~2"
    assert short_alias("Programmes", ["PROGRA~1", "Program Files", "Programmes"]) == "PROGRA~3"
    assert short_alias("Program Files", ["progra~2", "Program Files"]) == "PROGRA~1"


def test_the_short_form_reaches_the_long_folder_beside_a_literal_alias(tmp_path: Path) -> None:
    """The connector passes the store in 8.3 names from 5.5 SP1: with a folder
    ``C:\\PROGRA~1`` beside ``C:\\Program Files`` the short form must still name the
    store, not the other folder (the soak's hang: IMPORT found no file there)."""
    store = tmp_path / "C" / "Program Files" / "EXCHSRVR" / "CCMCDATA"
    store.mkdir(parents=True)
    (tmp_path / "C" / "PROGRA~1").mkdir()
    short = short_form(r"C:\Program Files\EXCHSRVR\CCMCDATA", tmp_path)
    assert short == r"C:\PROGRA~2\EXCHSRVR\CCMCDATA"
    assert resolve(short, root=tmp_path, access=AccessModel()).host == store
