"""One mechanism for every workflow: a transition table per object type (pure, no database).

A row says: from which states, by which action, to which state (or None: the state stays), who may take
it (roles, and/or a test on actor and object such as "county roles for a major hazard") and what it
requires (conditions on the object and the submitted data, each with the Chinese message shown when it
is not met). An app declares its table in its own `workflow.py`:

    FLOW = Workflow("hazard", STATES, [Transition("assign", "交办整改", {REPORTED}, RECTIFYING, roles=…), …])

and its services call `FLOW.apply(actor, obj, action, **data)` (checks, then sets the state) inside their
transaction; the service still writes its history (timeline, events) and the audit entry
`audit_record(action=f"{name}_{action}")`, as every other service write does — the mechanism writes
nothing, so it stays testable without a database and one step can touch several rows.

Pages offer only the steps that are possible now: `FLOW.allowed(actor, obj)` (or, in a template,
`{% load workflow %}{% workflow_steps record as steps %}` for a table that names its `model`), which
tests the state, the role and every requirement marked `on_record` (one that reads only the record,
such as "an extension is pending"); requirements on the submitted data are left to the form.
`FLOW.offers(action)` is the same test as a predicate `(actor, obj) -> bool`, e.g. for a kit detail link.

Refusals are DomainErrors with stable codes: `<name>.unknown_action`, `<name>.transition_not_allowed`
(400, wrong state), `<name>.role_not_allowed` or the row's own `forbidden_code` (403), and
`<name>.<requirement code>` (400) for an unmet requirement.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .errors import DomainError, NotAllowed
from .labels import register_actions

ROLE_REFUSAL = "“{label}”须由{who}有权限的角色办理"
_BY_MODEL: dict[str, "Workflow"] = {}
STATE_REFUSAL = "当前状态为“{status}”，不能“{label}”"


@dataclass(frozen=True)
class Requires:
    """A condition a step needs: `test(obj, data)` true, else `message` (naming `field` when it is input)."""

    test: Callable[[object, dict], bool]
    message: str | Callable[[object, dict], str]
    code: str
    field: str | None = None
    # The test reads the record only, never the submitted data: pages can tell before offering the step
    # (同意延期 only while an extension is pending), so allowed() checks it.
    on_record: bool = False


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change (e.g. 延期申请 while rectifying)
    roles: frozenset[str] | None = None  # None: whoever reached the step (the view or link decided)
    when: Callable[[object, object], bool] | None = None  # a further test on (actor, obj)
    who: str | Callable[[object], str] = ""  # names those who may, in the refusal ("县级")
    requires: tuple[Requires, ...] = ()
    refused: str = ""  # the wrong-state message; default the workflow's
    forbidden: str = ""  # the wrong-role message; default ROLE_REFUSAL
    forbidden_code: str = ""  # default <workflow>.role_not_allowed
    system: bool = False  # taken by the platform itself (an engine, a follower), never offered to a person

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))
        if self.roles is not None:
            object.__setattr__(self, "roles", frozenset(self.roles))


def _role(actor) -> str:
    return getattr(actor, "role", "") or ""


def _superuser(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False))


@dataclass
class Workflow:
    """The table of one object type. `states` maps each state to its Chinese label."""

    name: str  # the code prefix: "hazard", "warning", "incident", "order", "alarm"
    states: dict[str, str]
    transitions: Iterable[Transition]
    state_attr: str = "status"
    refused: str = STATE_REFUSAL  # formatted with {status} (label) and {label} (the step's)
    unknown: str = "未知操作：{action}（可用：{actions}）"
    state_field: str | None = None  # the API field a wrong-state refusal names (hazards: "action")
    model: str = ""  # "app_label.ModelName" of the records it governs, so templates can find the table
    table: dict[str, Transition] = field(init=False)

    def __post_init__(self):
        if self.model:
            _BY_MODEL[self.model] = self
        self.table = {}
        for t in self.transitions:
            if t.action in self.table:
                raise ValueError(f"{self.name}: action {t.action} declared twice")
            unknown = (t.sources | ({t.target} if t.target else set())) - set(self.states)
            if unknown:
                raise ValueError(f"{self.name}.{t.action}: unknown states {sorted(unknown)}")
            self.table[t.action] = t
        # History and audit rows store `<name>_<action>`; pages show the step's label (core.labels).
        register_actions({f"{self.name}_{t.action}": t.label for t in self.table.values()})

    def __getitem__(self, action: str) -> Transition:
        return self.table[action]

    def __iter__(self):
        return iter(self.table)

    def label(self, state: str) -> str:
        return self.states.get(state, state)

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_attr)

    def transition(self, action: str) -> Transition:
        step = self.table.get(action)
        if step is None:
            actions = "、".join(a for a, t in self.table.items() if not t.system)
            message = self.unknown.format(action=action, actions=actions)
            raise DomainError(f"{self.name}.unknown_action", message, field=self.state_field)
        return step

    def may(self, actor, obj, step: Transition) -> bool:
        """Whether `actor` is among those who may take `step` on `obj` (whatever its state)."""
        if _superuser(actor):
            return True
        if step.roles is not None and _role(actor) not in step.roles:
            return False
        return step.when is None or step.when(actor, obj)

    def _open(self, actor, obj, step: Transition) -> bool:
        """Offered now: a person's step, from this state, for this actor, its record requirements met."""
        return (
            not step.system
            and self.state_of(obj) in step.sources
            and self.may(actor, obj, step)
            and all(need.test(obj, {}) for need in step.requires if need.on_record)
        )

    def allowed(self, actor, obj) -> list[Transition]:
        """The steps `actor` may take on `obj` now, in table order (requirements on input not tested)."""
        return [t for t in self.table.values() if self._open(actor, obj, t)]

    def can(self, actor, obj, action: str) -> bool:
        """Whether `action` is among `allowed(actor, obj)`."""
        step = self.table.get(action)
        return step is not None and self._open(actor, obj, step)

    def offers(self, action: str) -> Callable[[object, object], bool]:
        """`can` for one action as a predicate `(actor, obj)`: a page link shown only when the step is open."""
        return lambda actor, obj: self.can(actor, obj, action)

    def offers_any(self) -> Callable[[object, object], bool]:
        """A predicate `(actor, obj)`: whether any step is open to the actor now."""
        return lambda actor, obj: bool(self.allowed(actor, obj))

    def check(self, actor, obj, action: str, **data) -> Transition:
        """The transition if `actor` may take `action` on `obj` now with `data`; else a DomainError:
        who first (403), then the state (400), then each requirement in order (400)."""
        step = self.transition(action)
        if not step.system and not self.may(actor, obj, step):
            who = step.who(obj) if callable(step.who) else step.who
            message = (step.forbidden or ROLE_REFUSAL).format(label=step.label, who=who)
            raise NotAllowed(step.forbidden_code or f"{self.name}.role_not_allowed", message)
        state = self.state_of(obj)
        if state not in step.sources:
            message = (step.refused or self.refused).format(status=self.label(state), label=step.label)
            raise DomainError(f"{self.name}.transition_not_allowed", message, field=self.state_field)
        for need in step.requires:
            if not need.test(obj, data):
                message = need.message(obj, data) if callable(need.message) else need.message
                raise DomainError(f"{self.name}.{need.code}", message, field=need.field)
        return step

    def apply(self, actor, obj, action: str, **data) -> Transition:
        """`check`, then move `obj` to the target state (not saved: the service saves and records)."""
        step = self.check(actor, obj, action, **data)
        if step.target is not None:
            setattr(obj, self.state_attr, step.target)
        return step

    def describe(self) -> list[tuple[str, str, str, str]]:
        """(from, action, to, who) rows for documentation."""
        rows = []
        for t in self.table.values():
            who = "系统" if t.system else "、".join(sorted(t.roles)) if t.roles is not None else "经办人"
            sources = "、".join(self.label(s) for s in sorted(t.sources))
            rows.append((sources, f"{t.label}（{t.action}）", self.label(t.target) if t.target else "（不变）", who))
        return rows


def flow_for(obj) -> Workflow | None:
    """The transition table that governs `obj`'s model (declared with `model=`), if any."""
    meta = getattr(obj, "_meta", None)
    return _BY_MODEL.get(meta.label) if meta is not None else None
