"""`{% workflow_steps record as steps %}`: the workflow steps the current user may take on a record now.

`steps` maps each open action to its Transition, so a template asks `{% if "approve_extension" in steps %}`
or lists `{% for action, step in steps.items %}`. The record's model must name its table
(`Workflow(model="app.Model")`); a record without one has no steps.
"""

from django import template

from anlan.core.workflow import flow_for

register = template.Library()


@register.simple_tag(takes_context=True)
def workflow_steps(context, record) -> dict:
    flow = flow_for(record)
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if flow is None or user is None:
        return {}
    return {t.action: t for t in flow.allowed(user, record)}
