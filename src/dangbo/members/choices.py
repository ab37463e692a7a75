"""Reference lists for member identity fields (stored as codes, shown in Vietnamese)."""

from django.db import models


class Gender(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class Status(models.TextChoices):
    PROBATIONARY = "probationary", "Dự bị"
    OFFICIAL = "official", "Chính thức"
    DELETED = "deleted", "Xóa tên"
    EXPELLED = "expelled", "Khai trừ"
    RESIGNED = "resigned", "Xin ra Đảng"
    DECEASED = "deceased", "Từ trần"
    TRANSFERRED_OUT = "transferred_out", "Chuyển ra ngoài hệ thống"
    # A second record of a person recorded twice, merged into the survivor (#22): kept with
    # its history, counted nowhere (neither active nor left).
    MERGED = "merged", "Hồ sơ trùng (đã gộp)"


ACTIVE_STATUSES = (Status.PROBATIONARY, Status.OFFICIAL)
LEFT_STATUSES = (
    Status.DELETED,
    Status.EXPELLED,
    Status.RESIGNED,
    Status.DECEASED,
    Status.TRANSFERRED_OUT,
)


class Education(models.TextChoices):
    """General education (giáo dục phổ thông)."""

    PRIMARY = "primary", "Tiểu học"
    LOWER_SECONDARY = "lower_secondary", "Trung học cơ sở"
    UPPER_SECONDARY = "upper_secondary", "Trung học phổ thông"


class Qualification(models.TextChoices):
    """Highest professional qualification (chuyên môn nghiệp vụ)."""

    NONE = "none", "Chưa qua đào tạo"
    VOCATIONAL = "vocational", "Sơ cấp/Trung cấp"
    COLLEGE = "college", "Cao đẳng"
    BACHELOR = "bachelor", "Đại học"
    MASTER = "master", "Thạc sĩ"
    DOCTOR = "doctor", "Tiến sĩ"


class TheoryLevel(models.TextChoices):
    """Political theory level (lý luận chính trị)."""

    NONE = "none", "Chưa qua đào tạo"
    ELEMENTARY = "elementary", "Sơ cấp"
    INTERMEDIATE = "intermediate", "Trung cấp"
    ADVANCED = "advanced", "Cao cấp"
    BACHELOR = "bachelor", "Cử nhân"


class Occupation(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", "Cán bộ, công chức"
    PUBLIC_EMPLOYEE = "public_employee", "Viên chức"
    ARMED_FORCES = "armed_forces", "Lực lượng vũ trang"
    ENTERPRISE = "enterprise", "Người lao động trong doanh nghiệp"
    FARMER = "farmer", "Nông dân"
    STUDENT = "student", "Học sinh, sinh viên"
    RETIRED = "retired", "Hưu trí"
    OTHER = "other", "Khác"


class Religion(models.TextChoices):
    NONE = "none", "Không"
    BUDDHISM = "buddhism", "Phật giáo"
    CATHOLIC = "catholic", "Công giáo"
    PROTESTANT = "protestant", "Tin lành"
    CAO_DAI = "cao_dai", "Cao Đài"
    HOA_HAO = "hoa_hao", "Phật giáo Hòa Hảo"
    ISLAM = "islam", "Hồi giáo"
    OTHER = "other", "Khác"


ETHNIC_GROUPS = [
    "Kinh",
    "Tày",
    "Thái",
    "Mường",
    "Khmer",
    "Hoa",
    "Nùng",
    "Mông",
    "Dao",
    "Gia Rai",
    "Ê Đê",
    "Ba Na",
    "Sán Chay",
    "Chăm",
    "Cơ Ho",
    "Xơ Đăng",
    "Sán Dìu",
    "Hrê",
    "Ra Glai",
    "Mnông",
    "Thổ",
    "Xtiêng",
    "Khơ Mú",
    "Bru - Vân Kiều",
    "Cơ Tu",
    "Giáy",
    "Tà Ôi",
    "Mạ",
    "Giẻ Triêng",
    "Co",
    "Chơ Ro",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "La Chí",
    "Kháng",
    "Phù Lá",
    "La Hủ",
    "La Ha",
    "Pà Thẻn",
    "Lự",
    "Ngái",
    "Chứt",
    "Lô Lô",
    "Mảng",
    "Cơ Lao",
    "Bố Y",
    "Cống",
    "Si La",
    "Pu Péo",
    "Rơ Măm",
    "Brâu",
    "Ơ Đu",
]
ETHNICITY_CHOICES = [(name, name) for name in ETHNIC_GROUPS]

AGE_BANDS = [
    ("18-30", "Đến 30 tuổi", 0, 30),
    ("31-40", "Từ 31 đến 40", 31, 40),
    ("41-50", "Từ 41 đến 50", 41, 50),
    ("51-60", "Từ 51 đến 60", 51, 60),
    ("61-70", "Từ 61 đến 70", 61, 70),
    ("71+", "Trên 70 tuổi", 71, 200),
]


class DisciplineForm(models.TextChoices):
    """Forms of party discipline for a member (DOMAIN.md "Inspection, supervision, discipline")."""

    REPRIMAND = "reprimand", "Khiển trách"
    WARNING = "warning", "Cảnh cáo"
    DISMISSAL = "dismissal", "Cách chức"
    EXPULSION = "expulsion", "Khai trừ"
