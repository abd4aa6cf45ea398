"""Keys newsbot generates for itself and keeps in the database (the button-signing key)."""

from __future__ import annotations

import secrets

from bot.store.base import StoreBase, now

KEY_BYTES = 32


class SecretsRepo(StoreBase):
    async def secret(self, name: str) -> bytes:
        """The key called `name`, made (random, 32 bytes) the first time it is asked for.

        INSERT … ON CONFLICT DO NOTHING then SELECT: two processes asking at once both end
        with the one key that won, so a button signed by either verifies in both.
        """
        row = await self._fetchone("SELECT value FROM secrets WHERE name=?", (name,))
        if row is None:
            await self.write_statement(
                "INSERT INTO secrets(name, value, created_at) VALUES (?,?,?) "
                "ON CONFLICT(name) DO NOTHING",
                (name, secrets.token_bytes(KEY_BYTES), now()),
            )
            row = await self._fetchone("SELECT value FROM secrets WHERE name=?", (name,))
        assert row is not None
        return bytes(row["value"])
