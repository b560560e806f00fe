"""Office pages of the consortium's figures, the audit trail and the accounts: the consortium
view and its .xlsx (医共体管理员, 转诊办), the audit search and the accounts (医共体管理员)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.domain.consortium import COLUMNS
from county.db import utcnow
from county.office import accounts, audit, figures
from county.office.accounts import Perm
from county.office.accounts_tables import OfficeUser
from county.office.timefmt import local_today
from county.office.web import CheckedForm, Forbidden, Me, Signed, client_key, page_number, parse_day

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def add_admin_routes(
    office: FastAPI,
    render: Callable[..., Response],
    need: Callable[[Request, Signed, Perm], None],
    note: Callable[..., None],
) -> None:
    sessions: sessionmaker[Session] = office.state.sessions

    def year_of(raw: str) -> int:
        this = local_today(utcnow()).year
        return int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100 else this

    @office.get("/figures", response_class=HTMLResponse)
    def consortium_view(request: Request, me: Me, year: str = "", clinic: str = "") -> Response:
        need(request, me, Perm.FIGURES)
        y = year_of(year)
        with sessions() as s:
            c = figures.consortium(s, y, utcnow(), clinic[:20])
        note(request, me.staff, "figures", detail=f"{y}年" + (f" {clinic}" if clinic else ""))
        export = "figures.xlsx?" + urlencode(
            {k: v for k, v in (("year", y), ("clinic", clinic)) if v}
        )
        return render(
            request,
            "figures.html",
            me=me,
            nav="figures",
            c=c,
            columns=COLUMNS,
            cell=figures.cell_text,
            year=y,
            clinic=clinic,
            export=export,
            years=list(range(local_today(utcnow()).year, 2019, -1)),
        )

    @office.get("/figures.xlsx")
    def consortium_xlsx(request: Request, me: Me, year: str = "", clinic: str = "") -> Response:
        need(request, me, Perm.FIGURES)
        y = year_of(year)
        with sessions() as s:
            body = figures.xlsx(figures.consortium(s, y, utcnow(), clinic[:20]))
        note(request, me.staff, "export", detail=f"{y}年" + (f" {clinic}" if clinic else ""))
        return Response(
            body,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="consortium-{y}.xlsx"'},
        )

    @office.get("/audit", response_class=HTMLResponse)
    def audit_search(
        request: Request,
        me: Me,
        user: str = "",
        action: str = "",
        record: str = "",
        address: str = "",
        date_from: str = "",
        date_to: str = "",
        page: str = "1",
    ) -> Response:
        need(request, me, Perm.AUDIT)
        q = audit.AuditQuery(
            user=user.strip()[:50],
            action=action[:30],
            record=record.strip()[:64],
            address=address.strip()[:64],
            date_from=parse_day(date_from),
            date_to=parse_day(date_to),
            page=page_number(page),
        )
        with sessions() as s:
            result = audit.search(s, q)
            names = list(s.scalars(select(OfficeUser.name).order_by(OfficeUser.name)))
        note(request, me.staff, "audit")
        filters = {
            k: v
            for k, v in dict(
                user=user,
                action=action,
                record=record,
                address=address,
                date_from=date_from,
                date_to=date_to,
            ).items()
            if v
        }
        return render(
            request,
            "audit.html",
            me=me,
            nav="audit",
            result=result,
            filters=filters,
            names=names,
            query=urlencode(filters),
        )

    def accounts_page(
        request: Request,
        me: Signed,
        message: str = "",
        temp: str = "",
        errors: list[str] | None = None,
        status_code: int = 200,
    ) -> Response:
        with sessions() as s:
            users = list(s.scalars(select(OfficeUser).order_by(OfficeUser.role, OfficeUser.name)))
        return render(
            request,
            "accounts.html",
            status_code,
            me=me,
            nav="accounts",
            users=users,
            message=message,
            temp=temp,
            errors=errors or [],
        )

    @office.get("/accounts", response_class=HTMLResponse)
    def account_list(request: Request, me: Me) -> Response:
        need(request, me, Perm.ACCOUNTS)
        note(request, me.staff, "accounts")
        return accounts_page(request, me)

    def account_action(
        request: Request, me: Signed, user_id: str, act: Callable[[Session, str], Any], action: str
    ) -> tuple[str, Any]:
        need(request, me, Perm.ACCOUNTS)
        with sessions() as s, s.begin():
            u = s.get(OfficeUser, page_number(user_id)) if user_id.isdigit() else None
            if u is None:
                raise Forbidden("找不到此账号。", me)
            result = act(s, u.name)
            audit.record(
                s,
                me.staff,
                action,
                client_key(request),
                record_type="office_user",
                record_id=str(u.id),
                detail=u.name,
            )
            return u.name, result

    @office.post("/accounts/{user_id}/reset")
    def account_reset(request: Request, user_id: str, me: Me, _f: CheckedForm) -> Response:
        name, temp = account_action(
            request, me, user_id, lambda s, n: accounts.reset_password(s, n), "reset_password"
        )
        return accounts_page(request, me, f"已为 {name} 重设密码；首次登录须修改。", temp)

    @office.post("/accounts/{user_id}/disable")
    def account_disable(request: Request, user_id: str, me: Me, _f: CheckedForm) -> Response:
        if user_id == str(me.staff.id):
            return accounts_page(request, me, errors=["不能停用自己的账号"], status_code=400)
        name, _ = account_action(
            request, me, user_id, lambda s, n: accounts.disable(s, n), "disable"
        )
        return accounts_page(request, me, f"已停用 {name}，其已登录的浏览器已退出。")

    @office.post("/accounts")
    def account_add(request: Request, me: Me, form: CheckedForm) -> Response:
        need(request, me, Perm.ACCOUNTS)
        name = str(form.get("name") or "")[:60]
        role = str(form.get("role") or "")[:20]
        department = str(form.get("department") or "")[:60]
        try:
            with sessions() as s, s.begin():
                temp = accounts.add_user(s, name, role, department)
                audit.record(
                    s,
                    me.staff,
                    "add_user",
                    client_key(request),
                    record_type="office_user",
                    detail=name.strip(),
                )
        except ValueError as e:
            return accounts_page(request, me, errors=[str(e)], status_code=400)
        return accounts_page(
            request, me, f"已开设账号 {name.strip()}；首次登录须修改密码。", temp or ""
        )


__all__ = ["add_admin_routes"]
