"""Chinese names of the synced records' fields, for messages that name a field (the hub's
refusals, shown on the clinic's 同步 page and the office's clinic table).

A message names a field as the forms do, never by its column name; a field missing here
falls back to a generic "某字段" with the column in brackets, so a new column is still named,
just less kindly, until it gets its label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

COMMON = {
    "id": "记录编号",
    "version": "版本号",
    "deleted": "作废标记",
    "clinic_code": "卫生院编码",
    "created_at": "创建时间",
    "updated_at": "修改时间",
}

FIELD_LABELS: dict[str, dict[str, str]] = {
    "patient": {
        "name": "姓名",
        "name_initials": "姓名首字母",
        "name_pinyin": "姓名拼音",
        "sex": "性别",
        "birth_date": "出生日期",
        "id_number": "身份证号",
        "id_number_rev": "身份证号（检索用）",
        "phone": "联系电话",
        "phone_rev": "联系电话（检索用）",
        "village": "村/社区",
        "address": "住址",
        "record_number": "健康档案号",
        "payment_type": "医疗付费方式",
        "allergies": "过敏史",
        "notes": "备注",
        "void_reason": "作废原因",
    },
    "referral": {
        "number": "转诊单号",
        "direction": "转诊方向",
        "status": "转诊状态",
        "urgency": "紧急程度",
        "patient_id": "患者",
        "patient_name": "患者姓名",
        "patient_sex": "性别",
        "patient_age": "患者年龄",
        "patient_id_number": "身份证号",
        "patient_record_number": "健康档案号",
        "patient_address": "家庭住址",
        "patient_phone": "联系电话",
        "from_institution": "转出机构",
        "to_institution": "接诊机构",
        "to_department": "接诊科室",
        "to_doctor": "接诊医生（转诊单上）",
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
        "referred_at": "转诊时间",
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
        "appointment_at": "预约到诊时间",
        "arrived_at": "到院时间",
        "county_note": "县医院备注",
        "acknowledged_at": "签收时间",
        "clinic_arrived_at": "到诊时间",
        "completed_at": "完成时间",
        "cancel_reason": "取消/拒收原因",
        "created_by": "开单人",
        "print_count": "打印次数",
        "feedback_method": "回执方式",
        "feedback_by": "回执人",
        "feedback_at": "回执时间",
        "feedback_result": "回执结果",
        "feedback_reason": "不接收原因（回执）",
        "feedback_arrived_at": "到诊时间（回执）",
    },
    "referral_event": {
        "referral_id": "转诊单",
        "from_status": "原状态",
        "to_status": "新状态",
        "side": "操作方",
        "actor": "操作人",
        "at": "操作时间",
        "reason": "原因",
        "kind": "事件类别",
    },
    "followup_plan": {
        "patient_id": "患者",
        "kind": "随访类别",
        "doctor": "责任医生",
        "start_date": "开始日期",
        "interval_days": "随访间隔（天）",
        "next_due_date": "下次随访日期",
        "status": "计划状态",
        "referral_id": "转诊单",
        "last_classification": "上次随访分类",
        "note": "备注",
    },
    "followup_visit": {
        "plan_id": "随访计划",
        "patient_id": "患者",
        "visit_date": "随访日期",
        "method": "随访方式",
        "classification": "此次随访分类",
        "suggested_classification": "建议分类",
        "sbp": "收缩压",
        "dbp": "舒张压",
        "fasting_glucose": "空腹血糖",
        "emergency": "危急情况",
        "next_date": "下次随访日期",
        "doctor": "随访医生",
        "form": "随访表内容",
    },
    "followup_contact": {
        "plan_id": "随访计划",
        "outcome": "联系结果",
        "remind_on": "提醒日期",
        "note": "备注",
        "by": "联系人",
    },
    "staff": {
        "name": "姓名",
        "department": "科室",
        "title": "职称/岗位",
        "category": "执业类别",
        "village_doctor": "乡村医生",
        "active": "在岗",
        "left_on": "离岗日期",
    },
    "training_activity": {
        "activity_type": "活动类型",
        "day": "日期",
        "start": "开始时间",
        "end": "结束时间",
        "hours": "学时",
        "topic": "主题",
        "place": "地点",
        "lecturer": "授课人",
        "lecturer_unit": "授课人单位",
        "lecturer_title": "授课人职称",
        "organiser": "组织单位",
        "credit_class": "学分类别",
        "credits": "学分",
        "assessment": "考核方式",
        "recorder": "记录人",
        "notes": "备注",
        "status": "状态",
    },
    "training_attendance": {
        "activity_id": "培训活动",
        "staff_id": "人员",
        "status": "出勤情况",
        "signed_in_at": "签到时间",
    },
    "secondment": {
        "staff_id": "人员",
        "host_hospital": "进修医院",
        "host_department": "进修科室",
        "speciality": "专业",
        "start_on": "开始日期",
        "end_on": "结束日期",
        "tutor": "带教老师",
        "appraisal": "进修鉴定",
    },
    "support_stationing": {
        "doctor": "派驻医生",
        "doctor_title": "职称",
        "speciality": "专业",
        "sending_unit": "派出单位",
        "start_on": "开始日期",
        "end_on": "结束日期",
        "outpatient_visits": "门诊人次",
        "operations": "手术台次",
        "teaching_rounds": "教学查房",
        "surgery_demos": "手术示教",
        "consultations": "会诊",
        "lectures": "专题讲座",
        "trainees": "培训人次",
        "mentees": "带教人数",
        "new_techniques": "新技术新项目",
    },
}


def field_label(type_: str, key: str) -> str:
    """The Chinese name of ``key`` on a record of ``type_``."""
    label = FIELD_LABELS.get(type_, {}).get(key) or COMMON.get(key)
    return label or f"某字段（{key}）"


def field_labels(type_: str, keys: set[str] | frozenset[str]) -> str:
    """Several fields, named and listed in a stable order: "姓名、性别"."""
    return "、".join(field_label(type_, k) for k in sorted(keys))


def label(type_: str, field: str) -> str:
    """The Chinese label of a field, or the field's own name when none is known (for
    messages that already say which record they are about)."""
    return (
        FIELD_LABELS.get(type_, {}).get(field)
        or COMMON.get(field)
        or FIELD_LABELS["referral"].get(field)
        or field
    )


def labels(type_: str, fields: Iterable[str]) -> str:
    """Labels joined the way a Chinese message lists them."""
    return "、".join(label(type_, f) for f in fields)


_NAME = re.compile(r"\b[a-z][a-z0-9_]*[a-z0-9]\b")


def in_words(type_: str, message: str) -> str:
    """A stored refusal with column names replaced by their labels (older hubs sent names)."""
    known = {**FIELD_LABELS["referral"], **FIELD_LABELS.get(type_, {})}
    if type_ not in FIELD_LABELS:
        return message
    return _NAME.sub(lambda m: known.get(m.group(0), m.group(0)), message)
