import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, regions_writable_by, register, register_link
from anlan.core.roles import role_allows
from anlan.notify import outcomes
from anlan.notify.models import Delivery

from . import acks, cap, public, selectors, services, tasks, wording, workflow
from .filters import DeliveryFilterSet, WarningFilterSet
from .forms import WarningForm
from .messages import AUDIENCES, compose, sender_name
from .models import BroadcastTerminal, Resident, Subscriber, Warning, WarningTask, WarningTemplate, WorkGroup
from .wording import LEVEL_NAMES


def _deliveries(warning, user):
    from .services import summary

    s = summary(warning)
    return [
        (
            "送达情况",
            ["目标", "待发送", "已发送", "失败", "已叫应"],
            [(s["targeted"], s["queued"], s["sent"], s["failed"], s["acknowledged"])],
        )
    ]


register(
    ModelConfig(
        model=Resident,
        list_columns=["name", "region", "household", "phone", "vulnerable"],
        form_fields=["name", "region", "household", "phone", "lon", "lat", "vulnerable"],
        search_fields=["name", "household"],
        selector=lambda qs: qs.select_related("region"),
        sortable=["name", "region"],
        menu_group="预警发布",
        menu_order=61,
    )
)
register(
    ModelConfig(
        model=Warning,
        filterset_class=WarningFilterSet,
        list_columns=["headline", "event", "level", "msg_type", "status", "sent", "expires"],
        form_fields=[],  # authored in the map editor (compose) and issued through the workflow page (steps)
        add_url="alerts:compose",
        detail_fields=[
            *("identifier", "msg_type", "references", "status", "event", "category", "level", "urgency"),
            *("severity", "certainty", "headline", "description", "instruction", "regions", "onset", "expires"),
            *("sent", "author", "issuer"),
        ],
        search_fields=["headline", "event", "identifier"],
        importable=False,
        selector=selectors.warnings,
        list_charts=selectors.warning_list_charts,
        sortable=["sent", "level", "status"],
        related_tables=lambda w, user: [*_deliveries(w, user), *_tasks_table(w, user), *_board(w, user)],
        detail_links=[("审核签发", "alerts:warning_steps"), ("CAP 文档", "alerts:warning_cap")],
        menu_group="预警发布",
        menu_order=60,
    )
)
register(
    ModelConfig(
        model=WarningTemplate,
        list_columns=["event", "level", "category", "headline", "hours"],
        form_fields=[
            *("event", "category", "level", "urgency", "severity", "certainty", "headline", "description"),
            *("instruction", "measures", "hours"),
        ],
        detail_fields=[
            *("event", "category", "level", "urgency", "severity", "certainty", "headline", "description"),
            *("instruction", "measures_text", "hours"),
        ],
        extra_labels={"measures_text": "分对象防御措施"},
        search_fields=["event", "headline"],
        sortable=["event", "level"],
        menu_group="预警发布",
        menu_order=62,
    )
)
register(
    ModelConfig(
        model=BroadcastTerminal,
        list_columns=["name", "code", "region", "protocol", "active"],
        form_fields=["name", "code", "region", "protocol", "lon", "lat", "active"],
        search_fields=["name", "code"],
        selector=lambda qs: qs.select_related("region"),
        sortable=["name", "code", "region"],
        menu_group="预警发布",
        menu_order=63,
    )
)
register(
    ModelConfig(
        model=WorkGroup,
        list_columns=["name", "region", "platform", "mention_responsible", "active"],
        form_fields=["name", "region", "platform", "webhook_url", "secret", "mention_responsible", "active"],
        detail_fields=["name", "region", "platform", "mention_responsible", "active"],  # the webhook stays hidden
        export_fields=["name", "region", "platform", "mention_responsible", "active"],
        importable=False,
        search_fields=["name"],
        selector=lambda qs: qs.select_related("region"),
        menu_group="预警发布",
        menu_order=64,
    )
)
register(
    ModelConfig(
        model=Subscriber,
        list_columns=["name", "phone", "region", "confirmed", "created_at"],
        form_fields=[],
        detail_fields=["name", "phone", "region", "confirmed", "created_at"],
        export_fields=["name", "phone", "region", "confirmed", "created_at"],
        search_fields=["name"],
        selector=lambda qs: qs.select_related("region"),
        menu_group="预警发布",
        menu_order=65,
    )
)
register_link(MenuLink("预警发布", "拟制预警", "alerts:compose", Warning, "add", 59))


def _deliveries_named(qs):
    """Names, not codes, in the 消息送达 list: the notice's title and the region's name in the same query
    (the tier's and channel's names are the row's own properties)."""
    from anlan.geo.models import Region

    region_name = Subquery(Region.objects.filter(code=OuterRef("region_code")).values("name")[:1])
    return qs.select_related("notice").annotate(region_name=region_name)


# Rows are written by notify (issue, fallback, 叫应 calls); this read-only list is where the 工作台 sends
# the county to the unreached and the unanswered 叫应 across warnings (one warning's own report, with 重发,
# stays on its 审核签发 page).
register(
    ModelConfig(
        model=Delivery,
        filterset_class=DeliveryFilterSet,
        list_columns=[
            *("recipient_name", "region_name", "tier_name", "notice", "channel_name", "status", "sent_at"),
            "last_error",
        ],
        form_fields=[],
        detail_fields=[
            *("notice", "recipient_name", "region_name", "tier_name", "channel_name", "status", "attempts"),
            *("sent_at", "acknowledged_at", "last_error"),
        ],
        extra_labels={"region_name": "区划", "tier_name": "对象类别", "channel_name": "渠道"},
        export_fields=["recipient_name", "status", "sent_at", "acknowledged_at", "last_error"],
        search_fields=["recipient_name", "notice__title"],
        importable=False,
        selector=_deliveries_named,
        sortable=["recipient_name", "status", "sent_at"],
        menu_group="预警发布",
        menu_order=66,
    )
)


def _board(warning, user):
    from anlan.geo.models import Region

    from .acks import board

    rows = board(warning)
    names = dict(Region.objects.filter(code__in=[r[0] for r in rows]).values_list("code", "name"))
    table = [
        (names.get(code, code), n, ok, n - ok, "、".join(silent[:8]) + ("…" if len(silent) > 8 else ""))
        for code, n, ok, silent in rows
    ]
    return [("叫应情况（责任人）", ["区划", "应叫应", "已确认", "未确认", "未确认人员"], table)]


@never_cache
def acknowledge(request, token):
    """The 叫应 link in a responsible person's SMS: confirm with one tap (a POST, so link previews and
    scanners that fetch the page do not acknowledge for them). A responsible person of a department,
    township or village with open tasks of this warning also confirms 措施落实 here, one task at a time:
    the token authorises that recipient's own tasks and no other."""
    parsed = acks.read_token(token)
    if parsed is None:
        raise Http404
    warning = get_object_or_404(Warning, pk=parsed[0])
    done, confirmed, refused = False, None, ""
    mine, name = tasks.tasks_of_recipient(warning, parsed[1])
    if request.method == "POST":
        acks.acknowledge(warning_id=warning.pk, recipient_key=parsed[1], via="link")
        done = True
        task_id = request.POST.get("task", "")
        if task_id:
            # Only this recipient's open tasks: another's id, or one already confirmed or closed, is refused.
            task = mine.filter(pk=int(task_id)).first() if task_id.isdigit() else None
            if task is None:
                refused = "该任务不在您的待落实任务中（可能已落实或已关闭）"
            else:
                with shown_on(None) as outcome:
                    confirmed = tasks.task_confirm(
                        actor=f"{name}（叫应链接）", task=task, note=request.POST.get("note", "")[:300]
                    )
                refused = outcome.refused.message if outcome.refused else ""
    context = {
        "warning": warning,
        "done": done,
        "confirmed": confirmed,
        "refused": refused,
        "tasks": list(mine.select_related("department", "region").order_by("due_at", "id")),
    }
    return render(request, "alerts/ack.html", context)


# ---------------------------------------------------------------- authoring and the workflow page


def _templates_json() -> list[dict]:
    return [
        {
            "id": t.pk,
            "event": t.event,
            "category": t.category,
            "level": t.level,
            "urgency": t.urgency,
            "severity": t.severity,
            "certainty": t.certainty,
            "headline": t.headline,
            "description": t.description,
            "instruction": t.instruction,
            "measures": t.measures,
            "hours": t.hours,
        }
        for t in WarningTemplate.objects.all()
    ]


def _editor(request, form, warning=None, follow_up_of=None):
    from anlan.geo.views import tile_source

    context = {
        "form": form,
        "warning": warning,
        "follow_up_of": follow_up_of,
        "templates_json": _templates_json(),
        "tiles": tile_source(),
        "reach": services.reach(form.area_codes) if getattr(form, "area_codes", None) else None,
    }
    return render(request, "alerts/compose.html", context, status=400 if form.errors else 200)


# What the editor sets on a warning (and what an Update may change): the form's fields, plus the measures.
EDITED_FIELDS = (
    *("event", "category", "level", "urgency", "severity", "certainty", "headline", "description"),
    *("instruction", "onset", "expires", "polygon", "template"),
)


def _warning_from(form, warning: Warning) -> tuple[Warning, list]:
    for name in EDITED_FIELDS:
        setattr(warning, name, form.cleaned_data[name])
    warning.measures = form.measures()
    return warning, list(form.cleaned_data["regions"])


def _prefill(request) -> tuple[Warning | None, list]:
    """?template=<id>&regions=<code>… (a 会商 decision's 按此决定拟发预警): a new draft starts from the
    template's wording for those regions (the ones the user may warn)."""
    raw = request.GET.get("template", "")
    template = WarningTemplate.objects.filter(pk=raw).first() if raw.isdigit() else None
    if template is None:
        return None, []
    regions = list(regions_writable_by(request.user).filter(code__in=request.GET.getlist("regions")).order_by("code"))
    draft = Warning(**wording.warning_fields(template, "、".join(r.name for r in regions) or "预警区域"))
    return draft, regions


@login_required
def compose_view(request, pk=None):
    """拟制预警: pick a template, the area (regions and/or a polygon drawn on the map), edit the wording
    and the measures per audience and township, see how many will be reached, save as a draft. With
    ?follow_up_of=<id> the form starts from an issued warning and publishes a CAP Update."""
    if not role_allows(request.user, "add", Warning):
        raise PermissionDenied("您的角色不能拟制预警")
    warning, follow_up_of = None, None
    if pk is not None:
        warning = get_object_or_404(Warning.objects.restrict(request.user, "change"), pk=pk)
        if not workflow.FLOW.can(request.user, warning, "edit"):
            messages.error(request, "只有草稿和待签发的预警可以修改；已发布的请用“更新”")
            return redirect("alerts:warning_steps", pk=warning.pk)
    elif request.GET.get("follow_up_of"):
        follow_up_of = get_object_or_404(
            Warning.objects.restrict(request.user), pk=request.GET["follow_up_of"], status=Warning.Status.ISSUED
        )
    instance = warning or follow_up_of
    prefilled, chosen = _prefill(request) if instance is None else (None, None)
    form = WarningForm(
        request.POST or None,
        instance=instance or prefilled,
        user=request.user,
        initial={"regions": list(instance.regions.all())} if instance else {"regions": chosen} if chosen else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        form.area_codes = services.area_codes([(r.code, r.level) for r in data["regions"]], data["polygon"])
        if "preview" in request.POST:
            return _editor(request, form, warning, follow_up_of)
        with shown_on(request):
            if follow_up_of is not None:
                changes, regions = _follow_up_changes(form)
                follower = services.warning_follow_up(
                    actor=request.user,
                    warning=follow_up_of,
                    msg_type=Warning.MsgType.UPDATE,
                    changes=changes,
                    regions=regions,
                )
                messages.success(request, f"已发布更新：{follower.headline}")
                return redirect("alerts:warning_steps", pk=follower.pk)
            if warning is not None:
                warning, regions = _warning_from(form, warning)
                services.warning_update_draft(actor=request.user, warning=warning, regions=regions)
            else:
                new = Warning(region_id=request.user.region_id or data["regions"][0].code)
                new, regions = _warning_from(form, new)
                warning = services.warning_create(actor=request.user, warning=new, regions=regions)
            messages.success(request, "预警草稿已保存")
            return redirect("alerts:warning_steps", pk=warning.pk)
        return _editor(request, form, warning, follow_up_of)
    return _editor(request, form, warning, follow_up_of)


def _follow_up_changes(form) -> tuple[dict, list]:
    scratch, regions = _warning_from(form, Warning())
    return {name: getattr(scratch, name) for name in (*EDITED_FIELDS, "measures")}, regions


def _previews(warning: Warning) -> list[tuple[str, str]]:
    """What each audience's SMS will say (the issuer reads these before signing): the three main
    audiences always, a sector or shelters when they have measures of their own."""
    sender = sender_name()
    tiers = {"responsible": "village", "resident": "resident", "enterprise": "enterprise", "shelter": "shelter"}
    out = []
    for key, label in AUDIENCES:
        base, _, sector = key.partition(":")
        if key in ("responsible", "resident", "enterprise") or warning.measures.get(key):
            out.append((label, _compose(warning, tiers[base], sender, (sector,) if sector else ())))
    return out


def _compose(warning, tier, sender, sectors=()):
    return compose(
        sender=sender,
        headline=warning.headline,
        instruction=warning.instruction,
        description=warning.description,
        measures=warning.measures or {},
        tier=tier,
        region_code="",
        sectors=sectors,
    )


@login_required
def steps_view(request, pk):
    """审核签发: the warning as each audience will read it, who it reaches, and the steps this user may
    take now (submit, issue, update, cancel)."""
    warning = get_object_or_404(selectors.warning_for(request.user, pk))
    can_change = Warning.objects.restrict(request.user, "change").filter(pk=pk).exists()
    steps = {t.action for t in workflow.FLOW.allowed(request.user, warning)} if can_change else set()
    issued = warning.status == Warning.Status.ISSUED
    context = {
        **(_delivery_report(request, warning) if warning.sent else {}),
        "warning": warning,
        "level_name": LEVEL_NAMES.get(warning.level, warning.level),
        "previews": _previews(warning),
        "townships": sorted((k.split(":", 1)[1], v) for k, v in warning.measures.items() if k.startswith("township:")),
        "reach": services.reach(services.target_codes(warning)) if not issued else None,
        "can_edit": "edit" in steps,
        "can_submit": "submit" in steps,
        "can_issue": "issue" in steps,
        "expired_unissued": not warning.sent and warning.expires <= timezone.now(),
        "can_follow_up": "update" in steps,
        "detail_url": reverse_detail(warning),
    }
    return render(request, "alerts/steps.html", context)


def reverse_detail(warning):
    from anlan.core.kit import config_for

    return config_for(Warning).reverse("detail", warning.pk)


FAILED_PAGE_SIZE = 20


def _delivery_report(request, warning) -> dict:
    """送达情况 on the 审核签发 page: totals and per channel in recipients, the failure reasons grouped, a
    page of the recipients no channel reached (phones as the user may see them), and whether this user
    may queue them again."""
    rows = services.deliveries(warning)
    summary = services.summary(warning)
    pages = Paginator(outcomes.unreached(rows) if summary["failed"] else [], FAILED_PAGE_SIZE)
    pages.count = summary["failed"]  # known already: spares grouping every row again just to count
    page = pages.get_page(request.GET.get("failed_page"))
    can_retry = (
        summary["failed"] > 0
        and warning.status == Warning.Status.ISSUED
        and (request.user.role in services.ISSUERS or request.user.is_superuser)
        and Warning.objects.restrict(request.user, "change").filter(pk=warning.pk).exists()
    )
    channels, reasons = outcomes.channel_report(rows)
    return {
        "summary": summary,
        "channels": channels,
        "reasons": reasons,
        "failed_page": page,
        "failed_rows": outcomes.failed_rows([r["last_id"] for r in page], request.user),
        "can_retry": can_retry,
    }


@login_required
@require_POST
def step_action(request, pk, action):
    warning = get_object_or_404(Warning.objects.restrict(request.user, "change"), pk=pk)
    with shown_on(request):
        if action == "submit":
            services.warning_submit(actor=request.user, warning=warning)
            messages.success(request, "已提交签发")
        elif action == "issue":
            result = services.warning_issue(actor=request.user, warning=warning)
            messages.success(request, f"已签发，{result['queued']} 条消息进入发送队列")
        elif action == "retry":
            retried = services.warning_retry_failed(actor=request.user, warning=warning)
            if retried:
                messages.success(request, f"已重新发送给 {retried} 个未送达对象")
            else:
                messages.info(request, "没有需要重试的对象：未送达的都已重新排队或已送达")
            return redirect(reverse("alerts:warning_steps", kwargs={"pk": warning.pk}) + "#delivery")
        elif action == "cancel":
            services.warning_follow_up(actor=request.user, warning=warning, msg_type=Warning.MsgType.CANCEL)
            messages.success(request, "已发布撤销")
        else:
            raise Http404
    return redirect("alerts:warning_steps", pk=warning.pk)


@login_required
def cap_view(request, pk):
    from django.http import HttpResponse

    warning = get_object_or_404(Warning.objects.restrict(request.user).prefetch_related("regions"), pk=pk)
    xml = cap.document(warning, list(warning.regions.order_by("code")))
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


# ---------------------------------------------------------------- public pages (no account)


@never_cache
def public_warnings(request):
    """当前预警: every issued, unexpired warning, or those reaching one township or village."""
    from anlan.geo.models import Region

    area = None
    if request.GET.get("area"):
        area = Region.objects.filter(code=request.GET["area"]).first()
    context = {
        "items": [
            (w, names, public.public_instruction(w), LEVEL_NAMES.get(w.level, ""))
            for w, names in public.current_warnings(area)
        ],
        "area": area,
        "areas": public.area_choices(),
    }
    return render(request, "alerts/public_warnings.html", context)


@never_cache
def public_subscribe(request):
    """公众订阅: phone + area (or 退订), a code by SMS, then the confirm page."""
    from anlan.core.public import address_key, client_ip, with_fresh_challenge

    form, status = None, 200
    if request.method == "POST":
        form = public.SubscribeForm(request.POST)
        address = address_key(client_ip(request))
        if public.recent_requests(address) >= settings.ANLAN_TIP_RATE_PER_HOUR:
            form.add_error(None, "请求次数过多，请一小时后再试")
            status = 429
        elif form.is_valid():
            d = form.cleaned_data
            with shown_on(form) as outcome:
                public.request_code(
                    phone=d["phone"], action=d["action"], region=d["region"], name=d["name"], address=address
                )
            if outcome.ok:
                confirm_form = public.ConfirmForm(initial={"phone": d["phone"]})
                return render(request, "alerts/public_confirm.html", {"form": confirm_form, "sent": True})
        status = status if status != 200 else 400
    form = with_fresh_challenge(public.SubscribeForm, form)
    return render(request, "alerts/public_subscribe.html", {"form": form}, status=status)


@never_cache
def public_confirm(request):
    form = public.ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form, "code") as outcome:
            action, names = public.confirm(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
        if outcome.ok:
            return render(request, "alerts/public_confirm_done.html", {"action": action, "names": names})
    return render(request, "alerts/public_confirm.html", {"form": form}, status=400 if form.errors else 200)


@csrf_exempt
@require_POST
def sms_replies(request):
    """SMS replies forwarded by the bureau's gateway: {"replies": [{"from": "139…", "text": "1"}]}.
    Authenticated by the shared ANLAN_SMS_REPLY_TOKEN (the gateway holds no user account)."""
    import hmac

    from django.http import JsonResponse

    from anlan.core import safejson

    token = settings.ANLAN_SMS_REPLY_TOKEN
    given = request.headers.get("X-Anlan-Gateway-Token", "")
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        return JsonResponse({"detail": "网关令牌无效或未启用短信回复"}, status=403)
    try:
        replies = safejson.loads(request.body)["replies"]
        pairs = [(str(r["from"]), str(r["text"])) for r in replies]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": '应为 {"replies": [{"from": 手机号, "text": 回复内容}]}'}, status=400)
    acknowledged = sum(acks.acknowledge_by_reply(phone=phone, text=text) for phone, text in pairs)
    return JsonResponse({"received": len(pairs), "acknowledged": acknowledged})


@login_required
def board_view(request, pk):
    """The 叫应 board as a fragment, refreshed by the 审核签发 page every few seconds. Opened directly (a
    bookmark, a link shared), it is the 审核签发 page at the board."""
    warning = get_object_or_404(Warning.objects.restrict(request.user), pk=pk)
    if request.headers.get("HX-Request") != "true":
        return redirect(reverse("alerts:warning_steps", kwargs={"pk": warning.pk}) + "#acks")
    ((_title, headers, rows),) = _board(warning, request.user)
    return render(request, "alerts/board.html", {"headers": headers, "rows": rows})


# ---------------------------------------------------------------- warning-driven response: tasks


def _tasks_table(warning, user):
    """预警任务落实 on the warning's page: the rates, then each task the user may see (scoped like the list)."""
    current = tasks.current_of(warning)
    rates = tasks.completion(current)
    if not rates["total"] and not rates["closed"]:
        return []
    shown = (
        WarningTask.objects.restrict(user, "view")
        .filter(warning=current)
        .select_related("department", "team", "region")
        .order_by("status", "due_at", "id")
    )
    now = timezone.now()
    rows = [
        (
            _assignee_name(t),
            t.title,
            timezone.localtime(t.due_at).strftime("%m-%d %H:%M") if t.due_at else "不限时",
            ("超时未落实" if t.due_at and t.due_at < now else "待落实")
            if t.status == t.Status.ASSIGNED
            else t.get_status_display() + (f"（{t.close_reason}）" if t.close_reason else ""),
            t.note or "—",
        )
        for t in shown
    ]
    rate = f"{rates['rate']}%" if rates["rate"] is not None else "—"
    return [
        (
            "预警任务落实",
            ["应落实", "已落实", "待落实", "其中超时", "落实率"],
            [(rates["total"], rates["confirmed"], rates["open"], rates["overdue"], rate)],
        ),
        ("预警任务（按响应表下达）", ["责任主体", "任务", "完成时限", "状态", "落实情况"], rows),
    ]


def _assignee_name(task) -> str:
    if task.department_id:
        return task.department.name
    if task.team_id:
        return task.team.name
    return task.region.name


@login_required
def my_tasks(request):
    """我的预警任务: the open tasks of warnings in force that this user's department, township or village
    carries (restrict), newest warning first, each with its measures and a 确认落实 button; below, the
    tasks confirmed in the last week. A POST confirms one task with a note."""
    if request.user.role not in tasks.CONFIRMERS and not request.user.is_superuser:
        raise PermissionDenied("您的角色没有预警任务")
    visible = WarningTask.objects.restrict(request.user, "view").select_related(
        "warning", "department", "team", "region"
    )
    if request.method == "POST":
        task = get_object_or_404(visible, pk=request.POST.get("task") or 0)
        with shown_on(request):
            tasks.task_confirm(actor=request.user, task=task, note=request.POST.get("note", ""))
            messages.success(request, f"已确认落实：{task.title}")
        return redirect("alerts:my_tasks")
    now = timezone.now()
    open_rows = list(
        tasks.open_tasks(request.user, now)
        .select_related("warning", "department", "team", "region")
        .order_by("due_at", "id")
    )
    done_rows = list(
        visible.filter(status=WarningTask.Status.CONFIRMED, confirmed_at__gte=now - dt.timedelta(days=7)).order_by(
            "-confirmed_at"
        )[:50]
    )
    user = request.user

    def own(task) -> bool:
        if task.assignee_kind == "department":
            return bool(user.department_id) and task.department_id == user.department_id
        return task.assignee_kind == "region" and task.region_id == user.region_id

    # Cards (with 确认落实) for the user's own unit; the tasks of the villages, townships and departments the
    # user oversees in one compact table, so a township over 30 villages is not a page of 30 cards.
    context = {
        "open_rows": open_rows,
        "mine": [t for t in open_rows if own(t)],
        "others": [t for t in open_rows if not own(t)],
        "done_rows": done_rows,
        "now": now,
    }
    return render(request, "alerts/response_my_tasks.html", context)


register_link(MenuLink("预警发布", "我的预警任务", "alerts:my_tasks", WarningTask, "view", 67, roles=tasks.CONFIRMERS))
