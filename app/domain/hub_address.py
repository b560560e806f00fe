"""The county hub's address: ``https://``, or ``http://`` only on a test bench.

Over ``http://`` the patient records and the clinic's access token would cross the network in
plain text, so a plain ``http://`` hub is refused unless an administrator has ticked this PC's
test-bench option (``allow_insecure_http`` in its settings). ``http://127.0.0.1`` is no
exception: a tester's bench is set up the same way a clinic's PC is. One rule, read by the
同步 page, the services, the headless ``sync`` command and the hub client itself.
"""

from __future__ import annotations

from app.domain.errors import FieldError, ValidationError

FIELD = "hub_url"
NOT_HTTPS = "hub_url_not_https"  # no scheme, or one that is neither https:// nor http://
HTTP_NOT_ALLOWED = "hub_url_http_not_allowed"  # http:// without the test-bench option

OPTION_LABEL = "仅限测试环境：允许不加密的 http:// 连接"
MESSAGES = {
    NOT_HTTPS: "县医院同步地址应以 https:// 开头，例如 https://hub.example.cn",
    HTTP_NOT_ALLOWED: (
        "县医院同步地址是 http:// 开头的不加密连接：患者资料和访问令牌会以明文在网络上传输，"
        f"因此不予连接。请改用 https:// 地址（仅在测试环境中，管理员可在“同步”页勾选"
        f"“{OPTION_LABEL}”）"
    ),
}


def scheme(url: str) -> str:
    """The address's scheme in lower case (``HTTP://`` is http too), or "" if it has none."""
    head, sep, _ = url.strip().partition("://")
    return head.lower() if sep else ""


def address_problem(url: str, allow_http: bool) -> str | None:
    """The code of what is wrong with a (non-empty) hub address, or None if it may be used."""
    s = scheme(url)
    if s == "https":
        return None
    if s == "http":
        return None if allow_http else HTTP_NOT_ALLOWED
    return NOT_HTTPS


def is_insecure(url: str) -> bool:
    """An ``http://`` address: allowed only with the test-bench option, and warned about."""
    return scheme(url) == "http"


def check_hub_address(url: str, allow_http: bool) -> None:
    """Raise ValidationError naming the hub address field; an empty address is "not set"."""
    if not url.strip():
        return
    code = address_problem(url, allow_http)
    if code is not None:
        raise ValidationError([FieldError(FIELD, code, MESSAGES[code])])
