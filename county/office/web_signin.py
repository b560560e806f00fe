"""Office sign-in pages: the login form (throttled, counted before the hash is checked), the
password change a temporary password forces, and signing out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session, sessionmaker

from county.db import utcnow
from county.office import accounts, audit, security, throttle
from county.office.accounts import Staff
from county.office.web import (
    DONE,
    CheckedForm,
    Form,
    FormRefused,
    Me,
    base_path,
    client_key,
    note,
    safe_next,
)


def add_signin_routes(office: FastAPI, render: Callable[..., Response]) -> None:
    sessions: sessionmaker[Session] = office.state.sessions

    def cookie_args(request: Request) -> dict[str, Any]:
        return {
            "path": base_path(request) or "/",
            "httponly": True,
            "samesite": "strict",
            "secure": request.url.scheme == "https",
        }

    def home_of(request: Request, staff: Staff) -> str:
        page = "/referrals" if staff.may("referral", "view") else "/figures"
        return base_path(request) + page

    @office.get("/", include_in_schema=False)
    def home(request: Request, me: Me) -> Response:
        return RedirectResponse(home_of(request, me.staff), 303)

    # --- sign-in -------------------------------------------------------------------------------

    @office.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "") -> Response:
        with sessions() as s, s.begin():
            found = security.session_of(s, request.cookies.get(security.SESSION_COOKIE))
        if found is not None:
            return RedirectResponse(safe_next(request, next) or home_of(request, found[1]), 303)
        return login_form(request, next, "", "")

    def login_form(
        request: Request, next_: str, name: str, error: str, status_code: int = 200
    ) -> Response:
        token = security.new_login_csrf()
        resp = render(
            request, "login.html", status_code, login_csrf=token, next=next_, name=name, error=error
        )
        resp.set_cookie(security.LOGIN_CSRF_COOKIE, token, max_age=3600, **cookie_args(request))
        return resp

    @office.post("/login")
    def login(request: Request, form: Form) -> Response:
        next_ = str(form.get("next") or "")
        if not security.same_token(
            request.cookies.get(security.LOGIN_CSRF_COOKIE), str(form.get("login_csrf") or "")
        ):
            raise FormRefused()
        name = str(form.get("name") or "").strip()[: accounts.NAME_LIMIT]
        password = str(form.get("password") or "")[:200]
        addr = client_key(request)
        if not name:
            return login_form(request, next_, name, "请填写用户名。", 400)
        # Counted before the hash is checked: a burst reserves at most the limit of checks.
        try:
            with sessions() as s, s.begin():
                attempt = throttle.reserve(s, addr, name, utcnow(), office.state.limits)
        except throttle.Refused as e:
            note(request, None, "login_failed", name=name, detail="登录次数受限")
            return login_form(request, next_, name, e.message, 429)
        with sessions() as s:
            user = accounts.by_name(s, name)
            stored = user.password_hash if user is not None else None
            user_id, active = (user.id, user.active) if user is not None else (0, False)
        slots: throttle.HashSlots = office.state.hash_slots
        if not slots.acquire():
            return login_form(request, next_, name, "服务器繁忙，请稍后再试。", 503)
        try:
            # argon2 takes a while: verify outside any transaction (SQLite's is a write lock).
            # An unknown name costs the same check, so timing does not tell names apart.
            ok = accounts.verify(stored or dummy_hash(), password) and stored is not None
        finally:
            slots.release()
        if not ok or not active:
            note(
                request,
                None,
                "login_failed",
                name=name,
                detail="账号已停用" if ok and not active else "用户名或密码错误",
            )
            error = "此账号已停用，请联系管理员。" if ok and not active else "用户名或密码错误。"
            return login_form(request, next_, name, error, 401)
        with sessions() as s, s.begin():
            throttle.succeeded(s, attempt, addr, name)
            security.close_session(s, request.cookies.get(security.SESSION_COOKIE))
            token = security.open_session(s, user_id)
            u = accounts.by_name(s, name)
            assert u is not None
            u.last_login_at = utcnow()
            staff = accounts.staff_of(u)
            audit.record(s, staff, "login", addr)
        target = (
            base_path(request) + "/password"
            if staff.must_change
            else safe_next(request, next_) or home_of(request, staff)
        )
        resp = RedirectResponse(target, 303)
        resp.set_cookie(
            security.SESSION_COOKIE,
            token,
            max_age=security.SESSION_HOURS * 3600,
            **cookie_args(request),
        )
        resp.delete_cookie(security.LOGIN_CSRF_COOKIE, path=base_path(request) or "/")
        return resp

    _dummy: list[str] = []

    def dummy_hash() -> str:
        if not _dummy:
            _dummy.append(accounts.hash_password(security.new_login_csrf()))
        return _dummy[0]

    @office.post("/logout")
    def logout(request: Request, me: Me, _form: CheckedForm) -> Response:
        with sessions() as s, s.begin():
            security.close_session(s, request.cookies.get(security.SESSION_COOKIE))
            audit.record(s, me.staff, "logout", client_key(request))
        resp = RedirectResponse(base_path(request) + "/login", 303)
        resp.delete_cookie(security.SESSION_COOKIE, path=base_path(request) or "/")
        return resp

    @office.get("/password", response_class=HTMLResponse)
    def password_page(request: Request, me: Me, done: str = "") -> Response:
        return render(request, "password.html", me=me, errors=[], done=DONE.get(done, ""))

    @office.post("/password")
    def change_password(request: Request, me: Me, form: CheckedForm) -> Response:
        current = str(form.get("current") or "")[:200]
        new = str(form.get("new") or "")[:200]
        errors = []
        if new != str(form.get("repeat") or "")[:200]:
            errors.append("两次输入的新密码不一致")
        elif len(new) < accounts.MIN_PASSWORD_LENGTH:
            errors.append(f"新密码至少 {accounts.MIN_PASSWORD_LENGTH} 位")
        elif new == current:
            errors.append("新密码不能与当前密码相同")
        if not errors:
            with sessions() as s:
                u = accounts.by_name(s, me.staff.name)
                stored = u.password_hash if u is not None else ""
            slots: throttle.HashSlots = office.state.hash_slots
            if not slots.acquire():
                errors.append("服务器繁忙，请稍后再试")
            else:
                try:
                    if not accounts.verify(stored, current):
                        errors.append("当前密码不对")
                finally:
                    slots.release()
        if errors:
            return render(request, "password.html", 400, me=me, errors=errors, done="")
        digest = accounts.hash_password(new)
        with sessions() as s, s.begin():
            u = accounts.by_name(s, me.staff.name)
            assert u is not None
            u.password_hash, u.must_change = digest, False
            audit.record(s, me.staff, "password", client_key(request))
        return RedirectResponse(home_of(request, me.staff), 303)
