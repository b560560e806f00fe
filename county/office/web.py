"""The county referral office's web pages, mounted on the hub at /office/.

Server-rendered (Jinja2, plain forms, Simplified Chinese). Every page needs the office
session; every POST carries the session's CSRF token. County answers go through
``county.store.answer_record`` and downward slips through ``store.create_for_clinic``, so they
reach the clinics by the ordinary pull.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from app.domain import referral as rules
from app.domain.codes import PAYMENT_TYPES, SEX
from app.domain.errors import FieldError, ValidationError
from county import store
from county.db import COUNTY, HubClinic, HubRecord, utcnow
from county.office import downward, queries, security
from county.office.timefmt import iso, local

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Messages after a successful action (Post/Redirect/Get): only these keys are ever shown.
DONE = {
    "received": "已接收，卫生院下次同步时会收到。",
    "rejected": "已拒绝，卫生院下次同步时会收到拒绝原因。",
    "arrived": "已标记到院。",
    "sent": "回转单已下发，卫生院下次同步时会收到。",
}
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'",
}


class LoginRequired(Exception):
    pass


class FormRefused(Exception):
    """A POST without the right CSRF token: nothing is done."""


class NotFoundPage(Exception):
    pass


def base_path(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def client_key(request: Request) -> str:
    return request.client.host if request.client else "?"


def safe_next(request: Request, value: str) -> str:
    """Only a path inside the office, never another site (open redirect)."""
    base = base_path(request)
    if value.startswith(base + "/") and not value.startswith("//") and "\\" not in value:
        return value
    return base + "/referrals"


def parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- session and CSRF (module level, so route signatures can name them in Annotated) -------


def _sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions  # type: ignore[no-any-return]


def signed_in(request: Request) -> str:
    """The session's CSRF token; redirects to the login page without a live session."""
    with _sessions(request)() as s, s.begin():
        csrf = security.session_csrf(s, request.cookies.get(security.SESSION_COOKIE))
    if csrf is None:
        raise LoginRequired()
    return csrf


async def form_of(request: Request) -> FormData:
    return await request.form(max_files=0, max_fields=200)


def checked_form(csrf: Annotated[str, Depends(signed_in)],
                 form: Annotated[FormData, Depends(form_of)]) -> FormData:
    if not security.same_token(csrf, str(form.get("csrf") or "")):
        raise FormRefused()
    return form


Csrf = Annotated[str, Depends(signed_in)]
Form = Annotated[FormData, Depends(form_of)]
CheckedForm = Annotated[FormData, Depends(checked_form)]


def create_office_app(sessions: sessionmaker[Session]) -> FastAPI:
    office = FastAPI(title="县医院转诊办", docs_url=None, redoc_url=None, openapi_url=None)
    office.state.sessions = sessions
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["local"] = local
    templates.env.globals.update(STATUS_NAMES={s.value: n for s, n in rules.STATUS_NAMES.items()},
                                 SEX=SEX, PAYMENT_TYPES=PAYMENT_TYPES)
    throttle = security.LoginThrottle()

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        context.setdefault("csrf", "")
        context.setdefault("nav", "")
        context["base"] = base_path(request)
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    @office.middleware("http")
    async def _headers(request: Request,
                       call_next: Callable[[Request], Awaitable[Response]]) -> Response:
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

    @office.exception_handler(FormRefused)
    async def _form_refused(request: Request, _exc: FormRefused) -> Response:
        return render(request, "error.html", 403, title="表单已失效",
                      message="表单已过期或不是从本系统页面提交的，未做任何修改。请返回、刷新页面后重试。")

    @office.exception_handler(NotFoundPage)
    async def _not_found(request: Request, _exc: NotFoundPage) -> Response:
        return render(request, "error.html", 404, title="找不到",
                      message="找不到这张转诊单，可能链接有误。")

    def cookie_args(request: Request) -> dict[str, Any]:
        return {"path": base_path(request) or "/", "httponly": True, "samesite": "strict",
                "secure": request.url.scheme == "https"}

    @office.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        return RedirectResponse(base_path(request) + "/referrals", 303)

    @office.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "") -> Response:
        with sessions() as s, s.begin():
            if security.session_csrf(s, request.cookies.get(security.SESSION_COOKIE)):
                return RedirectResponse(safe_next(request, next), 303)
            has_password = security.password_is_set(s)
        return login_form(request, next, has_password, "")

    def login_form(request: Request, next_: str, has_password: bool, error: str,
                   status_code: int = 200) -> Response:
        token = security.new_login_csrf()
        resp = render(request, "login.html", status_code, login_csrf=token, next=next_,
                      has_password=has_password, error=error)
        resp.set_cookie(security.LOGIN_CSRF_COOKIE, token, max_age=3600, **cookie_args(request))
        return resp

    @office.post("/login")
    def login(request: Request, form: Form) -> Response:
        next_ = str(form.get("next") or "")
        if not security.same_token(request.cookies.get(security.LOGIN_CSRF_COOKIE),
                                   str(form.get("login_csrf") or "")):
            raise FormRefused()
        key = client_key(request)
        if throttle.blocked(key):
            return login_form(request, next_, True, "密码错误次数过多，请 10 分钟后再试。", 429)
        with sessions() as s:
            stored = security.stored_hash(s)
        # argon2 takes a while: verify outside any transaction (SQLite's is a write lock)
        if stored is None or not security.verify(stored, str(form.get("password") or "")):
            throttle.failed(key)
            error = "尚未设置转诊办密码。" if stored is None else "密码错误。"
            return login_form(request, next_, stored is not None, error, 401)
        with sessions() as s, s.begin():
            security.close_session(s, request.cookies.get(security.SESSION_COOKIE))
            token = security.open_session(s)
        throttle.succeeded(key)
        resp = RedirectResponse(safe_next(request, next_), 303)
        resp.set_cookie(security.SESSION_COOKIE, token,
                        max_age=security.SESSION_HOURS * 3600, **cookie_args(request))
        resp.delete_cookie(security.LOGIN_CSRF_COOKIE, path=base_path(request) or "/")
        return resp

    @office.post("/logout")
    def logout(request: Request, _form: CheckedForm) -> Response:
        with sessions() as s, s.begin():
            security.close_session(s, request.cookies.get(security.SESSION_COOKIE))
        resp = RedirectResponse(base_path(request) + "/login", 303)
        resp.delete_cookie(security.SESSION_COOKIE, path=base_path(request) or "/")
        return resp

    # --- incoming upward referrals ----------------------------------------------------------

    @office.get("/referrals", response_class=HTMLResponse)
    def referral_list(request: Request, csrf: Csrf, clinic: str = "",
                      status: str = "", date_from: str = "", date_to: str = "", q: str = "",
                      page: str = "1") -> Response:
        errors = []
        f = queries.ReferralFilter(clinic=clinic, q=q[:50], page=queries.page_number(page))
        if status in {st.value for st in queries.LISTED_STATUSES}:
            f.status = status
        for label, raw, attr in (("开始日期", date_from, "date_from"),
                                 ("结束日期", date_to, "date_to")):
            day = parse_day(raw)
            if raw and day is None:
                errors.append(f"{label}格式应为“年-月-日”，已忽略")
            setattr(f, attr, day)
        with sessions() as s:
            result = queries.list_upward(s, f)
            clinics = queries.clinic_names(s)
        params = {k: v for k, v in dict(clinic=clinic, status=f.status, date_from=date_from,
                                        date_to=date_to, q=q).items() if v}
        return render(request, "referrals.html", nav="up", csrf=csrf, result=result,
                      clinics=clinics, statuses=queries.LISTED_STATUSES, filters=params,
                      errors=errors, query=urlencode(params))

    def detail_page(request: Request, csrf: str, referral_id: str, *, status_code: int = 200,
                    errors: list[str] | None = None, form: dict[str, str] | None = None,
                    done: str = "") -> Response:
        with sessions() as s:
            rec = queries.get_referral(s, referral_id)
            if rec is None:
                raise NotFoundPage()
            history = queries.referral_history(s, referral_id)
            clinic = s.get(HubClinic, rec.clinic_code)
        d = queries.readable(rec.data)  # a value it cannot show reads "(数据有误)"
        is_up = rec.owner != COUNTY and d.get("direction") == rules.Direction.UP.value
        county = queries.county_status(d) if is_up else None
        actions = []
        if is_up and county is not None and not rec.deleted:
            actions = [t.value for t in rules.allowed_targets(rules.Direction.UP, county,
                                                              rules.Side.COUNTY)]
        return render(request, "referral.html", status_code, nav="up", csrf=csrf, rec=rec, d=d,
                      is_up=is_up, county_status=county.value if county else "", actions=actions,
                      clinic_name=clinic.name if clinic else rec.clinic_code, history=history,
                      errors=errors or [], form=form or {}, done=DONE.get(done, ""),
                      indications=_indications(d), sex=queries.sex_name(d.get("patient_sex")))

    @office.get("/referrals/{referral_id}", response_class=HTMLResponse)
    def referral_detail(request: Request, referral_id: str, csrf: Csrf,
                        done: str = "") -> Response:
        return detail_page(request, csrf, referral_id, done=done)

    def answer(request: Request, referral_id: str, target: rules.Status,
               fields: dict[str, str], required: list[FieldError], csrf: str) -> Response:
        """Check, then write the county's answer in one transaction, or write nothing."""
        errors = [e.message for e in required]
        with sessions() as s, s.begin():
            rec = s.scalar(select(HubRecord).where(HubRecord.type == "referral",
                                                   HubRecord.id == referral_id)
                           .with_for_update())
            if rec is None:
                raise NotFoundPage()
            if rec.owner == COUNTY or rec.data.get("direction") != rules.Direction.UP.value:
                errors.append("只能答复卫生院的上转单")
            elif rec.deleted:
                errors.append("卫生院已作废此转诊单")
            elif not errors:
                try:
                    rules.check_transition(rules.Direction.UP, queries.county_status(rec.data),
                                           target, rules.Side.COUNTY,
                                           fields.get("rejected_reason", ""))
                except rules.TransitionRefused as e:
                    errors.append(e.message)
            if not errors:
                store.answer_record(s, "referral", referral_id, fields)
        if errors:
            return detail_page(request, csrf, referral_id, status_code=400, errors=errors,
                               form={k: v for k, v in fields.items() if not k.endswith("_at")})
        return RedirectResponse(
            f"{base_path(request)}/referrals/{quote(referral_id)}?done={target.value}", 303)

    def text_field(form: FormData, key: str, label: str, limit: int, *,
                   required: bool, errors: list[FieldError]) -> str:
        value = str(form.get(key) or "").strip()
        if required and not value:
            errors.append(FieldError(key, "required", f"请填写{label}"))
        elif len(value) > limit:
            errors.append(FieldError(key, "too_long", f"{label}过长（最多{limit}字）"))
        return value

    @office.post("/referrals/{referral_id}/receive")
    def receive(request: Request, referral_id: str, csrf: Csrf,
                form: CheckedForm) -> Response:
        errors: list[FieldError] = []
        doctor = text_field(form, "receiving_doctor", "接诊医生", 50, required=True,
                            errors=errors)
        note = text_field(form, "county_note", "初步处理/备注", rules.TEXT_LIMIT, required=False,
                          errors=errors)
        fields = {"received_at": iso(utcnow()), "receiving_doctor": doctor}
        if note:
            fields["county_note"] = note
        return answer(request, referral_id, rules.Status.RECEIVED, fields, errors, csrf)

    @office.post("/referrals/{referral_id}/reject")
    def reject(request: Request, referral_id: str, csrf: Csrf,
               form: CheckedForm) -> Response:
        errors: list[FieldError] = []
        reason = text_field(form, "rejected_reason", "拒绝原因", 500, required=True,
                            errors=errors)
        return answer(request, referral_id, rules.Status.REJECTED,
                      {"rejected_reason": reason}, errors, csrf)

    @office.post("/referrals/{referral_id}/arrive")
    def arrive(request: Request, referral_id: str, csrf: Csrf,
               _form: CheckedForm) -> Response:
        return answer(request, referral_id, rules.Status.ARRIVED,
                      {"arrived_at": iso(utcnow())}, [], csrf)

    # --- downward referral (回转单) ------------------------------------------------------------

    def down_page(request: Request, csrf: str, form: downward.DownwardForm,
                  errors: list[FieldError], status_code: int = 200) -> Response:
        with sessions() as s:
            clinics = s.scalars(select(HubClinic).where(HubClinic.active.is_(True))
                                .order_by(HubClinic.code)).all()
        return render(request, "down_new.html", status_code, nav="down", csrf=csrf, form=form,
                      errors=[e.message for e in errors], bad={e.field for e in errors},
                      clinics=clinics, labels=downward.LABELS, rules=rules,
                      followup_methods=downward.FOLLOWUP_METHODS)

    @office.get("/down/new", response_class=HTMLResponse)
    def down_new(request: Request, csrf: Csrf, up: str = "") -> Response:
        form = downward.DownwardForm()
        with sessions() as s:
            if up:
                rec = queries.get_referral(s, up)
                if rec is None or rec.owner == COUNTY:
                    raise NotFoundPage()
                form = downward.DownwardForm.from_upward(rec)
            if not form.from_institution:
                form.from_institution = downward.last_from_institution(s)
        return down_page(request, csrf, form, [])

    @office.post("/down")
    def down_create(request: Request, csrf: Csrf,
                    raw: CheckedForm) -> Response:
        form = downward.DownwardForm.from_form(raw)
        try:
            with sessions() as s, s.begin():
                rec = downward.create(s, form, utcnow())
        except ValidationError as e:
            return down_page(request, csrf, form, e.errors, 400)
        return RedirectResponse(f"{base_path(request)}/referrals/{rec.id}?done=sent", 303)

    # --- sync health --------------------------------------------------------------------------

    @office.get("/clinics", response_class=HTMLResponse)
    def clinic_health(request: Request, csrf: Csrf) -> Response:
        with sessions() as s:
            rows = queries.clinic_health(s)
        return render(request, "clinics.html", nav="clinics", csrf=csrf, rows=rows)

    return office


def _indications(d: dict[str, Any]) -> list[str]:
    import json

    try:
        value = json.loads(str(d.get("indications") or "[]"))
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
