"""The connector store ``Ccmcdata``: its folders, ``.ini`` files and message file names.

Source: ccmail-reference.md §4.4 (``Export``, ``Import``, ``Submit``, ``Bad``,
``Export.bak``, ``Import.bak``, ``Export.ini``, ``Import.ini``; the service
recreates missing subfolders and ``.ini`` files at start, KB Q201271, Q295812;
``msg`` + 4 hex digits + ``.ccm``), §4.7 ("Connector Store Path", KB Q164695),
§5 (KB Q181186: a directory name longer than 8 characters hides ``Export.ini``
from the DOS programs before 5.5 SP1).

Modelled, not documented:

* the ``.ini`` keys (§7 item 4): ``[Export]``/``[Import]`` with ``PostOffice``,
  ``Path``, ``Switches``, ``MaxMessages`` / ``MaxAddressBuffer``; the password
  is not written there but passed on the command line;
* the file-name counter (Q166045 calls the ID sequential, Q192516 random): a
  16-bit counter starting at a seeded value, wrapping, skipping names in use;
* a store folder that exists as a file (a "damaged" folder) is left as it is:
  recreating it fails, and every later move into it fails without an event.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sim.fsutil import atomic_write_text, listdir_sorted, substream
from sim.winpath import has_space, is_83_name

if TYPE_CHECKING:
    from sim.world import World

__all__ = ["Folder", "Store", "render_ini", "short_path"]

EXPORT_INI = "Export.ini"
IMPORT_INI = "Import.ini"


class Folder(StrEnum):
    """The subfolders of ``Ccmcdata`` (§4.4)."""

    EXPORT = "Export"
    IMPORT = "Import"
    SUBMIT = "Submit"
    BAD = "Bad"
    EXPORT_BAK = "Export.bak"
    IMPORT_BAK = "Import.bak"


class Store:
    """``Ccmcdata`` at a Windows path of the Exchange server (registry "Connector Store Path")."""

    def __init__(self, world: World, windows_path: str) -> None:
        self.world = world
        self.windows_path = windows_path.rstrip("\\")
        self.root = world.path(self.windows_path)
        self._counter = substream(world.seed, "ccmc-msg-names").randrange(0x10000)

    def win(self, folder: Folder | str, name: str = "") -> str:
        """The Windows path of a folder (or a file in it), as the connector writes it."""
        text = f"{self.windows_path}\\{folder}"
        return f"{text}\\{name}" if name else text

    def path(self, folder: Folder | str, name: str = "") -> Path:
        return self.root / folder / name if name else self.root / folder

    # -- start-up ----------------------------------------------------------------------

    def ensure(self, ini: Mapping[str, Mapping[str, Mapping[str, str]]]) -> list[str]:
        """Recreate missing folders (§4.4), write the ``.ini`` files; return what was missing."""
        created: list[str] = []
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            present = {p.name.casefold(): p for p in listdir_sorted(self.root)}
        except OSError:
            return created
        for folder in Folder:
            if folder.casefold() not in present:
                self.path(folder).mkdir()
                created.append(str(folder))
        for name, sections in ini.items():
            if name.casefold() not in present:
                created.append(name)
            atomic_write_text(self.root / name, render_ini(sections))
        return created

    # -- facts about the path ----------------------------------------------------------

    @property
    def has_space(self) -> bool:
        """A space breaks the DOS command line (KB Q164695)."""
        return has_space(self.windows_path)

    @property
    def long_names(self) -> list[str]:
        """Directory names of the store path that are not 8.3 (KB Q181186)."""
        parts = self.windows_path.split("\\")[1:]
        return [p for p in parts if p and not is_83_name(p)]

    # -- message file names ------------------------------------------------------------

    def next_name(self, in_use: Collection[str]) -> str:
        """The next free ``msgXXXX.ccm`` name (16-bit counter, wrapping, skipping used names)."""
        taken = {n.casefold() for n in in_use}
        for _ in range(0x10000):
            self._counter = (self._counter + 1) & 0xFFFF
            name = f"msg{self._counter:04X}.ccm"
            if name.casefold() not in taken:
                return name
        raise OSError("no free msgXXXX.ccm name in the connector store")

    def names(self, folder: Folder) -> list[str]:
        """File names in a folder, sorted; empty if the folder cannot be listed."""
        try:
            return [p.name for p in listdir_sorted(self.path(folder))]
        except OSError:
            return []


def short_path(path: str) -> str:
    """A Windows path with 8.3 short names (``EXCHAN~1``), as 5.5 SP1 passes it (Q181186).

    Modelled: every long name becomes its first six characters (spaces removed,
    upper case) plus ``~1``.
    """
    parts = path.split("\\")
    short = [p if not p or p.endswith(":") or is_83_name(p) else _short(p) for p in parts]
    return "\\".join(short)


def _short(name: str) -> str:
    stem, dot, ext = name.replace(" ", "").upper().rpartition(".")
    if not dot:
        stem, ext = ext, ""
    return f"{stem[:6]}~1" + (f".{ext[:3]}" if ext else "")


def render_ini(sections: Mapping[str, Mapping[str, str]]) -> str:
    """Windows ``.ini`` text with CR/LF line ends."""
    lines: list[str] = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key}={value}" for key, value in values.items()]
        lines.append("")
    return "\r\n".join(lines)
