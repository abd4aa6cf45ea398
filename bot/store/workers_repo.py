"""The workers sharing a database: who they are, what they hold, when they were last alive."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass

from bot.store.base import StoreBase, now


@dataclass(frozen=True)
class Worker:
    id: str
    host: str
    pid: int
    started_at: float
    heartbeat_at: float
    roles: tuple[str, ...]


class WorkersRepo(StoreBase):
    async def heartbeat(self, started_at: float) -> None:
        """Say this worker is alive and what it holds (every few seconds while it runs)."""
        await self.write_statement(
            "INSERT INTO workers(id, host, pid, started_at, heartbeat_at, roles) "
            "VALUES (?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "heartbeat_at = excluded.heartbeat_at, roles = excluded.roles",
            (
                self.worker_id,
                socket.gethostname(),
                os.getpid(),
                started_at,
                now(),
                json.dumps(self.roles),
            ),
        )

    async def leave(self) -> None:
        """A clean stop: this worker is no longer one of the database's."""
        await self.write_statement("DELETE FROM workers WHERE id = ?", (self.worker_id,))

    async def workers(self, *, seen_within: float = 3600.0) -> list[Worker]:
        """Workers heard from within `seen_within` seconds, the most recent first."""
        rows = await self._fetchall(
            "SELECT id, host, pid, started_at, heartbeat_at, roles FROM workers "
            "WHERE heartbeat_at >= ? ORDER BY heartbeat_at DESC, id",
            (now() - seen_within,),
        )
        return [
            Worker(
                r["id"],
                r["host"],
                int(r["pid"]),
                float(r["started_at"]),
                float(r["heartbeat_at"]),
                tuple(json.loads(r["roles"])),
            )
            for r in rows
        ]
