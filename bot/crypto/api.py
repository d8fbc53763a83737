"""The few client-server requests the crypto modules make that nio 0.26 does not offer.

One small aiohttp wrapper with the bot's access token, usable both from the running bot (token taken from
the nio client) and from the ``lotsenbot crypto`` commands (token from the session file or the config).
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

import aiohttp

log = logging.getLogger(__name__)


class MatrixHTTPError(RuntimeError):
    """A non-2xx answer; ``status``, ``errcode`` and the JSON ``body`` say what the homeserver meant."""

    def __init__(self, method: str, path: str, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.body = body
        self.errcode = str(body.get("errcode", ""))
        super().__init__(f"{method} {path}: HTTP {status} {self.errcode} {body.get('error', '')}".rstrip())


class ClientAPI:
    """Authenticated JSON requests against ``/_matrix/client/v3``; use as an async context manager."""

    def __init__(self, homeserver: str, access_token: str, user_id: str, *, timeout: float = 30) -> None:
        self.homeserver = homeserver.rstrip("/")
        self.user_id = user_id
        self._headers = {"Authorization": f"Bearer {access_token}", "Content-Type": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> ClientAPI:
        self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        url = f"{self.homeserver}/_matrix/client/v3{path}"
        data = None if body is None else json.dumps(body)
        async with self._session.request(method, url, data=data, headers=self._headers) as resp:
            try:
                payload = await resp.json(content_type=None)
            except (json.JSONDecodeError, aiohttp.ContentTypeError):
                payload = {}
            if not isinstance(payload, dict):
                payload = {"value": payload}
            if resp.status >= 300:
                raise MatrixHTTPError(method, path, resp.status, payload)
            return payload

    # ------------------------------------------------------------------------------ account data

    def _account_data_path(self, event_type: str) -> str:
        return f"/user/{quote(self.user_id, safe='')}/account_data/{quote(event_type, safe='')}"

    async def get_account_data(self, event_type: str) -> dict[str, Any] | None:
        """The content, or ``None`` when the account has none of this type (404 ``M_NOT_FOUND``)."""
        try:
            content = await self.request("GET", self._account_data_path(event_type))
        except MatrixHTTPError as exc:
            if exc.status == 404:
                return None
            raise
        return content or None  # an emptied entry ({}) counts as absent, as clients treat a deletion

    async def put_account_data(self, event_type: str, content: dict[str, Any]) -> None:
        await self.request("PUT", self._account_data_path(event_type), content)

    # -------------------------------------------------------------------------------------- keys

    async def query_keys(self, user_ids: list[str]) -> dict[str, Any]:
        return await self.request("POST", "/keys/query", {"device_keys": {u: [] for u in user_ids}})
