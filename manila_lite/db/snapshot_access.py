"""Queries on the access rules of mountable snapshots (2.32+).

A rule (share_snapshot_access_map) belongs to a snapshot; its state lives
on each instance of the snapshot (share_snapshot_instance_access_map) and
moves along states.SNAPSHOT_ACCESS_RULE by conditional UPDATEs only, so a
deny queued while the backend applies a rule is never overwritten. The
API queues rules in one transaction with the snapshot's instances locked,
so two requests cannot slip the same grantee in side by side.
"""

from oslo_utils import timeutils
import sqlalchemy as sa

from manila_lite.db import access_rules as access_db
from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import exception
from manila_lite import states

Rule = models.ShareSnapshotAccessRule
Mapping = models.ShareSnapshotInstanceAccessRule
Instance = models.ShareSnapshotInstance
ShareInstance = models.ShareInstance

# queued state -> the state the share manager moves it to when it starts.
START = states.allowed_moves(states.SNAPSHOT_ACCESS_RULE, {
    states.ACCESS_QUEUED_TO_APPLY: states.ACCESS_APPLYING,
    states.ACCESS_QUEUED_TO_DENY: states.ACCESS_DENYING})
_TRANSITIONAL = tuple(s for s in states.ACCESS_RULE_TRANSITIONAL
                      if s in states.SNAPSHOT_ACCESS_RULE)
# How the driver's outcome settles a rule: (outcome, from, to). A denied
# rule leaves 'denying' by losing its row (the table's 'denied').
SETTLE = tuple((outcome, source, target) for outcome, source, target in (
    ('applied', states.ACCESS_APPLYING, states.ACCESS_ACTIVE),
    ('failed', states.ACCESS_APPLYING, states.ACCESS_ERROR),
    ('failed', states.ACCESS_DENYING, states.ACCESS_ERROR))
    if states.allowed(states.SNAPSHOT_ACCESS_RULE, source, target))

# A rule's state across the snapshot's instances, as share rules are
# summed up: error wins, then work under way, then active.
rule_state = access_db.rule_state


def _lock_instances(session, snapshot_id, verb):
    """The snapshot's instance ids, locked until the transaction ends;
    InvalidShareSnapshot unless each is available on a placed share."""
    rows = session.execute(
        sa.select(Instance.id, Instance.status, Instance.share_instance_id)
        .where(Instance.snapshot_id == snapshot_id)
        .with_for_update()).all()
    placed = set(session.scalars(
        sa.select(ShareInstance.id).where(
            ShareInstance.id.in_([row.share_instance_id for row in rows]),
            ShareInstance.host.is_not(None))))
    for row in rows:
        if row.status != states.AVAILABLE or \
                row.share_instance_id not in placed:
            raise exception.InvalidShareSnapshot(
                reason='access rules cannot be %s while the snapshot is %s; '
                       'it must be %s.' % (verb, row.status,
                                           states.AVAILABLE))
    return [row.id for row in rows]


@db_api.retry_on_deadlock
def create(context, snapshot_id, access_type, access_to):
    """Queue a new rule on every instance of the snapshot.

    Raises ShareSnapshotAccessExists (the same grantee of the same type
    is on the snapshot already, in any state; 10.0.0.1 and 10.0.0.1/32
    are one grantee) or InvalidShareSnapshot, with nothing written.
    """
    with db_api.writer.using(context) as session:
        instance_ids = _lock_instances(session, snapshot_id, 'added')
        existing = session.scalars(
            sa.select(Rule.access_to).where(
                Rule.share_snapshot_id == snapshot_id,
                Rule.access_type == access_type))
        if any(access_db.same_grantee(access_type, access_to, other)
               for other in existing):
            raise exception.ShareSnapshotAccessExists(
                access_type=access_type, access=access_to)
        rule = Rule(id=models._uuid(), share_snapshot_id=snapshot_id,
                    access_type=access_type, access_to=access_to)
        rule.instance_mappings = [
            Mapping(share_snapshot_instance_id=instance_id,
                    state=states.ACCESS_QUEUED_TO_APPLY)
            for instance_id in instance_ids]
        session.add(rule)
    return get(context, rule.id)


def get(context, access_id):
    """A rule with its per-instance states, or 404. The caller checks it
    may see the rule's snapshot."""
    with db_api.reader.using(context) as session:
        rule = session.get(Rule, access_id)
        if rule is None:
            raise exception.ShareSnapshotAccessNotFound(access_id=access_id)
        return rule


def get_all_for_snapshot(context, snapshot_id):
    """The rules of a snapshot, oldest first."""
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Rule).where(Rule.share_snapshot_id == snapshot_id)
            .order_by(Rule.created_at, Rule.id)).all()


@db_api.retry_on_deadlock
def queue_deny(context, snapshot_id, access_id):
    """Queue the removal of a rule from every instance of its snapshot.

    Returns False when it was being denied already. Raises
    InvalidShareSnapshot unless the snapshot is available.
    """
    sources = states.sources(states.SNAPSHOT_ACCESS_RULE,
                             states.ACCESS_QUEUED_TO_DENY)
    with db_api.writer.using(context) as session:
        _lock_instances(session, snapshot_id, 'denied')
        return bool(session.execute(
            sa.update(Mapping)
            .where(Mapping.access_id == access_id,
                   Mapping.state.in_(sources))
            .values(state=states.ACCESS_QUEUED_TO_DENY,
                    updated_at=timeutils.utcnow())).rowcount)


# -- what the share manager records -------------------------------------------

def _driver_rule(rule, state):
    """A rule as drivers receive it: snapshot rules are read-only."""
    return {'id': rule.id, 'access_id': rule.id,
            'share_snapshot_id': rule.share_snapshot_id,
            'access_type': rule.access_type, 'access_to': rule.access_to,
            'access_level': 'ro', 'state': state}


def _rules(session, instance_id):
    rows = session.execute(
        sa.select(Mapping.state, Rule)
        .join(Rule, Rule.id == Mapping.access_id)
        .where(Mapping.share_snapshot_instance_id == instance_id)
        .order_by(Rule.created_at, Rule.id)).all()
    return [_driver_rule(rule, state) for state, rule in rows]


def rules_for_driver(context, instance_id):
    """Every rule of a snapshot instance as drivers receive it, with its
    state there, oldest first."""
    with db_api.reader.using(context) as session:
        return _rules(session, instance_id)


@db_api.retry_on_deadlock
def start(context, instance_id):
    """Move the instance's queued rules to their working state, in one
    transaction; returns rules_for_driver as they are after the move."""
    now = timeutils.utcnow()
    with db_api.writer.using(context) as session:
        for queued, working in START.items():
            session.execute(
                sa.update(Mapping)
                .where(Mapping.share_snapshot_instance_id == instance_id,
                       Mapping.state == queued)
                .values(state=working, updated_at=now))
        return _rules(session, instance_id)


@db_api.retry_on_deadlock
def record(context, instance_id, applied=(), denied=(), failed=()):
    """Record what the driver did, in one transaction, each move
    conditional on the state the rule was in when the driver was called:
    ``applied`` rules become active (unless a deny was queued meanwhile),
    ``denied`` ones lose their row on this instance (and the rule goes
    once no instance holds it), ``failed`` ones become error.

    Returns whether rules were queued meanwhile (the caller goes on).
    """
    now = timeutils.utcnow()
    outcomes = {'applied': applied, 'failed': failed}
    with db_api.writer.using(context) as session:
        for outcome, source, target in SETTLE:
            ids = outcomes[outcome]
            if ids:
                session.execute(
                    sa.update(Mapping)
                    .where(Mapping.share_snapshot_instance_id == instance_id,
                           Mapping.access_id.in_(list(ids)),
                           Mapping.state == source)
                    .values(state=target, updated_at=now)
                    .execution_options(synchronize_session=False))
        if denied:
            session.execute(
                sa.delete(Mapping)
                .where(Mapping.share_snapshot_instance_id == instance_id,
                       Mapping.access_id.in_(list(denied)),
                       Mapping.state == states.ACCESS_DENYING)
                .execution_options(synchronize_session=False))
            session.execute(
                sa.delete(Rule)
                .where(Rule.id.in_(list(denied)),
                       ~sa.exists().where(Mapping.access_id == Rule.id))
                .execution_options(synchronize_session=False))
        return session.scalar(
            sa.select(sa.func.count()).select_from(Mapping).where(
                Mapping.share_snapshot_instance_id == instance_id,
                Mapping.state.in_(list(START)))) > 0


def instances_queued_before(context, host, before):
    """Snapshot instances of ``host@backend`` with a rule change queued
    before ``before`` that no share manager has taken up: its request was
    lost."""
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Mapping.share_snapshot_instance_id).distinct()
            .join(Instance,
                  Instance.id == Mapping.share_snapshot_instance_id)
            .join(ShareInstance,
                  ShareInstance.id == Instance.share_instance_id)
            .where(db_api.on_host(ShareInstance.host, host),
                   Mapping.state.in_(list(START)),
                   sa.func.coalesce(Mapping.updated_at,
                                    Mapping.created_at) < before)).all()


def instances_to_resync(context, host):
    """Snapshot instances of a share manager (``host@backend``) whose
    rules a previous run left queued or under way."""
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Instance.id).distinct()
            .join(ShareInstance,
                  ShareInstance.id == Instance.share_instance_id)
            .join(Mapping, Mapping.share_snapshot_instance_id == Instance.id)
            .where(db_api.on_host(ShareInstance.host, host),
                   Mapping.state.in_(_TRANSITIONAL))).all()
