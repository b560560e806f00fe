"""Code lists from the national standards, with the Chinese names the clinics know."""

from __future__ import annotations

# GB/T 2261.1 sex codes.
SEX = {"1": "男", "2": "女", "0": "未知", "9": "未说明"}

# CV07.10.005 医疗付费方式. 02 and 03 merged in 2016 into 城乡居民基本医疗保险; the merged
# scheme gets its own code "10" here and is offered first; 02/03 stay readable for old records.
PAYMENT_MERGED = "10"
PAYMENT_TYPES = {
    "10": "城乡居民基本医疗保险",
    "01": "城镇职工基本医疗保险",
    "04": "贫困救助",
    "05": "商业医疗保险",
    "06": "全公费",
    "07": "全自费",
    "08": "其他社会保险",
    "99": "其他",
    "02": "城镇居民基本医疗保险",
    "03": "新型农村合作医疗",
}
PAYMENT_LEGACY = {"02", "03"}


def payment_label(code: str | None) -> str:
    if not code:
        return ""
    label = PAYMENT_TYPES.get(code, code)
    return f"{label}（旧）" if code in PAYMENT_LEGACY else label
