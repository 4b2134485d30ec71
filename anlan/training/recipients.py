"""Recipient source of training for notify: a trainee (参训人员), reached by id only — an exam's candidate sent
the link to the exam — at the phone of the trainee's own row (decrypted when sending, nowhere else)."""

from anlan.notify.recipients import Source, phone_lookup, register_source

from .models import Trainee


def trainees() -> Source:
    return Source(
        kind="trainee",
        label="参训人员",
        table=Trainee._meta.db_table,
        lookup=phone_lookup(Trainee),
        tier="'candidate'",
        tiers=("candidate",),
        by_area=False,
    )


def register() -> None:
    register_source("trainee", trainees)
