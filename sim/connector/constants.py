"""The connector service's fixed names and command-line switches (reference §4.1, §4.5).

Their own module so that the service and its workers (``flow``, ``dirsync``) share
them without importing each other at run time.
"""

from __future__ import annotations

__all__ = [
    "DIRSYNC_THREAD",
    "DISPLAY_NAME",
    "EXPORT_SWITCHES",
    "EXPORT_THREAD",
    "IMPORT_SWITCHES",
    "IMPORT_THREAD",
    "MAX_RESTARTS",
    "PROGRAM_TIMEOUT",
    "RESTART_DELAY",
    "SERVICE_NAME",
]

SERVICE_NAME = "MSExchangeCCMC"
DISPLAY_NAME = "Microsoft Exchange Connector for Lotus cc:Mail"
MAX_RESTARTS = 25
RESTART_DELAY = 1.0
#: how long Exchange 5.0 waits for a program that does not end (modelled, KB Q164695)
PROGRAM_TIMEOUT = 120.0
EXPORT_SWITCHES = "/ITEMSIZE /FORMAT/FAN /BATCH /FILES/MACBIN2"
IMPORT_SWITCHES = "/ITEMSIZE /PARTIAL /BATCH /FILES/MACBIN2"
EXPORT_THREAD = "dwCCExport"
IMPORT_THREAD = "dwCCImport"
DIRSYNC_THREAD = "dwCCDirSync"
