"""Which projects' rows a list query returns.

Users see their own project's rows. An administrator sees every
project's with ``all_tenants``, or one project's with ``project_id``.
"""


def scoped(query, context, filters, project_column):
    """``query`` limited by ``project_column`` as the caller may see;
    pops ``all_tenants`` from ``filters``."""
    if filters.pop('all_tenants', False) and context.is_admin:
        return query
    if 'project_id' in filters and context.is_admin:
        return query.where(project_column == filters['project_id'])
    return query.where(project_column == context.project_id)
