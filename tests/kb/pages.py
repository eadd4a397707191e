"""Property pages and registry values changed by hand, as in the Exchange Administrator."""

from __future__ import annotations

import dataclasses

from sim.connector.service import ConnectorService
from sim.connector.settings import PostOfficeSettings, Settings


def change(service: ConnectorService, **pages: object) -> Settings:
    """Apply a property page change (``address_spaces=...``) and click OK."""
    settings = dataclasses.replace(service.settings, **pages)  # type: ignore[arg-type]
    service.configure(settings)
    return settings


def post_office_page(service: ConnectorService, **fields: object) -> PostOfficeSettings:
    """Change fields of the Post Office tab (``password=``, ``path=``, ``version=``...)."""
    page = dataclasses.replace(service.settings.post_office, **fields)  # type: ignore[arg-type]
    change(service, post_office=page)
    return page
