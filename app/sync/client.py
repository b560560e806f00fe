"""HTTP client of the hub: httpx, certificate verification always on, gzip, timeouts."""

from __future__ import annotations

import gzip
import json
import ssl
from typing import Any

import httpx

from app import __version__
from app.domain.hub_address import HTTP_NOT_ALLOWED, address_problem
from app.domain.hub_address import MESSAGES as ADDRESS_MESSAGES
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
    """This ClinicLink and the hub speak different protocol versions: one must be upgraded."""


class NotConfigured(SyncError):
    """No hub address yet."""


class BadAddress(SyncError):
    """The hub address is not an https:// (or http://) URL: nothing is sent."""


class InsecureHub(SyncError):
    """An ``http://`` hub without this PC's test-bench option: refused before anything is sent
    (the records and the token would cross the network in plain text)."""


def network_reason(exc: BaseException) -> str:
    """Why the hub could not be reached, in the clinic's words (never an exception's class
    name: the log has that)."""
    if isinstance(exc, httpx.TimeoutException):
        return "等待县医院回答超时"
    if isinstance(exc, httpx.ConnectError):
        return "连接被拒绝或找不到县医院服务器"
    if isinstance(exc, httpx.ProxyError):
        return "代理服务器出错"
    return "网络中断"


def is_certificate_problem(exc: BaseException) -> bool:
    """Did TLS fail (the hub's certificate did not verify, or the handshake failed) anywhere
    in ``exc``'s chain of causes? The one check every caller uses."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(cur):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def ca_bundle_message(path: str, exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"找不到 CA 证书文件：{path}"
    if isinstance(exc, ssl.SSLError):
        return f"CA 证书文件不是有效的证书：{path}"
    return f"无法读取 CA 证书文件 {path}：{getattr(exc, 'strerror', None) or exc}"


CERTIFICATE_MESSAGE = (
    "县医院服务器的证书验证失败。若县医院使用自己的证书，"
    "请在“同步”页的“CA 证书文件”中选择县医院提供的证书文件"
)


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
        *,
        allow_http: bool = False,
    ) -> None:
        """``allow_http``: the administrator's test-bench option (``Settings.allow_insecure_http``);
        without it an ``http://`` address raises ``InsecureHub`` and no connection is opened."""
        if not hub_url.strip():
            raise NotConfigured("尚未设置县医院同步地址，请管理员在“同步”页填写")
        problem = address_problem(hub_url, allow_http)
        if problem == HTTP_NOT_ALLOWED:
            raise InsecureHub(ADDRESS_MESSAGES[problem])
        if problem is not None:
            raise BadAddress(ADDRESS_MESSAGES[problem])
        verify: Any = True  # never False: a county's own CA is added, not verification removed
        if ca_bundle:
            try:
                verify = ssl.create_default_context(cafile=ca_bundle)
            except (OSError, ssl.SSLError) as e:
                raise CertificateError(ca_bundle_message(ca_bundle, e)) from e
        self._http = httpx.Client(
            base_url=hub_url.strip().rstrip("/") + API_PREFIX,
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
            if is_certificate_problem(e):
                raise CertificateError(CERTIFICATE_MESSAGE) from e
            raise NetworkError(f"无法连接县医院：{network_reason(e)}") from e
        if r.status_code in (401, 403):
            raise AuthError("县医院拒绝了本站的访问令牌，请管理员在“同步”页检查或更换令牌")
        if r.status_code == 426:
            raise UpgradeRequired(_message(r) or "请升级 ClinicLink")
        if r.status_code >= 500:
            raise NetworkError(f"县医院服务器暂时出错（{r.status_code}）")
        if r.status_code == 400 and _error_code(r) == "unsupported_protocol":
            # the hub is older than this ClinicLink
            raise UpgradeRequired(
                "县医院的同步服务版本较旧，不支持本机 ClinicLink 的协议，请县医院升级："
                + _message(r)
            )
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


def _error_code(r: httpx.Response) -> str:
    try:
        return str(r.json().get("error", ""))
    except (ValueError, AttributeError):
        return ""


def _message(r: httpx.Response) -> str:
    try:
        return str(r.json().get("message", ""))
    except ValueError:
        return ""
