"""Queries on share group types, their group specs, share types and
project access (API process)."""

from oslo_db import exception as db_exc
import sqlalchemy as sa

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import exception

GroupType = models.ShareGroupType
Spec = models.ShareGroupTypeSpec
Project = models.ShareGroupTypeProject
Mapping = models.ShareGroupTypeShareTypeMapping

# Rows that belong to a group type, deleted before it: no database is
# trusted to cascade (nor the ORM to null a NOT NULL key on MariaDB).
_CHILDREN = (Spec, Project, Mapping)


def _share_type_ids(session, refs):
    """Ids of the share types named (by id or name) in ``refs``, in order
    and once each; ShareTypeNotFound for the first unknown one."""
    rows = session.execute(
        sa.select(models.ShareType.id, models.ShareType.name)
        .where(sa.or_(models.ShareType.id.in_(refs),
                      models.ShareType.name.in_(refs)))).all()
    by_id = {row.id: row.id for row in rows}
    by_name = {row.name: row.id for row in rows}
    ids = []
    for ref in refs:
        type_id = by_id.get(ref) or by_name.get(ref)
        if type_id is None:
            raise exception.ShareTypeNotFound(share_type_id=ref)
        if type_id not in ids:
            ids.append(type_id)
    return ids


def create(context, name, share_types, group_specs=None, is_public=True):
    """The new group type's id; ``share_types`` are names or ids."""
    with db_api.writer.using(context) as session:
        group_type = GroupType(name=name, is_public=is_public)
        group_type.group_specs = [Spec(key=k, value=v)
                                  for k, v in (group_specs or {}).items()]
        group_type.share_type_mappings = [
            Mapping(share_type_id=type_id)
            for type_id in _share_type_ids(session, list(share_types))]
        session.add(group_type)
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.ShareGroupTypeExists(name=name)
        return group_type.id


def _visible(query, context):
    """Public group types, plus private ones shared with the caller's
    project; administrators see every one."""
    if context.is_admin:
        return query
    return query.where(sa.or_(
        GroupType.is_public.is_(True),
        GroupType.projects.any(Project.project_id == context.project_id)))


def get(context, type_id):
    with db_api.reader.using(context) as session:
        group_type = session.scalars(_visible(
            sa.select(GroupType).where(GroupType.id == type_id),
            context)).first()
    if group_type is None:
        raise exception.ShareGroupTypeNotFound(type_id=type_id)
    return group_type


def get_by_name(context, name):
    """Whoever asks: the default group type is named by configuration."""
    with db_api.reader.using(context) as session:
        group_type = session.scalars(
            sa.select(GroupType).where(GroupType.name == name)).first()
    if group_type is None:
        raise exception.ShareGroupTypeNotFound(type_id=name)
    return group_type


def get_all(context, is_public=True, group_specs=None):
    """The group types a list shows, by name.

    ``is_public`` True: public ones and the private ones given to the
    caller's project; False: private ones only; None: every one the
    caller may see. ``group_specs``: only types with all these specs.
    """
    query = _visible(sa.select(GroupType), context).order_by(GroupType.name)
    if is_public:
        query = query.where(sa.or_(
            GroupType.is_public.is_(True),
            GroupType.projects.any(Project.project_id == context.project_id)))
    elif is_public is not None:
        query = query.where(GroupType.is_public.is_(False))
    for key, value in (group_specs or {}).items():
        query = query.where(GroupType.group_specs.any(
            sa.and_(Spec.key == key, Spec.value == value)))
    with db_api.reader.using(context) as session:
        return session.scalars(query).all()


def destroy(context, type_id):
    with db_api.writer.using(context) as session:
        if session.get(GroupType, type_id) is None:
            raise exception.ShareGroupTypeNotFound(type_id=type_id)
        if session.scalar(sa.select(sa.exists().where(
                models.ShareGroup.share_group_type_id == type_id))):
            raise exception.ShareGroupTypeInUse(type_id=type_id)
        for child in _CHILDREN:
            session.execute(sa.delete(child).where(
                child.share_group_type_id == type_id))
        session.execute(sa.delete(GroupType).where(GroupType.id == type_id))


def set_specs(context, type_id, specs):
    """Add or change ``specs``; others stay."""
    with db_api.writer.using(context) as session:
        current = {spec.key: spec for spec in session.scalars(
            sa.select(Spec).where(Spec.share_group_type_id == type_id))}
        for key, value in specs.items():
            if key in current:
                current[key].value = value
            else:
                session.add(Spec(share_group_type_id=type_id, key=key,
                                 value=value))
        session.flush()


def delete_spec(context, type_id, key):
    with db_api.writer.using(context) as session:
        result = session.execute(sa.delete(Spec).where(
            Spec.share_group_type_id == type_id, Spec.key == key))
    if result.rowcount == 0:
        raise exception.ShareGroupTypeSpecsNotFound(type_id=type_id, key=key)


def projects(context, type_id):
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(Project.project_id)
            .where(Project.share_group_type_id == type_id)
            .order_by(Project.project_id)).all()


def add_project(context, type_id, project_id):
    with db_api.writer.using(context) as session:
        session.add(Project(share_group_type_id=type_id,
                            project_id=project_id))
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.ShareGroupTypeAccessExists(
                type_id=type_id, project_id=project_id)


def remove_project(context, type_id, project_id):
    with db_api.writer.using(context) as session:
        result = session.execute(sa.delete(Project).where(
            Project.share_group_type_id == type_id,
            Project.project_id == project_id))
    if result.rowcount == 0:
        raise exception.ShareGroupTypeAccessNotFound(
            type_id=type_id, project_id=project_id)
