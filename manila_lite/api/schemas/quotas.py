"""Request bodies of the quota sets API.

Only the envelope is checked here; which keys a microversion accepts, and
the Manila wording of those errors, is the handler's job.
"""

update = {
    'type': 'object',
    'properties': {
        'quota_set': {'type': 'object'},
    },
    'required': ['quota_set'],
}

update_class = {
    'type': 'object',
    'properties': {
        'quota_class_set': {'type': 'object'},
    },
    'required': ['quota_class_set'],
}
