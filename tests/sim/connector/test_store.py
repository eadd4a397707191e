"""Ccmcdata: folders and .ini files recreated at start, msgXXXX.ccm names (§4.4)."""

from sim.connector.store import Folder, Store
from sim.world import World

INI = {"Export.ini": {"Export": {"MaxMessages": "16"}}, "Import.ini": {"Import": {"A": "b"}}}


def test_ensure_creates_every_folder_and_the_ini_files(world: World) -> None:
    store = Store(world, "C:\\EXCHSRVR\\CCMCDATA")
    created = store.ensure(INI)
    assert sorted(created) == sorted([*(str(f) for f in Folder), "Export.ini", "Import.ini"])
    assert store.root == world.root / "C" / "EXCHSRVR" / "CCMCDATA"
    for folder in Folder:
        assert store.path(folder).is_dir()
    text = (store.root / "Export.ini").read_bytes().decode("cp437")
    assert text == "[Export]\r\nMaxMessages=16\r\n"


def test_missing_folders_are_recreated_and_files_kept(world: World) -> None:
    """KB Q201271, Q295812: the service recreates missing subfolders at start."""
    store = Store(world, "C:\\EXCHSRVR\\CCMCDATA")
    store.ensure(INI)
    (store.path(Folder.SUBMIT) / "msg0001.ccm").write_bytes(b"x")
    store.path(Folder.IMPORT).rmdir()
    assert store.ensure(INI) == ["Import"]
    assert store.path(Folder.IMPORT).is_dir()
    assert store.names(Folder.SUBMIT) == ["msg0001.ccm"]


def test_a_folder_that_is_a_file_stays_damaged(world: World) -> None:
    """KB Q202178: a damaged Import folder is not repaired by a start."""
    store = Store(world, "C:\\EXCHSRVR\\CCMCDATA")
    store.ensure(INI)
    store.path(Folder.IMPORT).rmdir()
    store.path(Folder.IMPORT).write_bytes(b"damaged")
    assert store.ensure(INI) == []
    assert store.path(Folder.IMPORT).is_file()
    assert store.names(Folder.IMPORT) == []


def test_names_count_up_in_hex_wrap_and_skip_names_in_use(real_world: World) -> None:
    """msg + 4 hex digits + .ccm, a 16-bit counter (§4.4)."""
    store = Store(real_world, "C:\\EXCHSRVR\\CCMCDATA")
    store._counter = 0xFFFE
    assert store.next_name([]) == "msgFFFF.ccm"
    assert store.next_name(["MSG0000.CCM", "msg0001.ccm"]) == "msg0002.ccm"


def test_name_sequence_is_seeded_and_reproducible(tmp_path) -> None:
    a = Store(World(seed=5, root=tmp_path / "a"), "C:\\X")
    b = Store(World(seed=5, root=tmp_path / "b"), "C:\\X")
    c = Store(World(seed=6, root=tmp_path / "c"), "C:\\X")
    names = [a.next_name([]) for _ in range(3)]
    assert names == [b.next_name([]) for _ in range(3)]
    assert names != [c.next_name([]) for _ in range(3)]
    assert all(len(n) == len("msg0000.ccm") and n.startswith("msg") for n in names)


def test_path_facts(real_world: World) -> None:
    """KB Q164695 (space) and Q181186 (names longer than 8.3)."""
    assert Store(real_world, "C:\\Exchange Server\\CCMCDATA").has_space
    assert Store(real_world, "C:\\EXCHSRVR\\CCMCDATA").long_names == []
    assert Store(real_world, "C:\\EXCHANGESRV\\CCMCDATA").long_names == ["EXCHANGESRV"]
    assert Store(real_world, "C:\\EXCHSRVR\\CCMCDATA").win(Folder.EXPORT, "a.ccm") == (
        "C:\\EXCHSRVR\\CCMCDATA\\Export\\a.ccm"
    )


def test_short_path_uses_8_3_names() -> None:
    from sim.connector.store import short_path

    assert short_path("C:\\EXCHSRVR\\CCMCDATA") == "C:\\EXCHSRVR\\CCMCDATA"
    assert short_path("C:\\Exchange Server\\CCMCDATA") == "C:\\EXCHAN~1\\CCMCDATA"
    assert short_path("D:\\Long Name.text\\x") == "D:\\LONGNA~1.TEX\\x"
