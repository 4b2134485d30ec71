"""Models of the training app: courses and sessions (培训班), trainees with their attendance and hours,
certificates with their expiry, the question bank, online exams with their attempts, and the 宣教素材库.

Who writes: the county roles everything; a township or department operator the sessions and trainees of its own
unit (scoping keeps a department to its department, a township to its area); an enterprise its own staff's
trainees, sessions and certificates. The question bank and courses are the county's; exams are set by the
county, a township or a department for its area."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models

from anlan.core.fields import EncryptedCharField
from anlan.core.models import AnlanModel
from anlan.core.roles import COUNTY_ROLES, NOBODY, SECTOR_REGISTRY_ROLES, Role
from anlan.core.scoping import ScopedManager, ScopeSpec
from anlan.core.validators import validate_phone

# Sessions, trainees and certificates: the county, townships and departments for their unit, enterprises their own.
UNIT_WRITERS = frozenset({*SECTOR_REGISTRY_ROLES, Role.ENTERPRISE_USER})


class Audience(models.TextChoices):
    """Who a course, a question or a material is for; also a trainee's category (the training rate counts
    trainees of one category in one unit)."""

    CADRE = "cadre", "领导干部/应急干部"
    GRID = "grid", "网格员/信息员"
    PRINCIPAL = "principal", "企业主要负责人"
    SAFETY = "safety", "安全管理人员"
    RESCUE = "rescue", "救援队伍"


class Topic(models.TextChoices):
    """The hazard a course, question or material is about."""

    SAFETY = "safety", "安全生产"
    FLOOD = "flood", "防汛抗旱"
    FOREST_FIRE = "forest_fire", "森林防火"
    GEO = "geo", "地质灾害"
    QUAKE = "quake", "地震灾害"
    RESCUE = "rescue", "应急救援"
    GENERAL = "general", "综合应急管理"


class Course(AnlanModel):
    """A course the county (or a township) offers: what is taught to whom, for how many class hours."""

    title = models.CharField("课程名称", max_length=200)
    audience = models.CharField("培训对象", max_length=12, choices=Audience.choices)
    topic = models.CharField("专题", max_length=12, choices=Topic.choices)
    hours = models.DecimalField(
        "学时", max_digits=5, decimal_places=1, validators=[MinValueValidator(0.5), MaxValueValidator(200)]
    )
    outline = models.TextField("课程内容", blank=True)
    region = models.ForeignKey("geo.Region", verbose_name="开设区划", on_delete=models.PROTECT, related_name="+")

    # Townships and departments read the county's courses when they organise a session of one.
    scope_spec = ScopeSpec(region="region", ancestors_visible=True, shared=True)
    write_roles = frozenset({*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR})

    class Meta:
        verbose_name = "培训课程"
        verbose_name_plural = "培训课程"
        ordering = ["audience", "title", "id"]

    def __str__(self):
        return self.title


class TrainingSession(AnlanModel):
    """One run of a course (培训班): who organised it, when and where, who taught, how many seats."""

    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField("培训班名称", max_length=200)
    region = models.ForeignKey("geo.Region", verbose_name="组织区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="组织部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="组织企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    place = models.CharField("培训地点", max_length=200)
    trainer = models.CharField("授课人", max_length=100)
    capacity = models.PositiveIntegerField("计划人数", validators=[MinValueValidator(1), MaxValueValidator(5000)])
    hours = models.DecimalField(
        "学时",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(200)],
        help_text="参训合格者记入的学时",
    )

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")
    write_roles = UNIT_WRITERS

    class Meta:
        verbose_name = "培训班"
        verbose_name_plural = "培训班"
        ordering = ["-starts_on", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "结束日期不能早于开始日期"})


class Trainee(AnlanModel):
    """A person who is trained (参训人员).

    Why a model of its own rather than accounts.User or registry.Person: most people trained — grid workers,
    enterprise principals and safety managers, rescue team members — have no account, and registry.Person
    holds only those with a duty role (责任人); the training rate needs *every* person of a category in a unit
    as its denominator. So a trainee names the unit the rate groups by (a department, a township's area, an
    enterprise or a rescue team) and may link to the account (so a logged-in user sees "my exams"), the
    responsible person and the rescue team it is the same person or team as. The phone is encrypted at rest
    and masked for roles without need, as registry.Person's."""

    class UnitKind(models.TextChoices):
        DEPARTMENT = "department", "行业部门"
        TOWNSHIP = "township", "乡镇（街道）"
        ENTERPRISE = "enterprise", "企业"
        TEAM = "team", "救援队伍"

    name = models.CharField("姓名", max_length=64)
    category = models.CharField("人员类别", max_length=12, choices=Audience.choices)
    unit_kind = models.CharField("单位类型", max_length=12, choices=UnitKind.choices)
    region = models.ForeignKey("geo.Region", verbose_name="所在区划", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "registry.Department",
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "resources.RescueTeam",
        verbose_name="所属救援队伍",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.CharField("职务", max_length=64, blank=True)
    phone = EncryptedCharField(
        "手机号码", sensitive_kind="phone", max_length_plain=20, blank=True, validators=[validate_phone]
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="平台账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainee_records",
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name="对应责任人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField("在岗", default=True, help_text="离岗人员不计入培训率")

    scope_spec = ScopeSpec(region="region", department="department", enterprise="enterprise")
    write_roles = UNIT_WRITERS

    class Meta:
        verbose_name = "参训人员"
        verbose_name_plural = "参训人员"
        ordering = ["region_id", "name", "id"]
        indexes = [models.Index(fields=["category", "unit_kind"])]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        needed = {
            self.UnitKind.DEPARTMENT: ("department", "请选择所属部门"),
            self.UnitKind.ENTERPRISE: ("enterprise", "请选择所属企业"),
            self.UnitKind.TEAM: ("team", "请选择所属救援队伍"),
        }.get(self.unit_kind)
        if needed and not getattr(self, f"{needed[0]}_id"):
            raise ValidationError({needed[0]: needed[1]})

    @property
    def unit_label(self) -> str:
        if self.unit_kind == self.UnitKind.DEPARTMENT and self.department_id:
            return self.department.name
        if self.unit_kind == self.UnitKind.ENTERPRISE and self.enterprise_id:
            return self.enterprise.name
        if self.unit_kind == self.UnitKind.TEAM and self.team_id:
            return self.team.name
        return self.region.name


class Attendance(models.Model):
    """One trainee at one session: attended or not, the hours credited, passed the session's test or not."""

    session = models.ForeignKey(
        TrainingSession, verbose_name="培训班", on_delete=models.CASCADE, related_name="attendances"
    )
    trainee = models.ForeignKey(Trainee, verbose_name="参训人员", on_delete=models.PROTECT, related_name="attendances")
    attended = models.BooleanField("到课", default=True)
    hours = models.DecimalField(
        "记入学时", max_digits=5, decimal_places=1, default=0, validators=[MinValueValidator(0), MaxValueValidator(200)]
    )
    passed = models.BooleanField("考核合格", null=True, blank=True)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="session__region", department="session__department", enterprise="session__enterprise")
    write_roles = NOBODY  # written by services.attendance_save, which checks the right to change the session

    class Meta:
        verbose_name = "参训记录"
        verbose_name_plural = "参训记录"
        ordering = ["session", "trainee__name", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "trainee"], name="training_one_attendance")]

    def __str__(self):
        return f"{self.trainee} @ {self.session}"


class Certificate(AnlanModel):
    """A certificate a trainee holds (合格证、特种作业操作证 …), with its expiry: the list of those expiring within
    90 days and the daily reminder read `expires_on`. Passing an exam that issues certificates renews one."""

    class Kind(models.TextChoices):
        PRINCIPAL = "principal", "主要负责人安全生产知识和管理能力考核合格证"
        SAFETY = "safety", "安全生产管理人员安全生产知识和管理能力考核合格证"
        SPECIAL = "special", "特种作业操作证"
        RESCUER = "rescuer", "应急救援员职业技能证书"
        TRAINING = "training", "培训合格证明"

    trainee = models.ForeignKey(Trainee, verbose_name="持证人", on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField("证书类别", max_length=12, choices=Kind.choices)
    number = models.CharField("证书编号", max_length=64)
    issuer = models.CharField("发证机关", max_length=100, blank=True)
    issued_on = models.DateField("发证日期")
    expires_on = models.DateField("有效期至")
    exam = models.ForeignKey(
        "training.Exam", verbose_name="考试", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_spec = ScopeSpec(region="trainee__region", department="trainee__department", enterprise="trainee__enterprise")
    write_roles = UNIT_WRITERS

    class Meta:
        verbose_name = "证书"
        verbose_name_plural = "证书"
        ordering = ["expires_on", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="training_certificate_number")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        super().clean()
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": "有效期至应晚于发证日期"})


LETTERS = "ABCDEF"
TRUE_WORDS = {"对", "正确", "√", "是", "T", "TRUE"}
FALSE_WORDS = {"错", "错误", "×", "否", "F", "FALSE"}


def normalise_answer(kind: str, raw: str) -> str:
    """An answer as stored: letters in order without separators ("CA" → "AC"), or 对/错 for true/false."""
    text = (raw or "").strip().upper()
    if kind == Question.Kind.TRUE_FALSE:
        if text in TRUE_WORDS:
            return "对"
        if text in FALSE_WORDS:
            return "错"
        return text
    letters = re.sub(r"[\s,，、;；]", "", text)
    return "".join(sorted(set(letters)))


class Question(AnlanModel):
    """A question of the bank: single choice (one correct option), multiple choice (two or more) or true/false;
    options A–F are fields of their own, so the bank is kept in one Excel sheet a row per question."""

    class Kind(models.TextChoices):
        SINGLE = "single", "单选题"
        MULTIPLE = "multiple", "多选题"
        TRUE_FALSE = "truefalse", "判断题"

    kind = models.CharField("题型", max_length=10, choices=Kind.choices)
    stem = models.TextField("题干")
    option_a = models.CharField("选项A", max_length=300, blank=True)
    option_b = models.CharField("选项B", max_length=300, blank=True)
    option_c = models.CharField("选项C", max_length=300, blank=True)
    option_d = models.CharField("选项D", max_length=300, blank=True)
    option_e = models.CharField("选项E", max_length=300, blank=True)
    option_f = models.CharField("选项F", max_length=300, blank=True)
    answer = models.CharField("答案", max_length=6, help_text="选择题填选项字母（多选如 ACD），判断题填“对”或“错”")
    explanation = models.TextField("解析", blank=True)
    topic = models.CharField("专题", max_length=12, choices=Topic.choices)
    audience = models.CharField("适用对象", max_length=12, choices=Audience.choices, blank=True, help_text="空为通用")
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = COUNTY_ROLES

    class Meta:
        verbose_name = "试题"
        verbose_name_plural = "题库"
        ordering = ["topic", "kind", "id"]

    def __str__(self):
        return self.stem[:40]

    def options(self) -> list[tuple[str, str]]:
        """(letter, text) of the filled options, in order; 对/错 for a true/false question."""
        if self.kind == self.Kind.TRUE_FALSE:
            return [("对", "正确"), ("错", "错误")]
        return [(letter, text) for letter in LETTERS if (text := getattr(self, f"option_{letter.lower()}"))]

    def clean(self):
        super().clean()
        self.answer = normalise_answer(self.kind, self.answer)
        if self.kind == self.Kind.TRUE_FALSE:
            if self.answer not in ("对", "错"):
                raise ValidationError({"answer": "判断题的答案只能是“对”或“错”"})
            if any(getattr(self, f"option_{x.lower()}") for x in LETTERS):
                raise ValidationError({"option_a": "判断题不填选项"})
            return
        filled = [letter for letter in LETTERS if getattr(self, f"option_{letter.lower()}")]
        if filled != list(LETTERS[: len(filled)]):
            raise ValidationError({"option_a": "选项须从 A 起连续填写，不能跳过"})
        if len(filled) < 2:
            raise ValidationError({"option_b": "选择题至少要有 A、B 两个选项"})
        if not self.answer or any(ch not in filled for ch in self.answer):
            raise ValidationError({"answer": f"答案须是已填选项的字母（{'、'.join(filled)}）"})
        if self.kind == self.Kind.SINGLE and len(self.answer) != 1:
            raise ValidationError({"answer": "单选题只能有一个正确答案"})
        if self.kind == self.Kind.MULTIPLE and len(self.answer) < 2:
            raise ValidationError({"answer": "多选题至少要有两个正确答案"})


class Exam(AnlanModel):
    """An online exam: fixed questions or drawn from the bank (by topic and audience), a pass mark, a time
    limit, a window, an attempts limit; its candidates take it on the phone by their signed link or logged in.
    Passing may issue or renew a certificate of `certificate_kind` valid `certificate_years`."""

    class Mode(models.TextChoices):
        FIXED = "fixed", "固定试题"
        DRAW = "draw", "随机抽题"

    title = models.CharField("考试名称", max_length=200)
    region = models.ForeignKey("geo.Region", verbose_name="组织区划", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        TrainingSession, verbose_name="培训班", null=True, blank=True, on_delete=models.SET_NULL, related_name="exams"
    )
    mode = models.CharField("组卷方式", max_length=6, choices=Mode.choices, default=Mode.DRAW)
    questions = models.ManyToManyField(Question, verbose_name="固定试题", blank=True, related_name="+")
    draw_count = models.PositiveIntegerField(
        "抽题数",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="随机抽题时每人的题数",
    )
    draw_topic = models.CharField(
        "抽题专题", max_length=12, choices=Topic.choices, blank=True, help_text="空为全部专题"
    )
    draw_audience = models.CharField(
        "抽题对象", max_length=12, choices=Audience.choices, blank=True, help_text="抽该对象的题和通用题；空为全部"
    )
    pass_mark = models.PositiveIntegerField(
        "及格分", default=60, validators=[MinValueValidator(1), MaxValueValidator(100)], help_text="满分 100 分"
    )
    time_limit_minutes = models.PositiveIntegerField(
        "考试时长（分钟）", default=30, validators=[MinValueValidator(1), MaxValueValidator(300)]
    )
    opens_at = models.DateTimeField("开考时间")
    closes_at = models.DateTimeField("截止时间")
    max_attempts = models.PositiveIntegerField(
        "可考次数", default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    partial_credit = models.BooleanField(
        "多选题少选得半分", default=False, help_text="不勾选时多选题须全部选对且不多选才得分"
    )
    candidates = models.ManyToManyField(Trainee, verbose_name="考生", blank=True, related_name="exams")
    issue_certificate = models.BooleanField("合格发证", default=False, help_text="考试合格时发放或续期证书")
    certificate_kind = models.CharField(
        "发放证书类别", max_length=12, choices=Certificate.Kind.choices, default=Certificate.Kind.TRAINING
    )
    certificate_years = models.PositiveIntegerField(
        "证书有效期（年）", default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    scope_spec = ScopeSpec(region="region")
    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "在线考试"
        verbose_name_plural = "在线考试"
        ordering = ["-opens_at", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "截止时间应晚于开考时间"})


class Attempt(models.Model):
    """One sitting of an exam by one candidate: the questions it drew (in order), the answers, the score."""

    class Via(models.TextChoices):
        LINK = "link", "短信链接"
        LOGIN = "login", "登录作答"

    exam = models.ForeignKey(Exam, verbose_name="考试", on_delete=models.CASCADE, related_name="attempts")
    trainee = models.ForeignKey(Trainee, verbose_name="考生", on_delete=models.PROTECT, related_name="attempts")
    via = models.CharField("作答方式", max_length=6, choices=Via.choices)
    question_ids = models.JSONField("试题", default=list)
    answers = models.JSONField("作答", default=dict, blank=True)
    started_at = models.DateTimeField("开始时间")
    due_at = models.DateTimeField("交卷时限")
    submitted_at = models.DateTimeField("交卷时间", null=True, blank=True)
    timed_out = models.BooleanField("超时", default=False)
    correct = models.PositiveIntegerField("答对题数", default=0)
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField("合格", null=True, blank=True)

    objects = ScopedManager()

    scope_spec = ScopeSpec(region="exam__region")
    write_roles = NOBODY  # written by services.attempt_start / attempt_submit

    class Meta:
        verbose_name = "考试记录"
        verbose_name_plural = "考试记录"
        ordering = ["exam", "-started_at", "id"]
        indexes = [models.Index(fields=["exam", "trainee"])]

    def __str__(self):
        return f"{self.trainee} · {self.exam}"


class Material(AnlanModel):
    """A 宣教 material: a document or an image stored through core.uploads (type checked by content, size
    limited), or a video given by its address (the allow-list of uploads holds no video type: videos stay on
    the platform that streams them, e.g. the national 应急科普 site). Public ones are shown on /p/kepu/."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", "文档"
        IMAGE = "image", "图片"
        VIDEO = "video", "视频"

    title = models.CharField("标题", max_length=200)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    topic = models.CharField("灾种", max_length=12, choices=Topic.choices)
    audience = models.CharField(
        "适用对象", max_length=12, choices=Audience.choices, blank=True, help_text="空为社会公众"
    )
    summary = models.TextField("简介", blank=True)
    file = models.FileField("文件", upload_to="training/materials/%Y/%m/", blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    video_url = models.CharField(
        "视频地址",
        max_length=300,
        blank=True,
        validators=[URLValidator(schemes=["https"], message="视频地址须是 https:// 开头的网址")],
        help_text="https 开头的视频播放页地址",
    )
    is_public = models.BooleanField("公开到科普页", default=False)
    region = models.ForeignKey("geo.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+")

    scope_spec = ScopeSpec(region="region", ancestors_visible=True)
    write_roles = SECTOR_REGISTRY_ROLES

    class Meta:
        verbose_name = "宣教素材"
        verbose_name_plural = "宣教素材"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.kind == self.Kind.VIDEO:
            if not self.video_url:
                raise ValidationError({"video_url": "视频素材请填写视频地址"})
            if not self.video_url.startswith("https://"):
                raise ValidationError({"video_url": "视频地址须以 https:// 开头"})
        elif self.video_url:
            raise ValidationError({"video_url": "只有视频素材填写视频地址"})
        elif not self.file:
            raise ValidationError({"kind": "文档和图片素材须上传文件（请从“新增素材”页面上传）"})
