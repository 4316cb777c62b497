"""Queries on share types, their extra specs and project access."""

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy import exc as sa_exc
from oslo_db import exception as db_exc

from manila_lite import exception
from manila_lite.db import api as db_api
from manila_lite.db import models

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


def _one_with_specs(session, query):
    """The first type ``query`` finds, its extra specs joined in: every
    share create reads one, and their selectin load is a statement
    more."""
    return session.scalars(query.options(
        orm.joinedload(ShareType.extra_specs))).unique().first()


def get(context, type_id, check_access=True):
    with db_api.reader.using(context) as session:
        query = sa.select(ShareType).where(ShareType.id == type_id)
        if check_access:
            query = _accessible(query, context)
        share_type = _one_with_specs(session, query)
        if share_type is None:
            raise exception.ShareTypeNotFound(share_type_id=type_id)
        return share_type


def get_by_name(context, name, check_access=True):
    with db_api.reader.using(context) as session:
        query = sa.select(ShareType).where(ShareType.name == name)
        if check_access:
            query = _accessible(query, context)
        share_type = _one_with_specs(session, query)
        if share_type is None:
            raise exception.ShareTypeNotFoundByName(share_type_name=name)
        return share_type


def get_by_name_or_id(context, name_or_id, check_access=True):
    """The type with that id, else the one with that name: one read for
    both (names are unique)."""
    with db_api.reader.using(context) as session:
        query = sa.select(ShareType).where(sa.or_(
            ShareType.id == name_or_id, ShareType.name == name_or_id))
        if check_access:
            query = _accessible(query, context)
        found = session.scalars(query.options(
            orm.joinedload(ShareType.extra_specs))).unique().all()
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
