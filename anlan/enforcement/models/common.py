"""Who writes and reads enforcement records.

执法 is done by the county bureau's officers (县级管理员/业务人员) and, for their sectors, the industry
departments (行业部门人员, e.g. 市场监管、住建 inspecting their own enterprises); townships inspect in
专项整治 campaigns. An enterprise reads its own inspections and cases (it signs the record and receives
the documents) but writes none of them.
"""

from anlan.core.roles import COUNTY_ROLES, Role

# Plans, classes, inspectors, draws, inspections and cases.
ENFORCERS = frozenset({*COUNTY_ROLES, Role.DEPARTMENT_OPERATOR})
# Campaign inspections: townships take part too.
CAMPAIGN_INSPECTORS = frozenset({*ENFORCERS, Role.TOWNSHIP_OPERATOR})
# Reference tables (classes and caps, checklists, document prefixes, the credit list): the county only.
COUNTY_ONLY = COUNTY_ROLES
# Penalty cases name a party and its violations: read by those who handle or oversee them, the township
# of the place and the party itself, not by village workers or team leaders.
CASE_READERS = frozenset({*ENFORCERS, Role.TOWNSHIP_OPERATOR, Role.ENTERPRISE_USER, Role.VIEWER})
