from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "anlan.alerts"
    label = "alerts"
    verbose_name = "预警发布"

    def ready(self):
        from anlan.core.daily import register_daily_job
        from anlan.core.schedule import register_periodic_job

        from . import acks, api, duty_items, hooks, layers, public, recipients, tasks, views  # noqa: F401

        duty_items.register()  # warnings awaiting signing, unanswered 叫应: open items of a duty handover

        recipients.register()  # residents, subscribers, loudspeakers, work groups: who notify can reach
        register_daily_job("公众订阅清理", public.unconfirmed_cleanup_job)
        register_periodic_job("预警叫应升级", acks.escalate, seconds=60)
        # Warning-driven response: the response tables' tasks follow the warning; expiry closes them.
        hooks.register_on_issue("response_tasks", tasks.on_issue)
        tasks.register_vocabulary()  # the response-table editor (plans, below) offers these audiences and kinds
        register_periodic_job("预警任务到期关闭", tasks.close_expired, seconds=300)
