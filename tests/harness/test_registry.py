"""The @fault/@fix/@rule registries and the §8 cause table."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel, ConfigDict

from harness.causes import CAUSES, HEALTHY, SCENARIO_CAUSES, get_cause
from harness.errors import NotRegisteredError, RegistryError
from harness.registry import FaultSpec, FixSpec, Registry, RuleSpec, fault, fix, rule

#: reference §8 row number -> cause id (the ids the assignment fixes)
ROW_IDS = {
    1: "po-settings-invalid",
    2: "po-access-denied",
    3: "po-damaged",
    4: "install-path-space",
    5: "dirsync-not-completed",
    6: "po-shut-down",
    7: "ie-version-mismatch",
    8: "ie-resource-missing",
    9: "ie-not-on-path",
    10: "und-files-left",
    11: "import-folder-damaged",
    12: "corrupt-message",
    13: "date-format-mismatch",
    14: "header-too-large",
    15: "address-space-missing",
    16: "dirsync-comment-missing",
    17: "export-container-deleted",
    18: "po-name-extended-chars",
    19: "ccmail85-16bit-tools",
    20: "nt-service-pack-missing",
    21: "disk-space-miscalculated",
}


@pytest.fixture
def faults() -> Registry[FaultSpec]:
    return Registry("fault", listing="ccsim list faults")


@pytest.fixture
def fixes() -> Registry[FixSpec]:
    return Registry("fix", listing="ccsim list fixes")


@pytest.fixture
def rules() -> Registry[RuleSpec]:
    return Registry("rule", listing="ccsim list rules")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    password: str = "X"


class LaxParams(BaseModel):
    password: str = "X"


def noop(world: object) -> None:
    """A stand-in world change."""


def test_fault_is_recorded_and_the_function_returned_unchanged(faults) -> None:
    decorated = fault(
        "wrong-po-password", summary="s", article="Q166045", params=Params, registry=faults
    )(noop)
    assert decorated is noop
    spec = faults.lookup("wrong-po-password")
    assert (spec.function, spec.article, spec.params) == (noop, "Q166045", Params)
    assert faults.names() == ["wrong-po-password"]


def test_duplicate_fault_fix_and_rule_are_refused_at_definition(faults, fixes, rules) -> None:
    fault("po-down", summary="s", article="Q282172", registry=faults)(noop)
    with pytest.raises(RegistryError, match="duplicate fault 'po-down'"):
        fault("po-down", summary="other", article="Q282172", registry=faults)(noop)
    fix("rename-ccpodown", cures="po-shut-down", summary="s", article="Q282172", registry=fixes)(
        noop
    )
    with pytest.raises(TypeError, match="duplicate fix"):
        fix(
            "rename-ccpodown", cures="po-shut-down", summary="s", article="Q282172", registry=fixes
        )(noop)
    rule("po-shut-down", article="Q282172", explains=71, registry=rules)(noop)
    with pytest.raises(RegistryError, match="duplicate rule 'po-shut-down'"):
        rule("po-shut-down", article="Q282172", registry=rules)(noop)


@pytest.mark.parametrize("name", ["Wrong_PO", "wrong po", "-x", "x-", "", "WRONG"])
def test_names_must_be_kebab_case(faults, name: str) -> None:
    with pytest.raises(RegistryError, match="not kebab-case"):
        fault(name, summary="s", article="Q1", registry=faults)


def _noop(*args: object) -> None:
    """A function to register (the cause is checked as it is registered)."""


def test_fix_and_rule_must_name_section_8_causes(fixes, rules) -> None:
    with pytest.raises(
        RegistryError, match=r"unknown cause 'po-damged' \(did you mean 'po-damaged'\?\)"
    ):
        fix("x", cures=["po-damged"], summary="s", article="Q1", registry=fixes)(_noop)
    with pytest.raises(RegistryError, match="unknown cause 'healthy'"):
        rule("healthy", article="Q1", registry=rules)(_noop)
    with pytest.raises(RegistryError, match="cures no cause"):
        fix("x", cures=[], summary="s", article="Q1", registry=fixes)


def test_params_must_be_a_strict_pydantic_model(faults) -> None:
    with pytest.raises(RegistryError, match="extra='forbid'"):
        fault("x", summary="s", article="Q1", params=LaxParams, registry=faults)
    with pytest.raises(RegistryError, match="pydantic model class"):
        fault("x", summary="s", article="Q1", params=dict, registry=faults)  # type: ignore[arg-type]


def test_lookup_suggests_the_closest_name(faults) -> None:
    fault("service-account-no-access", summary="s", article="Q166045", registry=faults)(noop)
    with pytest.raises(NotRegisteredError) as info:
        faults.lookup("service-acount-no-access")
    assert (
        str(info.value)
        == "unknown fault 'service-acount-no-access' (did you mean 'service-account-no-access'?)"
    )
    assert isinstance(info.value, LookupError)
    assert faults.hint("zzz") == "see `ccsim list faults`"


def test_scoped_restores_the_registry(faults) -> None:
    fault("kept", summary="s", article="Q1", registry=faults)(noop)
    with faults.scoped():
        fault("temporary", summary="s", article="Q1", registry=faults)(noop)
        assert "temporary" in faults
    assert faults.names() == ["kept"]
    assert len(faults) == 1


def test_rule_records_explained_events_in_both_spellings(rules) -> None:
    rule(
        "po-access-denied", article="Q166045", explains=(68, 59), explains_event=70, registry=rules
    )(noop)
    assert rules.lookup("po-access-denied").explains == (70, 68, 59)
    assert rules.lookup("po-access-denied").name == "po-access-denied"


def test_fix_accepts_one_cause_or_several(fixes) -> None:
    fix("grant-access", cures="po-access-denied", summary="s", article="Q166045", registry=fixes)(
        noop
    )
    fix(
        "install-sp4",
        cures=("po-access-denied", "nt-service-pack-missing"),
        summary="s",
        article="Q195649",
        registry=fixes,
    )(noop)
    assert fixes.lookup("grant-access").cures == ("po-access-denied",)
    assert fixes.lookup("install-sp4").cures == ("po-access-denied", "nt-service-pack-missing")


# -- the cause table -------------------------------------------------------------------------------


def test_cause_table_has_the_twenty_rows_in_order_then_the_catalogue_s_own() -> None:
    assert {c.number: c.id for c in CAUSES.values()} == ROW_IDS
    assert list(CAUSES) == [ROW_IDS[n] for n in range(1, 22)]
    assert [c.row for c in CAUSES.values()][19:] == [
        "§8 row 20",
        "catalogue cause 21, not a §8 row",
    ]
    assert list(SCENARIO_CAUSES) == ["healthy", *CAUSES]
    assert HEALTHY.number == 0


@pytest.mark.parametrize("cause_id", list(CAUSES))
def test_every_cause_quotes_its_row(cause_id: str) -> None:
    cause = CAUSES[cause_id]
    for text in (cause.title, cause.symptoms, cause.confirm, cause.fix, cause.verify):
        assert text.strip() == text
        assert text
        assert "|" not in text
    assert cause.articles
    assert all(re.fullmatch(r"Q\d{6}|EX50-RN [\d.]+", a) for a in cause.articles)


@pytest.mark.parametrize(
    ("cause_id", "column", "quote"),
    [
        (
            "po-settings-invalid",
            "fix",
            "Correct the fields (password ≤10 chars, UNC path), restart MSExchangeCCMC",
        ),
        (
            "po-shut-down",
            "symptoms",
            'Export "Post office is temporarily shut down." / code 4 → event 71',
        ),
        ("ie-resource-missing", "fix", "Copy `Ccdata\\Ccadmin\\Ie.ri` next to the programs"),
        ("export-container-deleted", "symptoms", '14015 "…ds_name_error, error 4693728"'),
        ("nt-service-pack-missing", "verify", "No AV; manual Export works"),
    ],
)
def test_cause_text_is_the_reference_wording(cause_id: str, column: str, quote: str) -> None:
    """Spot checks against ccmail-reference.md §8, character for character."""
    assert quote in getattr(CAUSES[cause_id], column)


def test_cause_articles_follow_the_cause_column() -> None:
    assert CAUSES["dirsync-not-completed"].articles == ("Q166045", "EX50-RN 2.6.1")
    assert CAUSES["und-files-left"].articles == ("Q212788", "Q223772")
    assert (
        CAUSES["und-files-left"].title
        == "`.und` files left in Import/Export / Import code 1 leaving `.ccm`"
    )


def test_get_cause_suggests_a_close_id() -> None:
    assert get_cause("healthy") is HEALTHY
    with pytest.raises(NotRegisteredError, match=r"did you mean 'header-too-large'\?"):
        get_cause("header-to-large")
