"""The shapes of the import sheets: their columns, headers, aliases, choices and examples.

Pure data, no database access; rules.py reads cells by these shapes."""

from dataclasses import dataclass, field

from dangbo.meetings.models import Grade as MeetingGrade
from dangbo.meetings.models import Kind as MeetingKind
from dangbo.members.choices import (
    ETHNIC_GROUPS,
    Education,
    Gender,
    Occupation,
    Qualification,
    Religion,
    Status,
    TheoryLevel,
)
from dangbo.reviews import rules as review_rules
from dangbo.reviews.models import Exemption as ReviewExemption
from dangbo.reviews.models import Grade as ReviewGrade


@dataclass(frozen=True)
class Column:
    """One column of an import shape: the field it fills and how its cells are read."""

    field: str
    header: str
    # text | date | choice | id_number | system_id | org | org_type | count | year | score
    kind: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = 255
    aliases: tuple[str, ...] = ()
    note: str = ""
    # (value, text) pairs a choice cell also accepts (short forms), not offered in the lists
    synonyms: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return self.header + (" *" if self.required else "")


@dataclass(frozen=True)
class Shape:
    """The columns of one kind of import (members, orgs), in template order."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    example: tuple = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


def _choices(text_choices) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in text_choices.choices)


SAME_NAME_NOTE = (
    " Tên trùng: ghi kèm cấp trên, «Chi bộ Văn phòng — Đảng bộ Sở Tư pháp», hoặc đường dẫn "
    "«Đảng bộ Sở Tư pháp > Chi bộ Văn phòng»."
)

MEMBER_SHAPE = Shape(
    kind="members",
    title="Đảng viên",
    columns=(
        Column(
            "id",
            "Mã hệ thống",
            "system_id",
            aliases=("ma he thong", "ma dang vien", "id"),
            note="Để trống khi thêm mới; giữ nguyên khi cập nhật từ tệp đã xuất.",
        ),
        Column("full_name", "Họ và tên", "text", True, max_length=120, aliases=("ho ten",)),
        Column("gender", "Giới tính", "choice", True, _choices(Gender)),
        Column("birth_date", "Ngày sinh", "date", True),
        Column(
            "id_number",
            "Số định danh cá nhân",
            "id_number",
            aliases=("so cccd", "cccd", "so can cuoc", "so dinh danh", "so the dang vien"),
        ),
        Column("place_of_origin", "Quê quán", "text"),
        Column("ethnicity", "Dân tộc", "choice", False, tuple((e, e) for e in ETHNIC_GROUPS)),
        Column("religion", "Tôn giáo", "choice", False, _choices(Religion)),
        Column("history_number", "Số lý lịch", "text", max_length=30),
        Column("education", "Giáo dục phổ thông", "choice", False, _choices(Education)),
        Column("qualification", "Chuyên môn nghiệp vụ", "choice", False, _choices(Qualification)),
        Column(
            "theory_level",
            "Lý luận chính trị",
            "choice",
            False,
            _choices(TheoryLevel),
            aliases=("trinh do ly luan chinh tri",),
        ),
        Column("occupation", "Nghề nghiệp", "choice", False, _choices(Occupation)),
        Column("workplace", "Nơi làm việc", "text", aliases=("don vi cong tac",)),
        Column(
            "admitted_on",
            "Ngày vào Đảng",
            "date",
            True,
            aliases=("ngay ket nap", "ngay quyet dinh ket nap"),
        ),
        Column("ceremony_on", "Ngày lễ kết nạp", "date"),
        Column("official_on", "Ngày chính thức", "date", aliases=("ngay cong nhan chinh thuc",)),
        Column(
            "organization",
            "Chi bộ",
            "org",
            True,
            aliases=("chi bo sinh hoat", "to chuc dang", "noi sinh hoat"),
            note="Tên chi bộ (có dấu hoặc không dấu), mã tổ chức, hoặc #mã hệ thống."
            + SAME_NAME_NOTE,
        ),
    ),
    example=(
        None,
        "Nguyễn Văn Mẫu",
        "Nam",
        "15/03/1985",
        "001085001234",
        "Hà Nội",
        "Kinh",
        "Không",
        "LL-0001",
        "Trung học phổ thông",
        "Đại học",
        "Trung cấp",
        "Cán bộ, công chức",
        "Sở Tư pháp",
        "19/05/2010",
        "19/05/2010",
        "19/05/2011",
        None,
    ),
)

ORG_SHAPE = Shape(
    kind="organizations",
    title="Tổ chức đảng",
    columns=(
        Column("id", "Mã hệ thống", "system_id", aliases=("id",), note="Để trống khi thêm mới."),
        Column("name", "Tên tổ chức", "text", True, aliases=("ten",)),
        Column("code", "Mã tổ chức", "text", max_length=40),
        Column("org_type", "Loại tổ chức", "org_type", True),
        Column(
            "parent",
            "Tổ chức cấp trên",
            "org",
            True,
            aliases=("cap tren", "truc thuoc"),
            note="Tên, mã tổ chức hoặc #mã hệ thống; có thể là tổ chức ở một dòng khác của tệp."
            + SAME_NAME_NOTE,
        ),
        Column("founded_on", "Ngày thành lập", "date", True),
        Column("decision_number", "Số quyết định thành lập", "text", True, max_length=60),
        Column("signer", "Người ký", "text", True, max_length=120),
    ),
    example=(
        None,
        "Chi bộ Phòng Mẫu",
        "CB-MAU",
        "Chi bộ trực thuộc",
        None,
        "01/01/2024",
        "12-QĐ/ĐU",
        "Nguyễn Văn Ký",
    ),
)

MEETING_SHAPE = Shape(
    kind="meetings",
    title="Sinh hoạt chi bộ",
    columns=(
        Column("id", "Mã hệ thống", "system_id", aliases=("id",), note="Để trống khi thêm mới."),
        Column(
            "organization",
            "Chi bộ",
            "org",
            True,
            note="Tên chi bộ (có dấu hoặc không dấu), mã tổ chức, hoặc #mã hệ thống."
            + SAME_NAME_NOTE,
        ),
        Column("kind", "Loại sinh hoạt", "choice", True, _choices(MeetingKind)),
        Column("planned_on", "Ngày sinh hoạt", "date", True, aliases=("ngay hop", "ngay")),
        Column("topic", "Chủ đề", "text", note="Bắt buộc với sinh hoạt chuyên đề."),
        Column(
            "expected_count",
            "Số đảng viên phải dự",
            "count",
            True,
            aliases=("phai du", "tong so dang vien"),
        ),
        Column("attended_count", "Có mặt", "count", True, aliases=("so co mat", "du hop")),
        Column("excused_count", "Vắng có lý do", "count"),
        Column("unexcused_count", "Vắng không lý do", "count"),
        Column("grade", "Xếp loại buổi sinh hoạt", "choice", False, _choices(MeetingGrade)),
    ),
    example=(None, "Chi bộ Văn phòng", "Thường kỳ", "05/01/2025", "", 12, 11, 1, 0, "Tốt"),
)

ADMISSION_SHAPE = Shape(
    kind="admissions",
    title="Quần chúng ưu tú",
    columns=(
        Column("id", "Mã hệ thống", "system_id", aliases=("id",), note="Để trống khi thêm mới."),
        *(
            MEMBER_SHAPE.column(name)
            for name in (
                "full_name",
                "gender",
                "birth_date",
                "id_number",
                "place_of_origin",
                "ethnicity",
                "religion",
                "occupation",
                "workplace",
            )
        ),
        Column(
            "organization",
            "Chi bộ",
            "org",
            True,
            note="Chi bộ giới thiệu: tên (có dấu hoặc không dấu), mã tổ chức, hoặc #mã hệ thống.",
        ),
        Column(
            "identified_on",
            "Ngày xác định là quần chúng ưu tú",
            "date",
            True,
            aliases=("ngay xac dinh", "ngay quan chung uu tu"),
        ),
    ),
    example=(
        None,
        "Trần Thị Mẫu",
        "Nữ",
        "20/10/1998",
        "001198001234",
        "Hà Nội",
        "Kinh",
        "Không",
        "Cán bộ, công chức",
        "Sở Tư pháp",
        None,
        "15/01/2025",
    ),
)

GRADE_SYNONYMS = tuple(
    (grade, text)
    for grade, texts in {
        review_rules.EXCELLENT: ("HTXSNV", "Hoàn thành xuất sắc", "Xuất sắc"),
        review_rules.GOOD: ("HTTNV", "Hoàn thành tốt", "Tốt"),
        review_rules.COMPLETED: ("HTNV", "Hoàn thành"),
        review_rules.NOT_COMPLETED: ("KHTNV", "Không hoàn thành"),
    }.items()
    for text in texts
)
EXEMPTION_SYNONYMS = (
    (review_rules.EXCUSED, "Miễn công tác và sinh hoạt đảng"),
    (review_rules.EXCUSED, "Miễn sinh hoạt"),
    (review_rules.SUSPENDED, "Đình chỉ sinh hoạt đảng"),
    (review_rules.SUSPENDED, "Đình chỉ sinh hoạt"),
    (review_rules.RECENTLY_ADMITTED, "Chưa đủ 6 tháng"),
    (review_rules.RECENTLY_ADMITTED, "Mới kết nạp"),
)

REVIEW_SHAPE = Shape(
    kind="reviews",
    title="Kết quả xếp loại",
    columns=(
        Column(
            "id",
            "Mã hệ thống đảng viên",
            "system_id",
            aliases=("ma he thong", "ma dang vien", "id"),
            note="Mã hệ thống của đảng viên (như tệp xuất đảng viên). Có thể để trống khi ghi "
            "số định danh, hoặc họ tên và ngày sinh.",
        ),
        Column(
            "full_name",
            "Họ và tên",
            "text",
            max_length=120,
            aliases=("ho ten",),
            note="Không bắt buộc khi có mã hệ thống hoặc số định danh; nếu ghi thì phải khớp.",
        ),
        Column("birth_date", "Ngày sinh", "date"),
        MEMBER_SHAPE.column("id_number"),
        Column(
            "organization",
            "Chi bộ",
            "org",
            aliases=("chi bo sinh hoat", "to chuc dang", "noi sinh hoat"),
            note="Chỉ dùng để tìm đảng viên theo họ tên và ngày sinh; không đổi nơi sinh hoạt.",
        ),
        Column("year", "Năm đánh giá", "year", True, aliases=("nam", "nam xep loai")),
        Column(
            "grade",
            "Xếp loại",
            "choice",
            False,
            _choices(ReviewGrade),
            aliases=("ket qua xep loai", "muc xep loai", "xep loai chat luong"),
            note="Để trống khi đảng viên không xếp loại (ghi lý do ở cột sau).",
            synonyms=GRADE_SYNONYMS,
        ),
        Column(
            "exemption",
            "Lý do không xếp loại",
            "choice",
            False,
            _choices(ReviewExemption),
            aliases=("khong xep loai",),
            synonyms=EXEMPTION_SYNONYMS,
        ),
        Column(
            "decision",
            "Số quyết định, căn cứ",
            "text",
            max_length=120,
            aliases=("so quyet dinh", "can cu", "quyet dinh"),
            note="Bắt buộc khi điều chỉnh kết quả của năm đã được cấp ủy quyết định theo quy "
            "trình trên hệ thống.",
        ),
        Column(
            "score",
            "Tổng điểm",
            "score",
            aliases=("diem", "tong diem", "diem danh gia", "score"),
            note="Không bắt buộc: tổng điểm đã báo cáo năm đó (0–100), ghi cùng kết quả mới.",
        ),
    ),
    example=(
        None,
        "Nguyễn Văn Mẫu",
        "15/03/1985",
        "001085001234",
        "Chi bộ Văn phòng",
        2024,
        "Hoàn thành tốt nhiệm vụ",
        None,
        None,
        None,
    ),
)

ORG_REVIEW_SHAPE = Shape(
    kind="org_reviews",
    title="Xếp loại tổ chức đảng",
    columns=(
        Column(
            "id",
            "Mã hệ thống tổ chức",
            "system_id",
            aliases=("ma he thong", "id"),
            note="Mã hệ thống của tổ chức (như tệp xuất tổ chức đảng); có thể để trống.",
        ),
        Column(
            "organization",
            "Tổ chức đảng",
            "org",
            True,
            aliases=("ten to chuc", "to chuc", "chi bo", "ten"),
            note="Chi bộ hoặc tổ chức cơ sở đảng: tên (có dấu hoặc không dấu), mã tổ chức, "
            "hoặc #mã hệ thống.",
        ),
        REVIEW_SHAPE.column("year"),
        Column(
            "grade",
            "Xếp loại",
            "choice",
            True,
            _choices(ReviewGrade),
            aliases=("ket qua xep loai", "muc xep loai", "xep loai chat luong"),
            synonyms=GRADE_SYNONYMS,
        ),
        REVIEW_SHAPE.column("decision"),
    ),
    example=(None, "Chi bộ Văn phòng", 2024, "Hoàn thành tốt nhiệm vụ", None),
)

USER_SHAPE = Shape(
    kind="users",
    title="Người dùng và vai trò",
    columns=(
        Column("id", "Mã hệ thống", "system_id", aliases=("id",), note="Để trống khi thêm mới."),
        Column(
            "username",
            "Tên đăng nhập",
            "text",
            True,
            max_length=150,
            aliases=("username", "tai khoan", "ten tai khoan", "user"),
            note="Chữ, số và . @ + - _ (không dấu cách). Không ghi mật khẩu trong tệp: quản "
            "trị đặt mật khẩu cho từng tài khoản ở màn hình Người dùng sau khi nhập.",
        ),
        Column(
            "full_name",
            "Họ và tên",
            "text",
            True,
            max_length=150,
            aliases=("ho ten", "full name", "name"),
        ),
        Column("email", "Thư điện tử", "text", max_length=254, aliases=("email", "e-mail")),
        Column(
            "organization",
            "Đơn vị",
            "org",
            True,
            aliases=("to chuc", "don vi cong tac", "organization"),
            note="Đơn vị quản lý tài khoản (trong phạm vi quản trị của bạn)." + SAME_NAME_NOTE,
        ),
        Column(
            "role",
            "Vai trò",
            "text",
            max_length=100,
            aliases=("role", "quyen", "vai tro duoc giao"),
            note="Tên hoặc mã vai trò; chỉ những vai trò bạn được phép giao.",
        ),
        Column(
            "role_organization",
            "Giao vai trò tại",
            "org",
            aliases=("pham vi vai tro", "role organization"),
            note="Để trống: giao tại chính đơn vị của tài khoản.",
        ),
    ),
    example=(
        None,
        "nguyenvana",
        "Nguyễn Văn A",
        "nguyenvana@example.vn",
        "Chi bộ Văn phòng",
        "Chỉ xem",
        None,
    ),
)

OUTSIDE_TREE = "Ngoài hệ thống"
HISTORY_PLACEMENT, HISTORY_STATUS = "placement", "status"
READMISSION = "readmission"  # parsed only to say it has its own screen

HISTORY_SHAPE = Shape(
    kind="history",
    title="Sinh hoạt và trạng thái",
    columns=(
        Column(
            "id",
            "Mã hệ thống đảng viên",
            "system_id",
            aliases=("ma he thong", "ma dang vien", "id"),
            note="Mã hệ thống của đảng viên đã có trong sổ (như tệp xuất đảng viên); có thể để "
            "trống khi ghi số định danh.",
        ),
        MEMBER_SHAPE.column("id_number"),
        Column(
            "full_name",
            "Họ và tên",
            "text",
            max_length=120,
            aliases=("ho ten",),
            note="Không bắt buộc; nếu ghi thì phải khớp với đảng viên (không phân biệt dấu, hoa "
            "thường).",
        ),
        Column(
            "entry",
            "Loại",
            "choice",
            True,
            ((HISTORY_PLACEMENT, "Sinh hoạt"), (HISTORY_STATUS, "Trạng thái")),
            aliases=("loai thong tin", "loai qua trinh"),
            note="«Sinh hoạt»: một thời gian sinh hoạt tại một tổ chức (hoặc ngoài hệ thống); "
            "«Trạng thái»: công nhận chính thức hoặc ra khỏi Đảng.",
            synonyms=(
                (HISTORY_PLACEMENT, "Quá trình sinh hoạt"),
                (HISTORY_PLACEMENT, "Nơi sinh hoạt"),
                (HISTORY_STATUS, "Thay đổi trạng thái"),
            ),
        ),
        Column(
            "valid_from",
            "Từ ngày",
            "date",
            True,
            aliases=("tu", "ngay hieu luc", "ngay bat dau"),
            note="Sinh hoạt: ngày bắt đầu; trạng thái: ngày hiệu lực.",
        ),
        Column(
            "valid_to",
            "Đến ngày",
            "date",
            aliases=("den", "ngay ket thuc"),
            note="Chỉ với dòng «Sinh hoạt»: bắt buộc với nơi sinh hoạt trước đây; để trống chỉ "
            "khi là chi bộ đảng viên đang sinh hoạt.",
        ),
        Column(
            "organization",
            "Tổ chức",
            "org",
            aliases=("chi bo", "chi bo sinh hoat", "noi sinh hoat", "to chuc dang"),
            note="Chỉ với dòng «Sinh hoạt»: chi bộ (kể cả chi bộ đã giải thể), bằng tên, mã tổ "
            f"chức hoặc #mã hệ thống; để trống hoặc ghi «{OUTSIDE_TREE}» cho thời gian sinh hoạt "
            "ngoài hệ thống." + SAME_NAME_NOTE,
        ),
        Column(
            "status",
            "Trạng thái",
            "choice",
            False,
            tuple(
                (str(value), str(label))
                for value, label in Status.choices
                if value not in (Status.PROBATIONARY, Status.MERGED)
            ),
            aliases=("tinh trang", "trang thai moi"),
            note="Chỉ với dòng «Trạng thái»: Chính thức, hoặc một hình thức ra khỏi Đảng (Xóa "
            "tên, Khai trừ, Xin ra Đảng, Từ trần, Chuyển ra ngoài hệ thống).",
            synonyms=(
                (READMISSION, "Kết nạp lại"),
                (str(Status.PROBATIONARY), str(Status.PROBATIONARY.label)),
                (str(Status.DECEASED), "Chết"),
                (str(Status.OFFICIAL), "Công nhận chính thức"),
            ),
        ),
        Column(
            "decision_number",
            "Số quyết định",
            "text",
            max_length=60,
            aliases=("so qd", "quyet dinh", "so giay gioi thieu"),
            note="Bắt buộc với dòng «Trạng thái» (như trên màn hình).",
        ),
        Column("note", "Ghi chú", "text", aliases=("ly do", "noi dung")),
    ),
    example=(
        None,
        "001085001234",
        "Nguyễn Văn Mẫu",
        "Sinh hoạt",
        "19/05/2010",
        "01/03/2015",
        "Chi bộ Văn phòng",
        None,
        "25-QĐ/ĐU",
        "Chuyển sinh hoạt",
    ),
)

SHAPES = {
    s.kind: s
    for s in (
        MEMBER_SHAPE,
        ORG_SHAPE,
        MEETING_SHAPE,
        ADMISSION_SHAPE,
        REVIEW_SHAPE,
        ORG_REVIEW_SHAPE,
        USER_SHAPE,
        HISTORY_SHAPE,
    )
}
