"""The county referral office's web pages, mounted on the hub at /office/.

Server-rendered (Jinja2, plain forms, Simplified Chinese). Every page needs a named account's
session and the permission of its role (``accounts.PERMS``; for what it does to a record, the
registry's ``county_perms``); a 科室医生 sees only their own department's referrals. Every
POST carries the session's CSRF token. Every view of a slip and every action is written to the
audit trail. County answers go through ``county.store.answer_record`` and downward slips
through ``store.create_for_clinic`` (both given the account's role), so they reach the clinics
by the ordinary pull.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, NoReturn
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from app.domain import referral as rules
from app.domain.booking import booking_text, from_beijing
from app.domain.codes import PAYMENT_TYPES, SEX
from app.domain.errors import FieldError, ValidationError
from app.domain.field_labels import in_words
from county import store
from county.db import COUNTY, HubClinic, HubRecord, utcnow
from county.office import accounts, audit, downward, queries, security, settings, throttle
from county.office.accounts import Perm, Staff
from county.office.timefmt import iso, local

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Messages after a successful action (Post/Redirect/Get): only these keys are ever shown.
DONE = {
    "received": "已接收，卫生院下次同步时会收到。",
    "rejected": "已拒绝，卫生院下次同步时会收到拒绝原因。",
    "arrived": "已标记到院。",
    "sent": "回转单已下发，卫生院下次同步时会收到。",
    "password": "密码已修改。",
}
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'",
}
BOOKING_MAX_DAYS = 366
# The office action (the registry's ``county_perms``) each answer the county gives is.
ANSWERS = {
    rules.Status.RECEIVED: "receive",
    rules.Status.REJECTED: "reject",
    rules.Status.ARRIVED: "arrive",
}


class LoginRequired(Exception):
    pass


class PasswordChangeRequired(Exception):
    pass


class FormRefused(Exception):
    """A POST without the right CSRF token: nothing is done."""


class NotFoundPage(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, message: str, me: Signed | None = None) -> None:
        super().__init__(message)
        self.message, self.me = message, me


@dataclass(frozen=True)
class Signed:
    """A request's live session: its CSRF token and its account."""

    csrf: str
    staff: Staff


def base_path(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def client_key(request: Request) -> str:
    peer = request.client.host if request.client else "?"
    trusted: frozenset[str] = getattr(request.app.state, "trusted_proxies", frozenset())
    return security.client_address(peer, request.headers.get("x-forwarded-for"), trusted)


def safe_next(request: Request, value: str) -> str | None:
    """Only a path inside the office, never another site (open redirect)."""
    base = base_path(request)
    if value.startswith(base + "/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def page_number(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1


# --- session and CSRF (module level, so route signatures can name them in Annotated) -------


def _sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions  # type: ignore[no-any-return]


def signed_in(request: Request) -> Signed:
    """The session and its account; redirects to the login page without a live session, and
    to the password page while a temporary password has not been changed."""
    with _sessions(request)() as s, s.begin():
        found = security.session_of(s, request.cookies.get(security.SESSION_COOKIE))
    if found is None:
        raise LoginRequired()
    me = Signed(*found)
    if me.staff.must_change and not request.url.path.endswith("/password"):
        raise PasswordChangeRequired()
    return me


async def form_of(request: Request) -> FormData:
    return await request.form(max_files=0, max_fields=200)


def checked_form(
    me: Annotated[Signed, Depends(signed_in)], form: Annotated[FormData, Depends(form_of)]
) -> FormData:
    if not security.same_token(me.csrf, str(form.get("csrf") or "")):
        raise FormRefused()
    return form


Me = Annotated[Signed, Depends(signed_in)]
Form = Annotated[FormData, Depends(form_of)]
CheckedForm = Annotated[FormData, Depends(checked_form)]


def note(request: Request, who: Staff | None, action: str, **kw: Any) -> None:
    """An audit row in its own transaction (for views; actions write theirs with the change)."""
    with _sessions(request)() as s, s.begin():
        audit.record(s, who, action, client_key(request), **kw)


def need(request: Request, me: Signed, perm: Perm) -> None:
    if not me.staff.can(perm):
        refuse(request, me)


def need_to(request: Request, me: Signed, record_type: str, action: str) -> None:
    """The account's role may do ``action`` to ``record_type`` (the registry's
    ``county_perms``), else the page is refused and the refusal audited."""
    if not me.staff.may(record_type, action):
        refuse(request, me)


def refuse(request: Request, me: Signed) -> NoReturn:
    note(request, me.staff, "denied", detail=f"{request.method} {request.url.path}")
    raise Forbidden(f"“{me.staff.role_name}”账号不能使用此功能。", me)


def down_department(s: Session, record_id: str) -> str:
    """The department whose doctor wrote a county slip ("" when the office wrote it)."""
    from county.office.accounts_tables import AuditEntry

    return (
        s.scalar(
            select(AuditEntry.department)
            .where(AuditEntry.action == "send_down", AuditEntry.record_id == record_id)
            .limit(1)
        )
        or ""
    )


def visible(s: Session, staff: Staff, rec: HubRecord) -> bool:
    """A department doctor sees the upward referrals to their department and the 回转单 their
    department wrote; everyone else with the permission sees every slip."""
    if not staff.scoped:
        return True
    if rec.owner == COUNTY:
        return down_department(s, rec.id) == staff.department
    return str(rec.data.get("to_department") or "") == staff.department


def parse_booking(raw: str, sent: object, now: datetime) -> tuple[str | None, str | None]:
    """(ISO naive UTC, None) from the form's Beijing time, or (None, error) naming the field."""
    raw = raw.strip()
    if not raw:
        return None, None
    try:
        local_time = datetime.fromisoformat(raw.replace(" ", "T"))
    except ValueError:
        return None, "预约到诊时间格式应为“年-月-日 时:分”"
    if local_time.tzinfo is not None:
        return None, "预约到诊时间格式应为“年-月-日 时:分”"
    utc = from_beijing(local_time.replace(second=0, microsecond=0))
    sent_at = sent if isinstance(sent, datetime) else None
    if sent_at is not None and utc < sent_at - timedelta(minutes=1):
        return None, "预约到诊时间不能早于卫生院转出的时间"
    if utc > now + timedelta(days=BOOKING_MAX_DAYS):
        return None, "预约到诊时间不能晚于一年以后"
    return iso(utc), None


def create_office_app(
    sessions: sessionmaker[Session],
    trusted_proxies: frozenset[str] = frozenset(),
    limits: throttle.Limits | None = None,
) -> FastAPI:
    office = FastAPI(title="县医院转诊办", docs_url=None, redoc_url=None, openapi_url=None)
    office.state.sessions = sessions
    office.state.trusted_proxies = trusted_proxies
    office.state.limits = limits or throttle.Limits()
    office.state.hash_slots = throttle.HashSlots()
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["local"] = local
    templates.env.globals.update(
        STATUS_NAMES={s.value: n for s, n in rules.STATUS_NAMES.items()},
        SEX=SEX,
        PAYMENT_TYPES=PAYMENT_TYPES,
        Perm=Perm,
        ACTION_NAMES=audit.ACTION_NAMES,
        ROLE_NAMES={r.value: n for r, n in accounts.ROLE_NAMES.items()},
    )

    def render(
        request: Request,
        template: str,
        status_code: int = 200,
        *,
        me: Signed | None = None,
        **context: Any,
    ) -> Response:
        context.setdefault("nav", "")
        context["csrf"] = me.csrf if me else ""
        context["me"] = me.staff if me else None
        context["base"] = base_path(request)
        return templates.TemplateResponse(request, template, context, status_code=status_code)

    @office.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    @office.exception_handler(LoginRequired)
    async def _login_required(request: Request, _exc: LoginRequired) -> Response:
        login_url = base_path(request) + "/login"
        if request.method == "GET":  # come back here after signing in; a POST is not repeated
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            login_url += f"?next={quote(here, safe='')}"
        return RedirectResponse(login_url, 303)

    @office.exception_handler(PasswordChangeRequired)
    async def _change_first(request: Request, _exc: PasswordChangeRequired) -> Response:
        return RedirectResponse(base_path(request) + "/password", 303)

    @office.exception_handler(FormRefused)
    async def _form_refused(request: Request, _exc: FormRefused) -> Response:
        return render(
            request,
            "error.html",
            403,
            title="表单已失效",
            message="表单已过期或不是从本系统页面提交的，未做任何修改。请返回、刷新页面后重试。",
        )

    @office.exception_handler(NotFoundPage)
    async def _not_found(request: Request, _exc: NotFoundPage) -> Response:
        return render(
            request, "error.html", 404, title="找不到", message="找不到这张转诊单，可能链接有误。"
        )

    @office.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "error.html", 403, me=exc.me, title="无权访问", message=exc.message)

    from county.office.web_signin import add_signin_routes

    add_signin_routes(office, render)

    # --- incoming upward referrals ----------------------------------------------------------

    @office.get("/referrals", response_class=HTMLResponse)
    def referral_list(
        request: Request,
        me: Me,
        clinic: str = "",
        status: str = "",
        date_from: str = "",
        date_to: str = "",
        q: str = "",
        page: str = "1",
    ) -> Response:
        need_to(request, me, "referral", "view")
        errors = []
        f = queries.ReferralFilter(
            clinic=clinic[:20],
            q=q[:50],
            page=queries.page_number(page),
            department=me.staff.department if me.staff.scoped else None,
        )
        if status in {st.value for st in queries.LISTED_STATUSES}:
            f.status = status
        for label, raw, attr in (
            ("开始日期", date_from, "date_from"),
            ("结束日期", date_to, "date_to"),
        ):
            day = parse_day(raw)
            if raw and day is None:
                errors.append(f"{label}格式应为“年-月-日”，已忽略")
            setattr(f, attr, day)
        with sessions() as s:
            result = queries.list_upward(s, f)
            clinics = queries.clinic_names(s)
        # which filters, never the search term (a patient's name)
        note(
            request,
            me.staff,
            "list",
            detail=" ".join(f"{k}={v}" for k, v in (("clinic", clinic), ("status", f.status)) if v)
            + (" 含搜索" if q else ""),
        )
        params = {
            k: v
            for k, v in dict(
                clinic=clinic, status=f.status, date_from=date_from, date_to=date_to, q=q
            ).items()
            if v
        }
        return render(
            request,
            "referrals.html",
            me=me,
            nav="up",
            result=result,
            clinics=clinics,
            statuses=queries.LISTED_STATUSES,
            filters=params,
            errors=errors,
            query=urlencode(params),
        )

    def load_visible(
        request: Request, me: Signed, referral_id: str, action: str
    ) -> tuple[HubRecord, HubClinic | None, list[dict[str, Any]]]:
        need_to(request, me, "referral", action)
        with sessions() as s:
            rec = queries.get_referral(s, referral_id)
            if rec is None:
                raise NotFoundPage()
            if not visible(s, me.staff, rec):
                rec = None
            else:
                history = queries.referral_history(s, referral_id)
                clinic = s.get(HubClinic, rec.clinic_code)
        if rec is None:
            note(
                request,
                me.staff,
                "denied",
                record_type="referral",
                record_id=referral_id,
                detail="不是本科室的转诊单",
            )
            raise Forbidden("这张转诊单不属于您的科室，不能查看。", me)
        return rec, clinic, history

    def detail_page(
        request: Request,
        me: Signed,
        referral_id: str,
        *,
        status_code: int = 200,
        errors: list[str] | None = None,
        form: dict[str, str] | None = None,
        done: str = "",
    ) -> Response:
        rec, clinic, history = load_visible(request, me, referral_id, "view")
        d = queries.readable(rec.data)  # a value it cannot show reads "(数据有误)"
        note(
            request,
            me.staff,
            "view",
            record_type="referral",
            record_id=rec.id,
            number=str(d.get("number") or ""),
        )
        is_up = rec.owner != COUNTY and d.get("direction") == rules.Direction.UP.value
        county = queries.county_status(d) if is_up else None
        actions = []
        if is_up and county is not None and not rec.deleted:
            actions = [
                t.value
                for t in rules.allowed_targets(rules.Direction.UP, county, rules.Side.COUNTY)
                if me.staff.may("referral", ANSWERS[t])
            ]
        appointment = queries.parse_time(d.get("appointment_at"))
        return render(
            request,
            "referral.html",
            status_code,
            me=me,
            nav="up",
            rec=rec,
            d=d,
            is_up=is_up,
            county_status=county.value if county else "",
            actions=actions,
            clinic_name=clinic.name if clinic else rec.clinic_code,
            history=history,
            errors=errors or [],
            form=form or {},
            done=DONE.get(done, ""),
            indications=_indications(d),
            sex=queries.sex_name(d.get("patient_sex")),
            booking=booking_text("", appointment),
            can_print=me.staff.may("referral", "print"),
            can_write_down=me.staff.may("referral", "create"),
        )

    @office.get("/referrals/{referral_id}", response_class=HTMLResponse)
    def referral_detail(request: Request, referral_id: str, me: Me, done: str = "") -> Response:
        return detail_page(request, me, referral_id, done=done)

    @office.get("/referrals/{referral_id}/slip.pdf")
    def referral_slip(request: Request, referral_id: str, me: Me) -> Response:
        from county.office.printing import slip_pdf

        rec, clinic, _h = load_visible(request, me, referral_id, "print")
        with sessions() as s:
            hospital = settings.get(s, settings.HOSPITAL)
        number = str(rec.data.get("number") or rec.id)
        pdf = slip_pdf(rec.data, hospital, clinic.name if clinic else rec.clinic_code)
        note(request, me.staff, "print", record_type="referral", record_id=rec.id, number=number)
        safe = "".join(ch for ch in number if ch.isascii() and (ch.isalnum() or ch in "-_"))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{safe or "slip"}.pdf"'},
        )

    def answer(
        request: Request,
        me: Signed,
        referral_id: str,
        target: rules.Status,
        fields: dict[str, str],
        required: list[FieldError],
        action: str,
    ) -> Response:
        """Check, then write the county's answer and its audit row in one transaction."""
        need_to(request, me, "referral", action)
        errors = [e.message for e in required]
        with sessions() as s, s.begin():
            rec = s.scalar(
                select(HubRecord)
                .where(HubRecord.type == "referral", HubRecord.id == referral_id)
                .with_for_update()
            )
            if rec is None:
                raise NotFoundPage()
            if not visible(s, me.staff, rec):
                audit.record(
                    s,
                    me.staff,
                    "denied",
                    client_key(request),
                    record_type="referral",
                    record_id=referral_id,
                    detail=f"{action}：不是本科室的转诊单",
                )
                denied = True
            else:
                denied = False
                if rec.owner == COUNTY or rec.data.get("direction") != rules.Direction.UP.value:
                    errors.append("只能答复卫生院的上转单")
                elif rec.deleted:
                    errors.append("卫生院已作废此转诊单")
                elif not errors:
                    try:
                        rules.check_transition(
                            rules.Direction.UP,
                            queries.county_status(rec.data),
                            target,
                            rules.Side.COUNTY,
                            fields.get("rejected_reason", ""),
                        )
                    except rules.TransitionRefused as e:
                        errors.append(e.message)
                if not errors:
                    store.answer_record(s, "referral", referral_id, fields, role=me.staff.role)
                    audit.record(
                        s,
                        me.staff,
                        action,
                        client_key(request),
                        record_type="referral",
                        record_id=referral_id,
                        number=str(rec.data.get("number") or ""),
                    )
        if denied:
            raise Forbidden("这张转诊单不属于您的科室，不能答复。", me)
        if errors:
            return detail_page(
                request,
                me,
                referral_id,
                status_code=400,
                errors=errors,
                form={k: v for k, v in fields.items() if not k.endswith("_at")}
                | {"appointment_raw": fields.get("appointment_raw", "")},
            )
        return RedirectResponse(
            f"{base_path(request)}/referrals/{quote(referral_id)}?done={target.value}", 303
        )

    def text_field(
        form: FormData,
        key: str,
        label: str,
        limit: int,
        *,
        required: bool,
        errors: list[FieldError],
    ) -> str:
        value = str(form.get(key) or "").strip()
        if required and not value:
            errors.append(FieldError(key, "required", f"请填写{label}"))
        elif len(value) > limit:
            errors.append(FieldError(key, "too_long", f"{label}过长（最多{limit}字）"))
        return value

    @office.post("/referrals/{referral_id}/receive")
    def receive(request: Request, referral_id: str, me: Me, form: CheckedForm) -> Response:
        errors: list[FieldError] = []
        doctor = text_field(form, "receiving_doctor", "接诊医生", 50, required=True, errors=errors)
        note_ = text_field(
            form, "county_note", "初步处理/备注", rules.TEXT_LIMIT, required=False, errors=errors
        )
        raw = str(form.get("appointment_at") or "")[:40]
        with sessions() as s:
            rec = queries.get_referral(s, referral_id)
            sent = queries.parse_time(rec.data.get("referred_at")) if rec is not None else None
        appointment, problem = parse_booking(raw, sent, utcnow())
        if problem:
            errors.append(FieldError("appointment_at", "format", problem))
        fields = {"received_at": iso(utcnow()), "receiving_doctor": doctor}
        if note_:
            fields["county_note"] = note_
        if appointment:
            fields["appointment_at"] = appointment
        if errors:
            fields["appointment_raw"] = raw
        return answer(request, me, referral_id, rules.Status.RECEIVED, fields, errors, "receive")

    @office.post("/referrals/{referral_id}/reject")
    def reject(request: Request, referral_id: str, me: Me, form: CheckedForm) -> Response:
        errors: list[FieldError] = []
        reason = text_field(form, "rejected_reason", "拒绝原因", 500, required=True, errors=errors)
        return answer(
            request,
            me,
            referral_id,
            rules.Status.REJECTED,
            {"rejected_reason": reason, "rejected_at": iso(utcnow())},
            errors,
            "reject",
        )

    @office.post("/referrals/{referral_id}/arrive")
    def arrive(request: Request, referral_id: str, me: Me, _form: CheckedForm) -> Response:
        return answer(
            request,
            me,
            referral_id,
            rules.Status.ARRIVED,
            {"arrived_at": iso(utcnow())},
            [],
            "arrive",
        )

    # --- downward referral (回转单) ------------------------------------------------------------

    def down_page(
        request: Request,
        me: Signed,
        form: downward.DownwardForm,
        errors: list[FieldError],
        status_code: int = 200,
    ) -> Response:
        with sessions() as s:
            clinics = s.scalars(
                select(HubClinic).where(HubClinic.active.is_(True)).order_by(HubClinic.code)
            ).all()
        return render(
            request,
            "down_new.html",
            status_code,
            me=me,
            nav="down",
            form=form,
            errors=[e.message for e in errors],
            bad={e.field for e in errors},
            clinics=clinics,
            labels=downward.LABELS,
            rules=rules,
            followup_methods=downward.FOLLOWUP_METHODS,
        )

    @office.get("/down/new", response_class=HTMLResponse)
    def down_new(request: Request, me: Me, up: str = "") -> Response:
        need_to(request, me, "referral", "create")
        form = downward.DownwardForm()
        if up:
            rec, _c, _h = load_visible(request, me, up, "create")
            if rec.owner == COUNTY:
                raise NotFoundPage()
            form = downward.DownwardForm.from_upward(rec)
            note(
                request,
                me.staff,
                "down_form",
                record_type="referral",
                record_id=rec.id,
                number=str(rec.data.get("number") or ""),
            )
        if not form.from_institution:
            with sessions() as s:
                form.from_institution = settings.get(
                    s, settings.HOSPITAL
                ) or downward.last_from_institution(s)
        return down_page(request, me, form, [])

    @office.post("/down")
    def down_create(request: Request, me: Me, raw: CheckedForm) -> Response:
        need_to(request, me, "referral", "create")
        form = downward.DownwardForm.from_form(raw)
        up_number = ""
        if form.upward_id:
            up, _c, _h = load_visible(request, me, form.upward_id, "create")
            up_number = str(up.data.get("number") or "")
        try:
            with sessions() as s, s.begin():
                rec = downward.create(s, form, utcnow(), me.staff.role)
                audit.record(
                    s,
                    me.staff,
                    "send_down",
                    client_key(request),
                    record_type="referral",
                    record_id=rec.id,
                    number=str(rec.data.get("number") or ""),
                    # so that searching the upward slip finds its 回转单 too
                    detail=f"上转单 {up_number} {form.upward_id}" if form.upward_id else "",
                )
        except ValidationError as e:
            return down_page(request, me, form, e.errors, 400)
        return RedirectResponse(f"{base_path(request)}/referrals/{rec.id}?done=sent", 303)

    # --- sync health --------------------------------------------------------------------------

    @office.get("/clinics", response_class=HTMLResponse)
    def clinic_health(request: Request, me: Me) -> Response:
        need(request, me, Perm.CLINICS)
        with sessions() as s:
            rows = queries.clinic_health(s)
        for c in rows:
            c.latest_refusals = [
                (at, t, in_words(t, reason)) for at, t, reason in c.latest_refusals
            ]
        note(request, me.staff, "clinics")
        return render(request, "clinics.html", me=me, nav="clinics", rows=rows)

    from county.office.web_admin import add_admin_routes

    add_admin_routes(office, render, need, note)
    return office


def _indications(d: dict[str, Any]) -> list[str]:
    import json

    try:
        value = json.loads(str(d.get("indications") or "[]"))
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
