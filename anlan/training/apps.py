from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """培训与宣教: courses and sessions, attendance and hours, certificates with expiry, the question bank and
    online exams, training rates per unit (read by kpi), and the 宣教素材库 with its public 科普 page."""

    name = "anlan.training"
    label = "training"
    verbose_name = "培训与宣教"
