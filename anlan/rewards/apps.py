from django.apps import AppConfig


class RewardsConfig(AppConfig):
    """12350 举报奖励: a public tip may claim a reward; a verified tip's reward is computed per §25.2 (share of
    the fine, minimum and maximum, per-death amounts for concealed deaths), approved and paid on the workflow,
    with handling deadlines. Above hazards (the tip page) and enforcement (the fines), below kpi."""

    name = "anlan.rewards"
    label = "rewards"
    verbose_name = "举报奖励"

    def ready(self):
        from anlan.core.labels import register_actions
        from anlan.hazards.public import register_tip_extension

        from . import public, services, views, workflow  # noqa: F401  (views registers its pages and panels)

        register_actions(services.AUDIT_ACTIONS)
        register_tip_extension(public.EXTENSION)
