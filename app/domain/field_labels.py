"""Chinese labels of the synced fields, so a refusal names a field as people know it
("缺少必填字段：患者年龄", not "patient_age"), on the hub and on the clinic's 同步 page."""

from __future__ import annotations

import re
from collections.abc import Iterable

REFERRAL = {
    "number": "转诊单号",
    "direction": "转诊方向",
    "status": "状态",
    "urgency": "紧急程度",
    "patient_id": "患者档案",
    "patient_name": "患者姓名",
    "patient_sex": "性别",
    "patient_age": "患者年龄",
    "patient_id_number": "身份证号",
    "patient_record_number": "健康档案号",
    "patient_address": "家庭住址",
    "patient_phone": "联系电话",
    "from_institution": "转出机构",
    "to_institution": "接收机构",
    "to_department": "接收科室",
    "to_doctor": "接诊医生",
    "indications": "转诊指征",
    "indication_other": "其他指征",
    "impression": "初步印象",
    "present_illness": "主要现病史",
    "past_history": "主要既往史",
    "treatment": "治疗经过",
    "patient_type": "病人性质",
    "payment_type": "医疗付费方式",
    "transport": "转送方式",
    "purpose": "转诊目的",
    "cautions": "注意事项",
    "referring_doctor": "转诊医生",
    "referring_phone": "医生联系电话",
    "referred_at": "转出时间",
    "diagnosis": "诊断结果",
    "icd10": "ICD-10 编码",
    "inpatient_no": "住院病案号",
    "exam_results": "主要检查结果",
    "treatment_plan": "治疗方案及康复建议",
    "followup_date": "预约复诊或随访时间",
    "followup_method": "随访方式",
    "outcome": "病情转归",
    "received_at": "接收时间",
    "receiving_doctor": "接诊医生",
    "rejected_reason": "拒绝原因",
    "rejected_at": "拒绝时间",
    "arrived_at": "到院时间",
    "county_note": "县医院初步处理/备注",
    "appointment_at": "预约到诊时间",
    "acknowledged_at": "确认收到时间",
    "clinic_arrived_at": "患者到卫生院时间",
    "completed_at": "完成时间",
    "cancel_reason": "取消/拒绝原因",
    "created_by": "录入人",
    "created_at": "创建时间",
    "updated_at": "修改时间",
}
PATIENT = {
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "phone": "联系电话",
    "address": "家庭住址",
    "record_number": "健康档案号",
    "payment_type": "医疗付费方式",
}
REFERRAL_EVENT = {
    "referral_id": "所属转诊单",
    "from_status": "原状态",
    "to_status": "新状态",
    "side": "哪一方",
    "actor": "操作人",
    "at": "时间",
    "reason": "原因",
}
BY_TYPE: dict[str, dict[str, str]] = {
    "referral": REFERRAL,
    "referral_event": REFERRAL_EVENT,
    "patient": PATIENT,
}
_NAME = re.compile(r"\b[a-z][a-z0-9_]*[a-z0-9]\b")


def label(type_: str, field: str) -> str:
    """The Chinese label of a field, or the field's own name when none is known."""
    return BY_TYPE.get(type_, {}).get(field) or REFERRAL.get(field) or field


def labels(type_: str, fields: Iterable[str]) -> str:
    """Labels joined the way a Chinese message lists them."""
    return "、".join(label(type_, f) for f in fields)


def in_words(type_: str, message: str) -> str:
    """A stored refusal with column names replaced by their labels (older hubs sent names)."""
    known = {**REFERRAL, **BY_TYPE.get(type_, {})} if type_ in BY_TYPE else {}
    if not known:
        return message
    return _NAME.sub(lambda m: known.get(m.group(0), m.group(0)), message)
