"""Building upload files for import tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from dangbo.imports.rules import MEMBER_SHAPE, ORG_SHAPE

MEMBER_HEADERS = [c.label for c in MEMBER_SHAPE.columns]
ORG_HEADERS = [c.label for c in ORG_SHAPE.columns]


def xlsx_bytes(headers, rows, title="Đảng viên") -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = title
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="dang_vien.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def member_row(
    name="Hoàng Văn Mới",
    org="Chi bộ Văn phòng",
    id_number="",
    birth="15/03/1990",
    admitted="19/05/2015",
    official="19/05/2016",
    gender="Nam",
    system_id=None,
    **extra,
):
    values = {
        "id": system_id,
        "full_name": name,
        "gender": gender,
        "birth_date": birth,
        "id_number": id_number,
        "admitted_on": admitted,
        "official_on": official,
        "organization": org,
    }
    values.update(extra)
    return [values.get(c.field) for c in MEMBER_SHAPE.columns]
