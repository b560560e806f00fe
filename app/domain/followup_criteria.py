"""The national follow-up criteria (国家基本公共卫生服务规范 第三版, 高血压 and 2型糖尿病
患者健康管理): the emergency lists that call for referral at once, the control targets, and
matching what a doctor ticked or typed against them.

Thresholds the standard fixes (血压 ≥180/110, 血糖 ≥16.7 or ≤3.9, 心率 >100, 体温 >39℃) are
constants; those provinces adjust (the control targets, the age from which older patients get
the looser target, the pregnancy glucose cut-off) live in ``ControlTargets`` and come from the
clinic's settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Fixed by the standard.
EMERGENCY_SBP = 180  # 收缩压 ≥180 mmHg
EMERGENCY_DBP = 110  # 舒张压 ≥110 mmHg
GLUCOSE_HIGH = 16.7  # 血糖 ≥16.7 mmol/L
GLUCOSE_LOW = 3.9  # 血糖 ≤3.9 mmol/L
TACHYCARDIA = 100  # 持续性心动过速：心率超过 100 次/分钟
FEVER = 39.0  # 体温超过 39℃
PREGNANCY_SBP = 140  # 妊娠期及哺乳期血压高于正常：收缩压 ≥140 或舒张压 ≥90
PREGNANCY_DBP = 90

OTHER_ILLNESS = "存在不能处理的其他疾病"


@dataclass(frozen=True)
class ControlTargets:
    """Targets a visit is classified against; provinces may set their own."""

    htn_sbp: int = 140  # 一般高血压患者 <140/90
    htn_dbp: int = 90
    elderly_age: int = 65  # 65 岁及以上 <150/90
    elderly_sbp: int = 150
    elderly_dbp: int = 90
    dm_fpg: float = 7.0  # 空腹血糖 <7.0 mmol/L
    pregnancy_fpg: float = 5.1  # 妊娠期空腹血糖 ≥5.1 mmol/L is above normal

    def bp_target(self, age: int | None) -> tuple[int, int]:
        """(SBP, DBP) a patient of ``age`` must stay below; the general target when the age
        is not known."""
        if age is not None and age >= self.elderly_age:
            return self.elderly_sbp, self.elderly_dbp
        return self.htn_sbp, self.htn_dbp


@dataclass(frozen=True)
class EmergencyItem:
    """One item of an emergency list: its label on the form and the words that, ticked as a
    symptom or typed in free text, mean it (a merged form label such as 心悸胸闷 holds two)."""

    label: str
    words: tuple[str, ...]


# 高血压: "收缩压≥180mmHg和（或）舒张压≥110mmHg；意识改变、剧烈头痛或头晕、恶心呕吐、视力模糊、
# 眼痛、心悸、胸闷、喘憋不能平卧及处于妊娠期或哺乳期同时血压高于正常等危急情况之一，或存在不能
# 处理的其他疾病时，须在处理后紧急转诊。"
HTN_EMERGENCY_ITEMS = (
    EmergencyItem("意识改变", ("意识改变", "意识障碍", "意识不清", "神志不清", "昏迷")),
    EmergencyItem("剧烈头痛或头晕", ("剧烈头痛", "剧烈头晕", "剧烈的头痛", "剧烈的头晕")),
    EmergencyItem("恶心呕吐", ("恶心", "呕吐")),
    EmergencyItem("视力模糊", ("视力模糊", "视物模糊")),
    EmergencyItem("眼痛", ("眼痛",)),
    EmergencyItem("心悸", ("心悸", "心慌")),
    EmergencyItem("胸闷", ("胸闷",)),
    EmergencyItem("喘憋不能平卧", ("喘憋", "不能平卧")),
)
# 2型糖尿病: "血糖≥16.7mmol/L或血糖≤3.9mmol/L；收缩压≥180mmHg和/或舒张压≥110mmHg；意识或行为
# 改变、呼气有烂苹果样丙酮味、心悸、出汗、食欲减退、恶心、呕吐、多饮、多尿、腹痛、有深大呼吸、
# 皮肤潮红；持续性心动过速（心率超过100次/分钟）；体温超过39摄氏度或有其他的突发异常情况（如视力
# 突然骤降、妊娠期及哺乳期血糖高于正常值等）危险情况之一，或存在不能处理的其他疾病时，须在处理
# 后紧急转诊。"
DM_EMERGENCY_ITEMS = (
    EmergencyItem(
        "意识或行为改变",
        ("意识改变", "行为改变", "意识或行为改变", "意识障碍", "意识不清", "神志不清", "昏迷"),
    ),
    EmergencyItem("呼气有烂苹果样丙酮味", ("烂苹果", "丙酮味")),
    EmergencyItem("心悸", ("心悸", "心慌")),
    EmergencyItem("出汗", ("出汗", "大汗", "多汗", "冷汗")),
    EmergencyItem("食欲减退", ("食欲减退", "食欲下降", "食欲不振", "纳差")),
    EmergencyItem("恶心", ("恶心",)),
    EmergencyItem("呕吐", ("呕吐",)),
    EmergencyItem("多饮", ("多饮",)),
    EmergencyItem("多尿", ("多尿",)),
    EmergencyItem("腹痛", ("腹痛",)),
    EmergencyItem("有深大呼吸", ("深大呼吸",)),
    EmergencyItem("皮肤潮红", ("潮红",)),
    EmergencyItem("视力突然骤降", ("视力骤降", "视力突然骤降", "视力突然下降", "突然视力下降")),
)

# Separators between findings in free text, and words that deny what follows them.
_CLAUSES = re.compile(r"[，,、；;。.\s/]+")
_DENIALS = ("无", "否认", "没有", "未见", "未", "不伴")


def _denied(clause: str, at: int) -> bool:
    """A finding is denied when its clause starts with a denial (无头痛恶心) or the word just
    before it is one (头晕无恶心)."""
    head = clause[:at]
    return clause.startswith(_DENIALS) or head.endswith(_DENIALS)


def matched_items(items: tuple[EmergencyItem, ...], texts: list[str]) -> list[str]:
    """Labels of the ``items`` that any of ``texts`` (ticked symptoms, free text) names, in
    the order of the list. "心悸" matches 心悸, the form's merged "心悸胸闷" both 心悸 and 胸闷,
    "剧烈头痛" the merged 剧烈头痛或头晕; "无心悸" matches nothing."""
    clauses = [c for t in texts for c in _CLAUSES.split(t) if c]
    found: list[str] = []
    for item in items:
        for clause in clauses:
            if item.label == clause or any(
                (at := clause.find(w)) >= 0 and not _denied(clause, at) for w in item.words
            ):
                found.append(item.label)
                break
    return found
