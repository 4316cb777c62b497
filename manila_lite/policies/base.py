"""Personas every resource rule is written in terms of.

These are the default roles Keystone bootstraps (``admin`` implies
``member``, which implies ``reader``) seen from a project-scoped token, as
Manila uses them today. A resource rule names one of the constants below
as its check string and ``scope_types=['project']``; it never spells out
roles itself, so an operator can retune a persona in one place.

``ADMIN``
    a cloud administrator (``role:admin`` in any project): admin-only
    actions, and every project's resources.
``ADMIN_OR_MEMBER``
    an administrator, or a member of the project owning the target:
    creating, changing and deleting a project's resources.
``ADMIN_OR_READER``
    an administrator, or a reader (members are readers too) of the owning
    project: listing and showing.
``ANY_READER``
    an administrator, or a reader of any project: resources owned by no
    project (share types, availability zones, default quotas).
``ADMIN_OR_SERVICE``
    an administrator, or a service (``role:service``): views across
    projects that services need too.
``ADMIN_OR_OWNER_USER``
    an administrator, a service, or the member of the owning project who
    created the target (the target carries ``user_id``): resource locks.

The target of a check is the resource's ``{'project_id': ...}``; actions
with no resource yet (create, list) check against the caller's own
project. System scope: manila-lite, like Manila, offers no system-scoped
API; a system-scoped token is refused (403) by every action.

These names are stable: rules of other resources rely on them.
"""

from oslo_policy import policy

from manila_lite.policies import plugin_checks

# Before the first rule below is parsed.
plugin_checks.install()

ADMIN = 'rule:context_is_admin'
PROJECT_MEMBER = 'rule:project_member'
PROJECT_READER = 'rule:project_reader'
ADMIN_OR_MEMBER = 'rule:admin_or_project_member'
ADMIN_OR_READER = 'rule:admin_or_project_reader'
ANY_READER = 'rule:any_project_reader'
ADMIN_OR_SERVICE = 'rule:admin_or_service'
ADMIN_OR_OWNER_USER = 'rule:admin_or_owner_user'

rules = [
    policy.RuleDefault(
        'context_is_admin', 'role:admin',
        description='Who is an administrator of the whole cloud: sees and '
                    'acts on every project\'s resources.'),
    policy.RuleDefault(
        'project_member', 'role:member and project_id:%(project_id)s',
        description='A member of the project that owns the resource.'),
    policy.RuleDefault(
        'project_reader', 'role:reader and project_id:%(project_id)s',
        description='A reader of the project that owns the resource.'),
    policy.RuleDefault(
        'admin_or_project_member',
        'rule:context_is_admin or rule:project_member',
        description='An administrator, or a member of the owning project.'),
    policy.RuleDefault(
        'admin_or_project_reader',
        'rule:context_is_admin or rule:project_reader',
        description='An administrator, or a reader of the owning project.'),
    policy.RuleDefault(
        'any_project_reader', 'rule:context_is_admin or role:reader',
        description='Anyone with a reader role in some project, for '
                    'resources not owned by a project.'),
    policy.RuleDefault(
        'admin_or_service', 'rule:context_is_admin or role:service',
        description='An administrator, or another OpenStack service acting '
                    'with the service role.'),
    policy.RuleDefault(
        'admin_or_owner_user',
        'rule:context_is_admin or role:service or '
        '(rule:project_member and user_id:%(user_id)s)',
        description='An administrator, a service, or the member of the '
                    'owning project who created the resource (its '
                    'user_id): for things one user places, like resource '
                    'locks.'),
    # Names Manila's older policy files refer to, so that an operator's
    # overrides written against them keep meaning something.
    policy.RuleDefault(
        'admin_api', 'rule:context_is_admin',
        description='Legacy name (Manila) of an administrator-only check.'),
    policy.RuleDefault(
        'admin_or_owner', 'rule:context_is_admin or '
                          'project_id:%(project_id)s',
        description='Legacy name (Manila) of "an administrator or anyone '
                    'in the owning project", whatever their role.'),
]


def list_rules():
    return rules
