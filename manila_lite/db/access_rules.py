"""Queries on access rules, their per-instance states and metadata.

A rule (share_access_map) belongs to a share; its state lives on each
instance of the share (share_instance_access_map). Every state change is
a conditional UPDATE along states.ACCESS_RULE, and the instance's
``access_rules_status`` along states.INSTANCE_ACCESS, so a retried or
racing request never overwrites a newer state. Lists are read in one
query per question, whatever the number of rules or instances; the share
manager's sync is started, read and recorded for a whole batch of
instances in a fixed number of statements (``start_sync``,
``load_for_sync``, ``record_sync``).
"""

import ipaddress

from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm

from manila_lite.db import api as db_api
from manila_lite.db import messages as message_db
from manila_lite.db import models
from manila_lite.db import resource_locks
from manila_lite import exception
from manila_lite import states

Rule = models.ShareAccessRule
Mapping = models.ShareInstanceAccessRule
Metadata = models.ShareAccessRuleMetadata
Instance = models.ShareInstance
Server = models.ShareServer

# Ids per IN list: statements stay few without nearing a backend's limit
# on bound parameters.
_IN_CHUNK = 1000

# Rules a deny may take back, whatever the backend has done with them.
_DENIABLE = states.sources(states.ACCESS_RULE, states.ACCESS_QUEUED_TO_DENY)
# queued state -> the state the share manager moves it to when it starts.
_START = states.allowed_moves(states.ACCESS_RULE, {
    states.ACCESS_QUEUED_TO_APPLY: states.ACCESS_APPLYING,
    states.ACCESS_QUEUED_TO_DENY: states.ACCESS_DENYING,
    states.ACCESS_QUEUED_TO_UPDATE: states.ACCESS_UPDATING})


def same_grantee(access_type, first, second):
    """Whether two access_to values name the same grantee (10.0.0.1 and
    10.0.0.1/32 do)."""
    if access_type == 'ip':
        try:
            return (ipaddress.ip_network(first, strict=False) ==
                    ipaddress.ip_network(second, strict=False))
        except ValueError:
            pass
    return first == second


def rule_state(rule):
    """A rule's state across its instances: error wins, then work under
    way, then active (Manila aggregates the same way)."""
    found = [m.state for m in rule.instance_mappings]
    if not found:
        return states.ACCESS_QUEUED_TO_DENY
    if states.ACCESS_ERROR in found:
        return states.ACCESS_ERROR
    for state in states.ACCESS_RULE_TRANSITIONAL:
        if state in found:
            return state
    return found[0]


def _lock_instances(session, share_id):
    """The share's instances, locked until the transaction ends, so rules
    of one share are queued one request at a time."""
    instances = session.execute(
        sa.select(Instance.id, Instance.status, Instance.host)
        .where(Instance.share_id == share_id).with_for_update()).all()
    for instance in instances:
        if instance.host is None or \
                instance.status not in states.ACCESS_RULE_UPDATABLE:
            raise exception.InvalidShare(
                reason='access rules cannot be changed while the share '
                       'lacks a host or is %s; wait until it is %s.'
                       % (instance.status, states.AVAILABLE))
    return [instance.id for instance in instances]


def _mark_syncing(session, instance_ids):
    """active -> syncing; an instance in error stays so until the share
    manager resyncs it (error -> syncing is the manager's, in
    start_sync)."""
    session.execute(
        sa.update(Instance)
        .where(Instance.id.in_(instance_ids),
               Instance.access_rules_status == states.ACCESS_ACTIVE)
        .values(access_rules_status=states.ACCESS_SYNCING,
                updated_at=timeutils.utcnow()))


@db_api.retry_on_deadlock
def create(context, share_id, access_type, access_to, access_level,
           metadata=None, locks=()):
    """Queue a new rule on every instance of the share.

    ``locks`` are resource lock rows (without ``resource_id``) placed on
    the rule in the same transaction (allow_access's lock_deletion and
    lock_visibility). Raises ShareAccessExists (the same grantee of the
    same type is already on the share, in any state) or InvalidShare,
    with nothing written.
    """
    with db_api.writer.using(context) as session:
        instance_ids = _lock_instances(session, share_id)
        existing = session.scalars(
            sa.select(Rule.access_to).where(Rule.share_id == share_id,
                                            Rule.access_type == access_type))
        if any(same_grantee(access_type, access_to, other)
               for other in existing):
            raise exception.ShareAccessExists(access_type=access_type,
                                              access=access_to)
        rule = Rule(id=models._uuid(), share_id=share_id,
                    access_type=access_type, access_to=access_to,
                    access_level=access_level)
        rule.instance_mappings = [
            Mapping(share_instance_id=instance_id,
                    state=states.ACCESS_QUEUED_TO_APPLY)
            for instance_id in instance_ids]
        rule.access_metadata = [Metadata(key=k, value=v)
                                for k, v in (metadata or {}).items()]
        session.add(rule)
        session.add_all(models.ResourceLock(resource_id=rule.id, **values)
                        for values in locks)
        _mark_syncing(session, instance_ids)
    return get(context, rule.id)


# A rule's key (on the rule row) and its states (on the mappings) in one
# statement: under READ COMMITTED a second statement could see the sync
# that set both commit in between, and show a rule active without its
# key.
_WITH_STATES = orm.joinedload(Rule.instance_mappings)


def get(context, access_id):
    """A rule with its states and metadata, or 404. The caller checks it
    may see the rule's share."""
    with db_api.reader.using(context) as session:
        rule = session.scalars(
            sa.select(Rule).where(Rule.id == access_id)
            .options(_WITH_STATES)).unique().one_or_none()
        if rule is None:
            raise exception.ShareAccessNotFound(access_id=access_id)
        return rule


def get_all_for_share(context, share_id, filters=None):
    """The rules of a share, oldest first; ``filters`` may hold
    access_type, access_to, access_level, access_key and a metadata
    dict."""
    filters = filters or {}
    with db_api.reader.using(context) as session:
        query = (sa.select(Rule).where(Rule.share_id == share_id)
                 .options(_WITH_STATES)
                 .order_by(Rule.created_at, Rule.id))
        for key in ('access_type', 'access_level', 'access_key'):
            if filters.get(key):
                query = query.where(getattr(Rule, key) == filters[key])
        for key, value in (filters.get('metadata') or {}).items():
            query = query.where(Rule.access_metadata.any(
                sa.and_(Metadata.key == key, Metadata.value == value)))
        rules = session.scalars(query).unique().all()
    if filters.get('access_to'):
        rules = [r for r in rules if same_grantee(
            r.access_type, r.access_to, filters['access_to'])]
    return rules


def _driver_rule(rule, state):
    return {'id': rule.id, 'access_id': rule.id,
            'share_id': rule.share_id, 'access_type': rule.access_type,
            'access_to': rule.access_to, 'access_level': rule.access_level,
            'access_key': rule.access_key, 'state': state,
            'metadata': rule.metadata_dict}


def rules_for_instances(context, instance_ids, rule_states=None):
    """{instance id: [rule dict as drivers receive it, with the rule's
    state on that instance]}, in one query for all instances.

    ``rule_states`` limits the rules to those states; every instance
    asked about has an entry, empty when it has no rule.
    """
    result = {instance_id: [] for instance_id in instance_ids}
    if not instance_ids:
        return result
    with db_api.reader.using(context) as session:
        query = (sa.select(Mapping, Rule)
                 .join(Rule, Rule.id == Mapping.access_id)
                 .where(Mapping.share_instance_id.in_(list(instance_ids)))
                 .order_by(Rule.created_at, Rule.id))
        if rule_states is not None:
            query = query.where(Mapping.state.in_(list(rule_states)))
        for mapping, rule in session.execute(query).all():
            result[mapping.share_instance_id].append(
                _driver_rule(rule, mapping.state))
    return result


# -- changes the API queues ---------------------------------------------------

@db_api.retry_on_deadlock
def queue_deny(context, share_id, access_id, drop_locks=()):
    """Queue the removal of a rule from every instance of its share, and
    delete ``drop_locks`` (the rule's deletion locks the caller lifts
    with ``unrestrict``) in the same transaction.

    Returns False when it was being denied already (nothing to do).
    """
    with db_api.writer.using(context) as session:
        instance_ids = _lock_instances(session, share_id)
        resource_locks.delete_in(session, drop_locks)
        moved = session.execute(
            sa.update(Mapping)
            .where(Mapping.access_id == access_id,
                   Mapping.state.in_(_DENIABLE))
            .values(state=states.ACCESS_QUEUED_TO_DENY,
                    updated_at=timeutils.utcnow())).rowcount
        if moved:
            _mark_syncing(session, instance_ids)
        return bool(moved)


@db_api.retry_on_deadlock
def queue_level_update(context, share_id, access_id, access_level):
    """Change an active rule's level (2.88) and queue its resync.

    Raises InvalidShareAccess unless the rule may be queued for an update
    (states.ACCESS_RULE: it is active) on every instance.
    """
    sources = states.sources(states.ACCESS_RULE,
                             states.ACCESS_QUEUED_TO_UPDATE)
    with db_api.writer.using(context) as session:
        instance_ids = _lock_instances(session, share_id)
        found = session.scalars(sa.select(Mapping.state).where(
            Mapping.access_id == access_id)).all()
        if not found or any(s not in sources for s in found):
            raise exception.InvalidShareAccess(
                reason="the access level of rule %s can only be changed "
                       "while it is %s; it is %s."
                       % (access_id, ' or '.join(
                           "'%s'" % s for s in sources) or 'never',
                          ', '.join(sorted(set(found))) or 'being removed'))
        session.execute(
            sa.update(Rule).where(Rule.id == access_id)
            .values(access_level=access_level,
                    updated_at=timeutils.utcnow()))
        session.execute(
            sa.update(Mapping)
            .where(Mapping.access_id == access_id,
                   Mapping.state.in_(sources))
            .values(state=states.ACCESS_QUEUED_TO_UPDATE,
                    updated_at=timeutils.utcnow()))
        _mark_syncing(session, instance_ids)


# -- what the share manager records -------------------------------------------

def instances_to_resync(context, host):
    """Instances of a share manager (``host@backend``) whose rules a
    previous run left queued or under way, or whose summary is syncing."""
    with db_api.reader.using(context) as session:
        on_host = db_api.on_host(Instance.host, host)
        pending = sa.exists().where(
            Mapping.share_instance_id == Instance.id,
            Mapping.state.in_(states.ACCESS_RULE_TRANSITIONAL))
        return session.scalars(
            sa.select(Instance.id).where(
                on_host, sa.or_(pending, Instance.access_rules_status ==
                                states.ACCESS_SYNCING))).all()


def instances_queued_before(context, host, before):
    """Instances of ``host@backend`` with a rule change queued before
    ``before`` that no share manager has taken up: its request was
    lost."""
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Mapping.share_instance_id).distinct()
            .join(Instance, Instance.id == Mapping.share_instance_id)
            .where(db_api.on_host(Instance.host, host),
                   Mapping.state.in_(list(_START)),
                   sa.func.coalesce(Mapping.updated_at,
                                    Mapping.created_at) < before)).all()


# -- the share manager's sync, a batch of instances at a time ----------------

def _chunks(items):
    items = list(items)
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start:start + _IN_CHUNK]


@db_api.retry_on_deadlock
def start_sync(context, instance_ids, skipped_statuses, resync=True):
    """Start syncing the rules of many instances, in one transaction.

    Instances whose status is in ``skipped_statuses`` (or deleting) are
    left alone. On the others queued rules move to their working state
    (queued_to_X -> X-ing) and an active or error access_rules_status to
    syncing. Both are conditional UPDATEs, so a rule a concurrent request
    changed meanwhile keeps its newer state. Without ``resync`` an active
    instance with nothing queued stays active: a redundant cast must not
    show a settled share as syncing. Returns {instance id started: its
    access_rules_status before}.
    """
    now = timeutils.utcnow()
    started = {}
    with db_api.writer.using(context) as session:
        for chunk in _chunks(instance_ids):
            rows = session.execute(
                sa.select(Instance.id, Instance.status,
                          Instance.access_rules_status)
                .where(Instance.id.in_(chunk))).all()
            rows = [row for row in rows
                    if row.status not in skipped_statuses
                    and not row.status.startswith('deleting')]
            ids = [row.id for row in rows]
            if not ids:
                continue
            to_flag = ids
            if not resync:
                queued = set(session.scalars(
                    sa.select(Mapping.share_instance_id).distinct()
                    .where(Mapping.share_instance_id.in_(ids),
                           Mapping.state.in_(list(_START)))))
                to_flag = [row.id for row in rows if row.id in queued
                           or row.access_rules_status == states.ACCESS_ERROR]
            session.execute(
                sa.update(Mapping)
                .where(Mapping.share_instance_id.in_(ids),
                       Mapping.state.in_(list(_START)))
                .values(state=sa.case(_START, value=Mapping.state),
                        updated_at=now)
                .execution_options(synchronize_session=False))
            if to_flag:
                session.execute(
                    sa.update(Instance)
                    .where(Instance.id.in_(to_flag),
                           Instance.access_rules_status.in_(states.sources(
                               states.INSTANCE_ACCESS,
                               states.ACCESS_SYNCING)))
                    .values(access_rules_status=states.ACCESS_SYNCING,
                            updated_at=now)
                    .execution_options(synchronize_session=False))
            started.update((row.id, row.access_rules_status)
                           for row in rows)
    return started


def load_for_sync(context, instance_ids):
    """What the driver needs for a batch: ([instances with their share,
    export locations and metadata loaded], {instance id: [(mapping id,
    rule dict)]}, {server id: server}), in a fixed number of queries."""
    rules = {instance_id: [] for instance_id in instance_ids}
    with db_api.reader.using(context) as session:
        instances = []
        for chunk in _chunks(instance_ids):
            instances.extend(session.scalars(
                sa.select(Instance).where(Instance.id.in_(chunk))
                .options(orm.joinedload(Instance.share))
                .order_by(Instance.id)).unique().all())
            query = (sa.select(Mapping.id, Mapping.share_instance_id,
                               Mapping.state, Rule)
                     .join(Rule, Rule.id == Mapping.access_id)
                     .where(Mapping.share_instance_id.in_(chunk))
                     .options(orm.lazyload(Rule.instance_mappings))
                     .order_by(Rule.created_at, Rule.id))
            for mapping_id, instance_id, state, rule in \
                    session.execute(query).all():
                rules[instance_id].append(
                    (mapping_id, _driver_rule(rule, state)))
        server_ids = {i.share_server_id for i in instances
                      if i.share_server_id}
        servers = {}
        for chunk in _chunks(server_ids):
            servers.update((server.id, server) for server in session.scalars(
                sa.select(Server).where(Server.id.in_(chunk))).all())
    return instances, rules, servers


@db_api.retry_on_deadlock
def record_sync(context, outcomes):
    """Record what the driver did for a batch of instances, in one
    transaction and a fixed number of statements.

    ``outcomes`` are dicts: ``instance_id``, ``ok`` (the driver call
    succeeded), ``keys`` {access id: key}, mapping ids ``active``
    (applied), ``denied`` (removed) and ``error``, and for a failure
    ``message`` (project id, share id, detail id) for the owner. Every
    move is conditional on the state the rule was in when the driver
    was called, so a deny queued during the call is kept. A failed
    instance's access_rules_status goes to error; a succeeded one leaves
    syncing for error (a rule is in error) or active, unless rules were
    queued meanwhile: those instance ids are returned, still syncing,
    for the caller to go on with.
    """
    if not outcomes:
        return set()
    now = timeutils.utcnow()
    keys, active, denied, error = {}, [], [], []
    for outcome in outcomes:
        keys.update(outcome.get('keys') or {})
        active.extend(outcome.get('active', ()))
        denied.extend(outcome.get('denied', ()))
        error.extend(outcome.get('error', ()))
    succeeded = [o['instance_id'] for o in outcomes if o['ok']]
    failed = [o['instance_id'] for o in outcomes if not o['ok']]
    pending = set()
    with db_api.writer.using(context) as session:
        if keys:
            # One executemany; a rule denied and gone meanwhile matches
            # no row, which is fine.
            table = Rule.__table__
            session.execute(
                sa.update(table).where(table.c.id == sa.bindparam('b_id'))
                .values(access_key=sa.bindparam('b_key'), updated_at=now),
                [{'b_id': access_id, 'b_key': key}
                 for access_id, key in keys.items()])
        for ids, target in ((active, states.ACCESS_ACTIVE),
                            (error, states.ACCESS_ERROR)):
            sources = states.sources(states.ACCESS_RULE, target)
            for chunk in _chunks(ids):
                session.execute(
                    sa.update(Mapping)
                    .where(Mapping.id.in_(chunk), Mapping.state.in_(sources))
                    .values(state=target, updated_at=now)
                    .execution_options(synchronize_session=False))
        for chunk in _chunks(denied):
            _forget_denied(session, chunk)
        for chunk in _chunks(failed):
            session.execute(
                sa.update(Instance)
                .where(Instance.id.in_(chunk),
                       Instance.access_rules_status.in_(states.sources(
                           states.INSTANCE_ACCESS, states.ACCESS_ERROR)))
                .values(access_rules_status=states.ACCESS_ERROR,
                        updated_at=now)
                .execution_options(synchronize_session=False))
        for chunk in _chunks(succeeded):
            found = {}
            for instance_id, state in session.execute(
                    sa.select(Mapping.share_instance_id, Mapping.state)
                    .distinct()
                    .where(Mapping.share_instance_id.in_(chunk))).all():
                found.setdefault(instance_id, set()).add(state)
            pending.update(i for i in chunk
                           if found.get(i, set()) & set(_START))
            in_error = [i for i in chunk if i not in pending and
                        states.ACCESS_ERROR in found.get(i, ())]
            fine = [i for i in chunk
                    if i not in pending and i not in in_error]
            for ids, target in ((in_error, states.ACCESS_ERROR),
                                (fine, states.ACCESS_ACTIVE)):
                if ids:
                    session.execute(
                        sa.update(Instance)
                        .where(Instance.id.in_(ids),
                               Instance.access_rules_status.in_(
                                   states.sources(states.INSTANCE_ACCESS,
                                                  target)))
                        .values(access_rules_status=target, updated_at=now)
                        .execution_options(synchronize_session=False))
        notes = [o['message'] for o in outcomes if o.get('message')]
        if notes:
            expires = now + message_db.MESSAGE_TTL
            session.execute(sa.insert(models.Message), [
                {'project_id': project_id, 'request_id': context.request_id,
                 'resource_type': 'SHARE', 'resource_id': share_id,
                 'action_id': action_id, 'detail_id': detail_id,
                 'message_level': 'ERROR', 'expires_at': expires}
                for project_id, share_id, action_id, detail_id in notes])
    return pending


def _forget_denied(session, mapping_ids):
    """Delete denied mappings still denying (a rule becomes 'denied' by
    losing its row); a rule no instance holds any more goes, and its
    metadata with it."""
    sources = states.sources(states.ACCESS_RULE, states.ACCESS_DENIED)
    access_ids = session.scalars(
        sa.select(Mapping.access_id).where(
            Mapping.id.in_(mapping_ids), Mapping.state.in_(sources))).all()
    if not access_ids:
        return
    session.execute(
        sa.delete(Mapping)
        .where(Mapping.id.in_(mapping_ids), Mapping.state.in_(sources))
        .execution_options(synchronize_session=False))
    orphans = session.scalars(
        sa.select(Rule.id).where(
            Rule.id.in_(access_ids),
            ~sa.exists().where(Mapping.access_id == Rule.id))).all()
    if orphans:
        resource_locks.forget_rules(session, orphans)
        # Their metadata goes by the foreign key's ON DELETE CASCADE.
        session.execute(sa.delete(Rule).where(Rule.id.in_(orphans))
                        .execution_options(synchronize_session=False))


# -- metadata (2.45) ----------------------------------------------------------

@db_api.retry_on_deadlock
def update_metadata(context, access_id, metadata):
    """Set the given items (others stay); returns the whole metadata."""
    with db_api.writer.using(context) as session:
        rule = session.get(Rule, access_id)
        if rule is None:
            raise exception.ShareAccessNotFound(access_id=access_id)
        items = {item.key: item for item in rule.access_metadata}
        for key, value in metadata.items():
            if key in items:
                items[key].value = value
            else:
                session.add(Metadata(access_id=access_id, key=key,
                                     value=value))
        session.flush()
        session.expire(rule, ['access_metadata'])
        return dict(rule.metadata_dict)


@db_api.retry_on_deadlock
def delete_metadata(context, access_id, key):
    with db_api.writer.using(context) as session:
        if not session.execute(
                sa.delete(Metadata).where(Metadata.access_id == access_id,
                                          Metadata.key == key)).rowcount:
            raise exception.ShareAccessMetadataNotFound(access_id=access_id,
                                                        key=key)
