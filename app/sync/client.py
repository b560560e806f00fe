"""HTTP client of the hub: httpx, certificate verification always on, gzip, timeouts."""

from __future__ import annotations

import gzip
import json
import ssl
from typing import Any

import httpx

from app import __version__
from app.sync.protocol import API_PREFIX, PROTOCOL_VERSION, Change, PullResponse, PushResult


class SyncError(Exception):
    """A known sync failure with a Chinese message for the user."""


class NetworkError(SyncError):
    """Hub unreachable or 5xx: retry later (offline is not an error)."""


class AuthError(SyncError):
    """401/403: stop and tell the admin."""


class CertificateError(SyncError):
    """The hub's certificate did not verify: a configuration problem for the admin."""


class UpgradeRequired(SyncError):
    pass


def _is_certificate_problem(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(
            seen
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class BatchRejected(SyncError):
    """The hub refused the whole request with a 4xx (bad batch)."""


class HubClient:
    def __init__(
        self,
        hub_url: str,
        token: str,
        ca_bundle: str = "",
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not hub_url:
            raise SyncError("尚未设置县医院同步地址，请管理员在“同步”页填写")
        verify: Any = True  # never False: a county's own CA is added, not verification removed
        if ca_bundle:
            try:
                verify = ssl.create_default_context(cafile=ca_bundle)
            except (OSError, ssl.SSLError) as e:
                raise CertificateError(f"无法读取 CA 证书文件：{ca_bundle}") from e
        self._http = httpx.Client(
            base_url=hub_url.rstrip("/") + API_PREFIX,
            verify=verify,
            timeout=httpx.Timeout(timeout, connect=10.0),
            headers={
                "Authorization": f"Bearer {token}",
                "Accept-Encoding": "gzip",
                "User-Agent": f"ClinicLink/{__version__}",  # the office shows it per clinic
            },
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, url: str, **kw: Any) -> httpx.Response:
        try:
            r = self._http.request(method, url, **kw)
        except httpx.TransportError as e:
            if _is_certificate_problem(e):
                raise CertificateError(
                    "县医院服务器的证书验证失败：请管理员在“同步”页检查地址和 CA 证书文件"
                ) from e
            raise NetworkError(f"无法连接县医院：{type(e).__name__}") from e
        if r.status_code in (401, 403):
            raise AuthError("县医院拒绝了本站的访问令牌，请管理员在“同步”页检查或更换令牌")
        if r.status_code == 426:
            raise UpgradeRequired(_message(r) or "请升级 ClinicLink")
        if r.status_code >= 500:
            raise NetworkError(f"县医院服务器暂时出错（{r.status_code}）")
        if r.status_code >= 400:
            raise BatchRejected(_message(r) or f"县医院拒绝了请求（{r.status_code}）")
        return r

    def health(self) -> dict[str, Any]:
        return dict(self._send("GET", "/health").json())

    def push(self, clinic_code: str, changes: list[Change]) -> list[PushResult]:
        body = json.dumps(
            {
                "protocol": PROTOCOL_VERSION,
                "clinic_code": clinic_code,
                "changes": [c.model_dump(mode="json") for c in changes],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        r = self._send(
            "POST",
            "/sync/push",
            content=gzip.compress(body, 5),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        return [PushResult.model_validate(x) for x in r.json()["results"]]

    def pull(self, after: int, limit: int) -> PullResponse:
        r = self._send(
            "GET",
            "/sync/pull",
            params={"after": after, "limit": limit, "protocol": PROTOCOL_VERSION},
        )
        return PullResponse.model_validate_json(r.content)

    def own(self, after: int, limit: int) -> PullResponse:
        """Every record the hub holds for this clinic, paged (read back after a restore)."""
        r = self._send(
            "GET",
            "/sync/own",
            params={"after": after, "limit": limit, "protocol": PROTOCOL_VERSION},
        )
        return PullResponse.model_validate_json(r.content)


def _message(r: httpx.Response) -> str:
    try:
        return str(r.json().get("message", ""))
    except ValueError:
        return ""
