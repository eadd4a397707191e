"""The KB articles the catalogue cites: each one's resolution steps, and what the sim adds.

Source: ccmail-reference.md §5 (the articles, their symptoms, causes and fixes)
and §8 (the catalogue rows that cite them). This table is the one home of the
per-article text of ``docs/kb-conformance.md`` (``harness.kb_doc``): the
resolution steps in a few words, and the facts the sim models that the article
does not state ("Modelled, not documented"). Which articles are cited is not
kept here: it is read from the causes' ``articles`` and the scenario files, so
an article cited by a new cause appears on the page with its steps shown as not
written yet.

The test that follows an article's steps by hand is found by its file name,
``tests/kb/test_q<number>.py``; the page lists its test functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["ARTICLES", "Article"]


@dataclass(frozen=True, slots=True)
class Article:
    """One KB article: its short title, its resolution steps, and what the sim adds to it."""

    title: str
    #: the article's resolution steps, as written, in a few words
    steps: str
    #: facts the sim models that the article does not state
    modelled: tuple[str, ...] = ()


_ARTICLES = {
    "Q164695": Article(
        "CCMC stops responding (a space in the Exchange path)",
        "Set the registry value Connector Store Path to the 8.3 short name, or reinstall "
        "Exchange to a path without spaces; restart the service.",
        ("How the 16-bit programs fail on the long path: result code and console text.",),
    ),
    "Q164707": Article(
        "CCMC to a post office on NetWare",
        "Re-share the PO directory through the GSNW gateway, or create a NetWare user with "
        "the service account's name and password and grant it Read, File Scan, Modify, Create.",
        ("The NetWare rights model: one trustee assignment per user, volume and directory.",),
    ),
    "Q165404": Article(
        "NTVDM AV on servers with the cc:Mail connector (DpmiFreeXmem)",
        "Install the latest NT 4.0 service pack (first corrected in SP4); restart the service.",
        (
            "The NT service-pack level as a number on the Exchange server; the NT code "
            "the connector's NTVDM runs is the one installed when the service started.",
            "That the invalid handle comes from DPMI extended-memory handles the "
            "connector's NTVDM runs out of (Q187769), 12 of them for the service's "
            "lifetime, one lost per directory run before SP4.",
            "That the access violation comes at a program's start-up, before it opens "
            "the post office, and every later 16-bit run of the service ends the same way "
            "until a restart.",
            "What the connector logs for such a run: 65 (EXPORT) or 64 (IMPORT) with "
            "'The program ended with exception c0000005 (access violation) in NTVDM.', "
            "then 14005 for a directory run; it tries again at its next poll.",
            "Dr. Watson's event 4097 (source DrWatson, Information, its NT 4.0 text) and "
            "a shortened Drwtsn32.log entry in C:\\WINNT (App, Exception number, Task List, "
            "function, Stack Back Trace).",
        ),
    ),
    "Q166045": Article(
        "Event 70: Export returned result code 3",
        "Check the Post Office page (name, password, UNC path) and the service account's "
        "rights; let the first dirsync complete; run ANALYZE/CHKSTAT/RECLAIM on a damaged "
        "post office; restart the service.",
        (
            "Which of the causes the article lists gives which further events (68, 59, 61).",
            "That the site's P entry appears only when a dirsync completes.",
        ),
    ),
    "Q166499": Article(
        "Header Buffer Full",
        "Send to fewer recipients (split the list) so the header stays under 4 KB.",
        ("What counts against the 4 KB: the From/To/Cc lines as written.",),
    ),
    "Q167830": Article(
        "Events 14013 and 14018 (dirsync comment missing)",
        "Restore the comment `MSExchangeCCMC <server>` on the Exchange site's PO entry in "
        "cc:Mail ADMIN, or delete the entry and let dirsync recreate it.",
        (
            "cc:Mail ADMIN as one action per command line (LIST, COMMENT, DELETE) instead of "
            "its menus; DELETE refuses an entry whose mailbox still holds messages.",
        ),
    ),
    "Q168465": Article(
        "Event 68 on dirsync (CCMDIR.EXP code 1)",
        "DB6: Import 5.15 / Export 5.14 and that choice on the Post Office page; DB8: "
        "6.0 or later tools and Import 6.0/Export 6.0; restart.",
        ("The program's version check against CCVER: which pairs refuse with 1.",),
    ),
    "Q168556": Article(
        "Dr. Watson at start (events 4097, 82, 87)",
        "Move all the files out of Ccmcdata\\Export to a directory outside Exchsrvr and start "
        "the service; stop it, move some files back and start it, moving them out again after "
        "a Dr. Watson, until the file causing it is isolated.",
        (
            "Moving back half of the files each time (the article says some).",
            "What is bad in the file: a message size (the number under Message:) smaller than "
            "the message, which EXPORT copies as stored, writes alone and takes out of the queue.",
            "That the process ends after 82 and 87 (no 86/85) and the service stays stopped "
            "until started again; every start reads the same leftover file first.",
            "DrWatson 4097's type (Information) and insertion strings; its date and time layout.",
            "That no build of 5.0 or 5.5 handles the file (the article names no fix).",
        ),
    ),
    "Q168670": Article(
        "Event 59 (no write rights on a NetWare post office)",
        "Grant the service account's NetWare user the trustee rights (supervisor equivalent "
        "on the database without the GSNW gateway); test by moving the PO to NT.",
    ),
    "Q170535": Article(
        "MTA event 290: unrecognised O/R name",
        "Add the address space CCMAIL * (cost 1) on the Address Space page; recalculate routing.",
        (
            "Which of 142 and 290 is logged: 142 for an empty Address Space tab (Q186235), "
            "290 when entries exist and none covers the recipient.",
        ),
    ),
    "Q174740": Article(
        "Import/Export versions for the connector",
        "Use the Import/Export programs that match the post office database and pick the "
        "matching entry in the version list.",
        (
            "The sim has no Migration Wizard and none of its error dialog; its KB test follows "
            "the Wizard's search (Exchsrvr\\Bin before the PATH) and its user export.",
        ),
    ),
    "Q176375": Article(
        "Events 82/83, then 85",
        "Move the files out of Ccmcdata\\Export; restart the service; apply the 5.0 service pack.",
        (
            "Which section names are illegal (any `<name> item:` but Text and File) and the "
            "damage that puts one in a stored message.",
            "That the latest 5.0 service pack is SP2, that 5.5 has the fix, and that the fixed "
            "connector keeps the line as text and delivers the message.",
            "82/83 are logged 26 times: once, then after each of the 25 restarts before 85.",
        ),
    ),
    "Q178758": Article(
        "Event 98 Insufficient Disk Space with more than 4 GB free (Exchange 5.0)",
        "Install the latest Exchange 5.0 service pack; deleting the contents of "
        "Ccmcdata\\Export sometimes lets the service restart.",
        (
            "The 32-bit count of free bytes behind the false alarm, and the 10 MB the "
            "connector wants.",
            "When it checks: at start and before it converts each file EXPORT wrote.",
            "That deleting Export's contents deletes the messages those files held.",
        ),
    ),
    "Q179072": Article(
        "NFT error on CLANDATA",
        "Stop the connector; repair the post office (CHKSTAT, RECLAIM) or restore it from "
        "backup; apply 5.0 SP / 5.5 SP1.",
        ("ANALYZE's console text and result codes.",),
    ),
    "Q180641": Article(
        "Unknown Date Format NDR",
        "Set the registry value Locale Date Format (1 US, 2 European, 3 Japanese), or make "
        "the NT locale match the post office language; restart.",
        ("The post office languages offered and the date order each implies.",),
    ),
    "Q181186": Article(
        "CCMC with Exchange in a long directory name",
        "Install Exchange into a directory with 8.3 names; 5.5 SP1 passes short names.",
    ),
    "Q186740": Article(
        "Migration fails with event 1004 (pre-expired passwords)",
        "Disable the post office's Pre-expired Passwords option in the cc:Mail "
        "Administration program, then migrate the mailboxes.",
        (
            "The post office's mailbox passwords and the option, kept in CCPOMBOX.000.",
            "That EXPORT refuses a pre-expired password with result code 3.",
            "That a password reset while the option was on stays expired after it is "
            "turned off (the Wizard resets it again).",
        ),
    ),
    "Q186235": Article(
        "MTA event 142: unable to route (no address space)",
        "Add the address space CCMAIL * with cost 1 on the connector's Address Space page; "
        "recalculate routing.",
        (
            "Address Space changes route at once, as if Recalculate Routing (steps 3-4) were "
            "done with them.",
        ),
    ),
    "Q187769": Article(
        "Application error in NTVDM running cc:Mail utilities (dirsync)",
        "Install the latest NT 4.0 service pack (first corrected in SP4); restart the service.",
        (
            "Which resource runs out (DPMI extended-memory handles), how many there are "
            "(12) and how fast they go (one per directory EXPORT or IMPORT, three per "
            "dirsync cycle: 46 minutes of the 'Always' schedule after a service start).",
            "That only the directory runs leak; the mail runs every 15 seconds do not.",
            "That a service restart gives the connector a fresh NTVDM, so on SP3 it helps "
            "only until the handles run out again.",
            "That a program run by hand (ccmc ccdir, EXPORT at a prompt) has an NTVDM of "
            "its own and works throughout.",
        ),
    ),
    "Q190275": Article(
        "Event 65: R0002 Resource file not found IE.RI",
        "Copy IE.RI from the post office's CCADMIN directory beside IMPORT.EXE and "
        "EXPORT.EXE (System32); restart.",
        ("Event 64, the IMPORT twin of event 65.",),
    ),
    "Q195649": Article(
        "NetWare connection from a service fails after the LSA2 hotfix",
        "Install NT 4.0 Service Pack 4.",
        ("Event 61's text, modelled like event 70 for IMPORT.",),
    ),
    "Q197258": Article(
        "Event 14005: extended characters in the PO name",
        "Rename the post office without extended characters (and the Post Office page).",
        ("Event 14005's text.",),
    ),
    "Q201058": Article(
        "NDR: recipient name not recognised (no address space)",
        "Add the CCMAIL address space on the connector; recalculate routing.",
    ),
    "Q202178": Article(
        "Messages queued in Submit (damaged Import folder)",
        "Stop; move the Ccmcdata contents out; start (the folders are recreated); stop; "
        "put the Submit files back; start.",
        ("What makes the Import folder damaged: a file of that name in its place.",),
    ),
    "Q202240": Article(
        "Event 54: Export cannot finish a PCX attachment",
        "Check Bad (copies of one message), find it in the post office queue, forward it to "
        "another cc:Mail mailbox and delete it from the queue; restart.",
        (
            "Which Export versions stall: those the article names (5.15, 6.0, 8.0); 5.14 and "
            "8.2 or later finish.",
            "Where the file stops (half-way through the PCX item) and that EXPORT ends with 0.",
            "ADMIN's MESSAGES, FORWARD and REMOVE command lines stand for the menu-driven "
            "ADMIN program.",
        ),
    ),
    "Q212759": Article(
        "Event 54 every 15 seconds (corrupt message in the PO)",
        "`EXPORT /MSG# /@list.txt` to find the message number, then `EXPORT /DELETE/<n>`.",
        ("Which damage to a message record makes EXPORT fail on it.",),
    ),
    "Q212773": Article(
        "Event 14015: ds_name_error (deleted export container)",
        "Remove the deleted container from the Export Containers page.",
    ),
    "Q212788": Article(
        "The connector stops delivering, no events (.und files left)",
        "Stop the service, move the .und files out of Ccmcdata\\Import and \\Export, restart.",
    ),
    "Q223772": Article(
        "The same message imported again and again",
        "Apply 5.5 SP3 (ccmc 5.5.2571).",
        (
            "That Import keeps the .ccm after result code 1 (reference §7 item 9).",
            'The message Import ends with code 1 on ("for whatever reason"): a recipient name '
            "longer than 126 characters, its NDR written to the .und first.",
            "That before SP3 only the .und beside the kept .ccm is left to grow (others still "
            "become NDRs) and the next poll imports the file again, not stopping as for "
            "Q212788's leftover .und.",
            "That SP3 deletes the .ccm (not to Bad) and the sender gets one NDR for the message, "
            "however many reports the .und holds; 5.0 behaves as 5.5 before SP3.",
            "The service pack as SETUP EX55SP3; its level stands for the connector build.",
        ),
    ),
    "Q233164": Article(
        "Events 14005 and 59 on a DB8 dirsync",
        "As the service account run `ccmc ccdir`; on code 1 copy Ie.ri to the folder it "
        "names, on code 3 correct name, password or path; restart.",
        (
            "Why an IMPORT runs (the 59) when the directory EXPORT failed: the cycle still "
            "imports the Exchange side, deletes nothing and ends without 14031.",
            "The text of 14005 (the EXPORT's console line as its cause).",
        ),
    ),
    "Q234745": Article(
        "Corrupt message, CCMC at 90 % CPU",
        "Stop the service, delete the stuck file in Ccmcdata\\Export; apply 5.5 SP3.",
    ),
    "Q248195": Article(
        "cc:Mail 8.5 needs the 32-bit Import32/Export32",
        "Stop; rename Import32/Export32 to IMPORT.EXE/EXPORT.EXE; copy them with "
        "Cdmw800.dll, Cfw803.dll, Ciw803.dll to a PATH directory; copy Impexp.ri to "
        "Ccmcdata; start.",
        (
            "The program image line (MS-DOS or Win32) that decides the program's bitness.",
            "The text shown when a DLL or Impexp.ri is missing.",
        ),
    ),
    "Q251360": Article(
        "cc:Mail 8.5: the connector's registry values for the 32-bit tools",
        "Set the registry values Import and Export to Import32.exe/Export32.exe and "
        "cc:Mail Admin file path to their directory (with Impexp.ri and the DLLs); restart.",
        ("That Impexp.ri is looked for in the program's own directory too.",),
    ),
    "Q255627": Article(
        "No Import/Export 8.x entry in the version list",
        "Choose the Import 6.0/Export 6.0 entry for a DB8 post office, also with 8.x tools.",
    ),
    "Q266711": Article(
        "Header Buffer Full with Import/Export 8.2x",
        "Use Import/Export 8.2x and set the registry value Max Address Buffer Size "
        "(REG_DWORD 0x28000) on 5.5 SP4; restart.",
    ),
    "Q282172": Article(
        "Post office temporarily shut down (CCPODOWN)",
        "Finish the maintenance or rename CCPODOWN; rerun EXPORT.",
        ("The connector events 71/62 are an inference: the article shows the console error 4.",),
    ),
    "Q294947": Article(
        "Events 43, 86, 85 at start (programs not on the system PATH)",
        "Copy IMPORT.EXE, EXPORT.EXE and IE.RI into a directory on the system PATH; start.",
        ("The layout of `ccmc >output.txt` around the lines the article quotes.",),
    ),
    "Q295812": Article(
        "Messages queued in Submit (Exchange 5.5)",
        "Stop; move Ccmcdata out; start so it is recreated; stop; restore the Submit files; start.",
    ),
}

#: article number -> its entry, in number order
ARTICLES: Mapping[str, Article] = MappingProxyType(dict(sorted(_ARTICLES.items())))
