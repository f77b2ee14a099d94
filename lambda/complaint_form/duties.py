"""The complaints body's duties on schedule: the daily reminder of deadlines, and deleting
closed complaints when their retention ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from complaint_form.audit import AccessEntry
from complaint_form.dependencies import Dependencies, get_dependencies
from complaint_form.models import AMSTERDAM, DeadlineEntry
from complaint_form.observability import logger
from klachtenportaal.deadlines import is_working_day, working_days_left
from klachtenportaal.formatting import format_days_left

# A provider's judgement is named this many working days before it is due.
JUDGEMENT_WARNING_DAYS = 5
# Who the access log names for what the retention job does.
RETENTION_JOB = "bewaartermijn"


@dataclass(frozen=True)
class Reminder:
    """What the complaints body must act on, on `day`: contacts due that day or past and
    not made, judgements due within JUDGEMENT_WARNING_DAYS working days or past and not
    given; each list the most urgent first."""

    day: date
    contacts: list[DeadlineEntry]
    judgements: list[DeadlineEntry]

    @property
    def empty(self) -> bool:
        return not self.contacts and not self.judgements

    def due(self, deadline: date) -> str:
        """'vandaag', 'te laat' or 'nog 3 werkdagen', seen from the reminder's day."""
        return format_days_left(working_days_left(self.day, deadline))


def reminder_for(day: date, entries: list[DeadlineEntry]) -> Reminder:
    contacts = [entry for entry in entries
                if not entry.contact_made and entry.contact_by <= day]
    judgements = [entry for entry in entries
                  if entry.judgement_by and not entry.judgement_given
                  and working_days_left(day, entry.judgement_by) <= JUDGEMENT_WARNING_DAYS]
    return Reminder(day=day,
                    contacts=sorted(contacts, key=lambda entry: entry.contact_by),
                    judgements=sorted(judgements, key=lambda entry: entry.judgement_by or day))


def send_deadline_reminder(day: date | None = None,
                           deps: Dependencies | None = None) -> Reminder | None:
    """Send `day`'s reminder (today, Dutch time, when None) to the complaints body, once; the
    reminder sent, or None: not a working day, nothing due, or sent before."""
    deps = deps or get_dependencies()
    now = deps.clock()
    day = day or now.astimezone(AMSTERDAM).date()
    if not is_working_day(day):
        logger.info("reminder_not_a_working_day", day=day.isoformat())
        return None
    reminder = reminder_for(day, list(deps.repository.open_deadlines()))
    if reminder.empty:
        logger.info("reminder_nothing_due", day=day.isoformat())
        return None
    if not deps.repository.claim_reminder(day, now):
        logger.info("reminder_sent_before", day=day.isoformat())
        return None
    try:
        deps.mailer.send(deps.emails.reminder(reminder))
    except Exception:
        # The failed run is tried again (Lambda's retries); the claim must not stop it.
        deps.repository.release_reminder(day)
        raise
    deps.repository.reminder_sent(day, deps.clock())
    logger.info("reminder_sent", day=day.isoformat(), contacts=len(reminder.contacts),
                judgements=len(reminder.judgements))
    return reminder


def apply_retention(deps: Dependencies | None = None) -> list[str]:
    """Delete every closed complaint whose retention has ended, with its files, each
    deletion written to the access log; the kenmerken deleted. Open complaints have no end
    of retention, and one reopened since the query is left alone."""
    deps = deps or get_dependencies()
    now = deps.clock()
    deleted = []
    for reference, attachments in list(deps.repository.past_retention(now)):
        entry = AccessEntry(event="retention_delete", at=now, reference=reference,
                            user_id=RETENTION_JOB, user=RETENTION_JOB, role="systeem",
                            source_ip="-", outcome="deleted")
        # The files first: should deleting them fail, the complaint is still there for the
        # next run (deleting a file twice does no harm).
        deps.uploads.delete(attachments)
        if deps.repository.delete_past_retention(reference, now, deps.access_log.put(entry)):
            deleted.append(reference)
    logger.info("retention_applied", deleted=len(deleted))
    return deleted
