"""Request context: who is calling, carried from the API through RPC."""

from oslo_context import context as o_context
from oslo_db.sqlalchemy import enginefacade


@enginefacade.transaction_context_provider
class RequestContext(o_context.RequestContext):
    """Adds Manila's admin flag and quota class to oslo.context."""

    def __init__(self, *, is_admin=None, quota_class=None,
                 remote_address=None, **kwargs):
        super().__init__(**kwargs)
        if is_admin is None:
            is_admin = 'admin' in [r.lower() for r in self.roles]
        self.is_admin = is_admin
        self.quota_class = quota_class
        self.remote_address = remote_address

    def to_dict(self):
        values = super().to_dict()
        values.update(is_admin=self.is_admin, quota_class=self.quota_class,
                      remote_address=self.remote_address)
        return values

    @classmethod
    def from_dict(cls, values, **kwargs):
        return super().from_dict(
            values, is_admin=values.get('is_admin'),
            quota_class=values.get('quota_class'),
            remote_address=values.get('remote_address'), **kwargs)

    def elevated(self):
        """A copy that passes admin checks, for work done on users' behalf."""
        ctx = self.from_dict(self.to_dict())
        ctx.is_admin = True
        if 'admin' not in ctx.roles:
            ctx.roles = list(ctx.roles) + ['admin']
        return ctx


def get_admin_context():
    return RequestContext(is_admin=True, roles=['admin'], overwrite=False)
