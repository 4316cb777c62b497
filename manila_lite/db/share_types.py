"""Queries on share types, their extra specs and project access."""

from oslo_db import exception as db_exc
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from manila_lite.db import api as db_api
from manila_lite.db import models
from manila_lite import exception

ShareType = models.ShareType


def create(context, name, extra_specs, is_public=True, description=None,
           projects=()):
    with db_api.writer.using(context) as session:
        share_type = ShareType(name=name, is_public=is_public,
                               description=description)
        share_type.extra_specs = [
            models.ShareTypeExtraSpec(key=k, value=str(v))
            for k, v in extra_specs.items()]
        share_type.projects = [models.ShareTypeProject(project_id=p)
                               for p in projects]
        session.add(share_type)
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.ShareTypeExists(id=name)
        return share_type


def _accessible(query, context):
    """Public types, plus private ones shared with the caller's project."""
    if context.is_admin:
        return query
    return query.where(sa.or_(
        ShareType.is_public.is_(True),
        ShareType.projects.any(
            models.ShareTypeProject.project_id == context.project_id)))


_TYPE = ShareType.__table__
_SPEC = models.ShareTypeExtraSpec.__table__
_PROJECT = models.ShareTypeProject.__table__


def _lookup(match):
    """{check_access: statement} finding types by ``match`` with their
    extra specs outer-joined, one row per spec. Built once, with bound
    parameters: every share create runs one, and building an ORM query
    with its access subquery and loading it cost more than the read."""
    query = (sa.select(_TYPE, _SPEC.c.key.label('spec_key'),
                       _SPEC.c.value.label('spec_value'))
             .select_from(_TYPE.outerjoin(
                 _SPEC, _SPEC.c.share_type_id == _TYPE.c.id))
             .where(match)
             .order_by(_TYPE.c.id, _SPEC.c.id))
    accessible = query.where(sa.or_(
        _TYPE.c.is_public.is_(True),
        sa.exists().where(_PROJECT.c.share_type_id == _TYPE.c.id,
                          _PROJECT.c.project_id == sa.bindparam('project'))))
    return {False: query, True: accessible}


_BY_ID = _lookup(_TYPE.c.id == sa.bindparam('key'))
_BY_NAME = _lookup(_TYPE.c.name == sa.bindparam('key'))
_BY_NAME_OR_ID = _lookup(sa.or_(_TYPE.c.id == sa.bindparam('key'),
                                _TYPE.c.name == sa.bindparam('key')))
_TYPE_COLUMNS = tuple(c.key for c in _TYPE.c)


def _find(context, statements, key, check_access):
    """Types found, as ShareType objects with their extra specs, not
    tracked by any session (nothing is lazily loaded from them)."""
    check = check_access and not context.is_admin
    with db_api.reader.using(context) as session:
        rows = session.connection().execute(
            statements[check], {'key': key, 'project': context.project_id}
        ).all()
    found = {}
    for row in rows:
        share_type = found.get(row.id)
        if share_type is None:
            share_type = found[row.id] = ShareType(
                **{name: getattr(row, name) for name in _TYPE_COLUMNS})
            share_type.extra_specs = []
        if row.spec_key is not None:
            share_type.extra_specs.append(models.ShareTypeExtraSpec(
                key=row.spec_key, value=row.spec_value))
    return list(found.values())


def get(context, type_id, check_access=True):
    found = _find(context, _BY_ID, type_id, check_access)
    if not found:
        raise exception.ShareTypeNotFound(share_type_id=type_id)
    return found[0]


def get_by_name(context, name, check_access=True):
    found = _find(context, _BY_NAME, name, check_access)
    if not found:
        raise exception.ShareTypeNotFoundByName(share_type_name=name)
    return found[0]


def get_by_name_or_id(context, name_or_id, check_access=True):
    """The type with that id, else the one with that name: one read for
    both (names are unique)."""
    found = _find(context, _BY_NAME_OR_ID, name_or_id, check_access)
    for share_type in found:
        if share_type.id == name_or_id:
            return share_type
    if found:
        return found[0]
    raise exception.ShareTypeNotFoundByName(share_type_name=name_or_id)


def get_all(context, is_public=None, extra_specs=None):
    """``is_public``: True, False, or None for both (admins)."""
    with db_api.reader.using(context) as session:
        query = _accessible(sa.select(ShareType), context).order_by(
            ShareType.name)
        if is_public is not None:
            query = query.where(ShareType.is_public.is_(is_public))
        types = session.scalars(query).all()
    if extra_specs:
        types = [t for t in types
                 if all(t.specs.get(k) == str(v)
                        for k, v in extra_specs.items())]
    return types


def update(context, type_id, values):
    with db_api.writer.using(context) as session:
        share_type = session.get(ShareType, type_id)
        if share_type is None:
            raise exception.ShareTypeNotFound(share_type_id=type_id)
        for key, value in values.items():
            setattr(share_type, key, value)
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.ShareTypeExists(id=values.get('name'))
        return share_type


def destroy(context, type_id):
    with db_api.writer.using(context) as session:
        if session.scalar(sa.select(sa.exists().where(
                models.ShareInstance.share_type_id == type_id))):
            raise exception.ShareTypeInUse(share_type_id=type_id)
        # A share group type naming it keeps it too, as in Manila.
        if session.scalar(sa.select(sa.exists().where(
                models.ShareGroupTypeShareTypeMapping.share_type_id ==
                type_id))):
            raise exception.ShareTypeInUse(share_type_id=type_id)
        share_type = session.get(ShareType, type_id)
        if share_type is None:
            raise exception.ShareTypeNotFound(share_type_id=type_id)
        session.delete(share_type)


def set_extra_specs(context, type_id, specs):
    with db_api.writer.using(context) as session:
        share_type = session.get(ShareType, type_id)
        if share_type is None:
            raise exception.ShareTypeNotFound(share_type_id=type_id)
        current = {s.key: s for s in share_type.extra_specs}
        for key, value in specs.items():
            if key in current:
                current[key].value = str(value)
            else:
                share_type.extra_specs.append(models.ShareTypeExtraSpec(
                    key=key, value=str(value)))
        session.flush()
        return share_type.specs


def delete_extra_spec(context, type_id, key):
    with db_api.writer.using(context) as session:
        result = session.execute(sa.delete(models.ShareTypeExtraSpec).where(
            models.ShareTypeExtraSpec.share_type_id == type_id,
            models.ShareTypeExtraSpec.key == key))
        if result.rowcount == 0:
            raise exception.ShareTypeExtraSpecsNotFound(
                share_type_id=type_id, extra_specs_key=key)


def projects(context, type_id):
    with db_api.reader.using(context) as session:
        return session.scalars(
            sa.select(models.ShareTypeProject.project_id)
            .where(models.ShareTypeProject.share_type_id == type_id)
            .order_by(models.ShareTypeProject.project_id)).all()


def add_project(context, type_id, project_id):
    with db_api.writer.using(context) as session:
        session.add(models.ShareTypeProject(share_type_id=type_id,
                                            project_id=project_id))
        try:
            session.flush()
        except (db_exc.DBDuplicateEntry, sa_exc.IntegrityError):
            raise exception.ShareTypeAccessExists(share_type_id=type_id,
                                                  project_id=project_id)


def remove_project(context, type_id, project_id):
    with db_api.writer.using(context) as session:
        result = session.execute(sa.delete(models.ShareTypeProject).where(
            models.ShareTypeProject.share_type_id == type_id,
            models.ShareTypeProject.project_id == project_id))
        if result.rowcount == 0:
            raise exception.ShareTypeAccessNotFound(share_type_id=type_id,
                                                    project_id=project_id)


def names_by_id(context, type_ids):
    """{id: name} for the given types, in one query (for list views)."""
    with db_api.reader.using(context) as session:
        return dict(session.execute(
            sa.select(ShareType.id, ShareType.name)
            .where(ShareType.id.in_(list(type_ids)))).all())


def get_all_listed(context, is_public=True):
    """The types a list request shows, filtered on publicity as Manila does.

    ``is_public`` True: public types and the private ones the caller's
    project was given; False: private types only; None: every type the
    caller may see.
    """
    with db_api.reader.using(context) as session:
        query = _accessible(sa.select(ShareType), context).order_by(
            ShareType.name)
        if is_public:
            query = query.where(sa.or_(
                ShareType.is_public.is_(True),
                ShareType.projects.any(
                    models.ShareTypeProject.project_id ==
                    context.project_id)))
        elif is_public is not None:
            query = query.where(ShareType.is_public.is_(False))
        return session.scalars(query).all()
