"""The Microsoft Exchange Connector for Lotus cc:Mail (MSExchangeCCMC), reference §4."""
