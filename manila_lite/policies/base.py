"""Personas every resource rule is written in terms of."""

from oslo_policy import policy

ADMIN = 'rule:context_is_admin'
ADMIN_OR_MEMBER = 'rule:admin_or_project_member'
ADMIN_OR_READER = 'rule:admin_or_project_reader'
ANY_READER = 'rule:any_project_reader'

rules = [
    policy.RuleDefault(
        'context_is_admin', 'role:admin',
        description='Who is an administrator of the whole cloud.'),
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
]


def list_rules():
    return rules
