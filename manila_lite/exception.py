"""Errors with the HTTP code the API answers when they reach it."""


class ManilaLiteException(Exception):
    """Base error; ``message`` is a format string filled from kwargs."""

    message = 'An unknown error occurred.'
    code = 500
    # Response headers beside the fault body (Retry-After).
    headers = {}

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            try:
                message = self.message % kwargs
            except (KeyError, TypeError):
                message = self.message
        self.msg = message
        super().__init__(message)


class Invalid(ManilaLiteException):
    message = 'Unacceptable parameters.'
    code = 400


class InvalidInput(Invalid):
    message = 'Invalid input received: %(reason)s'


class InvalidShare(Invalid):
    message = 'Invalid share: %(reason)s'


class ShareBusy(InvalidShare):
    """Manila answers 403 when a share's status forbids the request."""
    code = 403


class InvalidShareType(Invalid):
    message = 'Invalid share type: %(reason)s'


class InvalidParameterValue(Invalid):
    message = '%(err)s'


class NotAuthorized(ManilaLiteException):
    message = 'Not authorized.'
    code = 403


class PolicyNotAuthorized(NotAuthorized):
    message = "Policy doesn't allow %(action)s to be performed."


class NotFound(ManilaLiteException):
    message = 'Resource could not be found.'
    code = 404


class ShareNotFound(NotFound):
    message = 'Share %(share_id)s could not be found.'


class ShareInstanceNotFound(NotFound):
    message = 'Share instance %(share_instance_id)s could not be found.'


class ShareReplicaNotFound(NotFound):
    message = 'Share replica %(replica_id)s could not be found.'


class ShareTypeNotFound(NotFound):
    message = 'Share type %(share_type_id)s could not be found.'


class ShareTypeNotFoundByName(ShareTypeNotFound):
    message = 'Share type with name %(share_type_name)s could not be found.'


class DefaultShareTypeNotConfigured(NotFound):
    message = ('No default share type is configured. Either configure a '
               'default share type or explicitly specify a share type.')


class ShareTypeExtraSpecsNotFound(NotFound):
    message = ('Share type %(share_type_id)s has no extra spec with key '
               '%(extra_specs_key)s.')


class ShareTypeAccessNotFound(NotFound):
    message = ('Share type access not found for %(share_type_id)s / '
               '%(project_id)s combination.')


class ShareGroupTypeNotFound(NotFound):
    message = 'Share group type %(type_id)s could not be found.'


class ShareGroupNotFound(NotFound):
    message = 'Share group %(share_group_id)s could not be found.'


class ShareGroupSnapshotNotFound(NotFound):
    message = 'Share group snapshot %(snapshot_id)s could not be found.'


class ShareGroupTypeSpecsNotFound(NotFound):
    message = ('Share group type %(type_id)s has no group spec with key '
               '%(key)s.')


class ShareGroupTypeAccessNotFound(NotFound):
    message = ('Project %(project_id)s has no access to share group type '
               '%(type_id)s.')


class ServiceNotFound(NotFound):
    message = 'Service %(service_id)s could not be found.'


class AvailabilityZoneNotFound(NotFound):
    message = 'Availability zone %(id)s could not be found.'


class ExportLocationNotFound(NotFound):
    message = 'Export location %(uuid)s could not be found.'


class Conflict(ManilaLiteException):
    message = 'Conflict.'
    code = 409


class ShareTypeExists(Conflict):
    message = 'Share type %(id)s already exists.'


class ShareTypeInUse(Conflict):
    message = ('Share type %(share_type_id)s is in use by shares and cannot '
               'be deleted.')


class ShareTypeAccessExists(Conflict):
    message = ('Share type access for %(share_type_id)s / %(project_id)s '
               'combination already exists.')


class InvalidShareGroup(Conflict):
    message = 'Invalid share group: %(reason)s'


class ShareGroupTypeInUse(Invalid):
    message = ('Share group type %(type_id)s is in use by share groups and '
               'cannot be deleted.')


class ShareGroupTypeExists(Conflict):
    message = 'A share group type named %(name)s already exists.'


class ShareGroupTypeAccessExists(Conflict):
    message = ('Project %(project_id)s already has access to share group '
               'type %(type_id)s.')


class InvalidStatusTransition(Conflict):
    message = ('%(resource)s %(id)s cannot move from status %(current)s: '
               'it must be one of %(allowed)s.')


class QuotaError(ManilaLiteException):
    message = 'Quota exceeded: code=%(code)s'
    code = 413


class OverQuota(QuotaError):
    message = ('Requested %(resource)s of %(requested)s exceeds the allowed '
               'quota: %(in_use)s in use or reserved out of %(limit)s.')


class NoValidHost(ManilaLiteException):
    message = 'No valid host was found. %(reason)s'


class ShareBackendException(ManilaLiteException):
    message = 'Share backend error: %(msg)s'


class ShareShrinkingPossibleDataLoss(ManilaLiteException):
    message = 'Share %(share_id)s could not be shrunk due to possible data ' \
              'loss.'
    code = 400


class ManageInvalidShareSnapshot(Invalid):
    message = 'Manage existing share snapshot failed due to invalid ' \
              'share snapshot: %(reason)s'


class UnmanageInvalidShare(Invalid):
    message = 'Unmanage existing share failed due to invalid share: ' \
              '%(reason)s'


class UnmanageInvalidShareSnapshot(Invalid):
    message = 'Unmanage existing snapshot failed due to invalid snapshot: ' \
              '%(reason)s'


class InvalidDriverError(ManilaLiteException):
    message = 'Share driver could not be loaded: %(reason)s'


class VersionNotFoundForAPIMethod(ManilaLiteException):
    message = 'API version %(version)s is not supported on this method.'
    code = 404


class ManageInvalidShare(Invalid):
    message = 'Manage existing share failed due to invalid share: %(reason)s'


class InvalidShareAccess(Invalid):
    message = 'Invalid access rule: %(reason)s'


class ShareAccessExists(Invalid):
    """Manila answers a duplicate rule with 400, not 409."""
    message = 'Share access %(access_type)s:%(access)s exists.'


class ShareAccessNotFound(NotFound):
    message = 'Access rule %(access_id)s could not be found.'


class ShareAccessMetadataNotFound(NotFound):
    message = ('Metadata item %(key)s of access rule %(access_id)s could '
               'not be found.')


# -- resource locks (2.81) ---------------------------------------------------

class ResourceLockNotFound(NotFound):
    message = 'Resource lock %(lock_id)s could not be found.'


class ResourceLockConflict(Conflict):
    """The resource or its locks forbid this lock (Manila answers 409)."""
    message = '%(reason)s'


class ShareResourceNotFound(NotFound):
    message = 'Share %(share_id)s could not be found on the backend.'


class SnapshotResourceNotFound(NotFound):
    message = 'Snapshot %(name)s could not be found on the backend.'


# -- resize and manage -------------------------------------------------------

class ShareSizeExceedsAvailableQuota(ManilaLiteException):
    """Manila answers an extend past the gigabytes quota with 403."""
    message = ('Requested share exceeds allowed project/user or share type '
               'gigabytes quota.')
    code = 403


class ServiceIsDown(Invalid):
    message = 'Service %(service)s is down.'


class ForbiddenAction(NotAuthorized):
    """403 for a request the resource's state forbids (Manila's wording)."""
    message = '%(reason)s'


# -- snapshots ---------------------------------------------------------------

class ShareSnapshotNotFound(NotFound):
    message = 'Snapshot %(snapshot_id)s could not be found.'


class ShareSnapshotInstanceNotFound(NotFound):
    message = 'Snapshot instance %(instance_id)s could not be found.'


class InvalidShareSnapshot(Invalid):
    message = 'Invalid share snapshot: %(reason)s'


class ShareSnapshotAccessExists(Invalid):
    """Manila answers a duplicate snapshot rule with 400."""
    message = 'Share snapshot access %(access_type)s:%(access)s exists.'


class ShareSnapshotAccessNotFound(NotFound):
    message = 'Snapshot access rule %(access_id)s could not be found.'


class UnprocessableEntity(ManilaLiteException):
    """Manila answers 422 for some well-formed but unusable bodies."""
    message = 'Unprocessable entity: %(reason)s'
    code = 422


# -- share networks, security services, share servers ------------------------

class ShareNetworkNotFound(NotFound):
    message = 'Share network %(share_network_id)s could not be found.'


class ShareNetworkSubnetNotFound(NotFound):
    message = ('Share network subnet %(share_network_subnet_id)s could not '
               'be found.')


class SecurityServiceNotFound(NotFound):
    message = 'Security service %(security_service_id)s could not be found.'


class ShareServerNotFound(NotFound):
    message = 'Share server %(share_server_id)s could not be found.'


class ShareNetworkInUse(Conflict):
    message = '%(reason)s'


class InvalidSecurityService(Conflict):
    """A security service that cannot join (or replace one in) a share
    network: one of its type is there already, or the one it would
    replace is not."""
    message = '%(reason)s'


class NetworkBadConfigurationException(ManilaLiteException):
    message = 'Bad network configuration: %(reason)s'


# -- QoS types (2.94) and share transfers (2.77) ------------------------------

class QosTypeNotFound(NotFound):
    message = 'QoS type %(qos_type_id)s could not be found.'


class QosTypeSpecNotFound(NotFound):
    message = 'QoS type %(qos_type_id)s has no spec with key %(key)s.'


class QosTypeExists(Conflict):
    message = 'A QoS type named %(name)s already exists.'


class QosTypeInUse(Invalid):
    """Manila answers 400 for a QoS type shares still use."""
    message = ('QoS type %(qos_type_id)s is in use by shares and cannot be '
               'deleted.')


class TransferNotFound(NotFound):
    message = 'Transfer %(transfer_id)s could not be found.'


class InvalidAuthKey(Invalid):
    message = 'Invalid auth key: %(reason)s'


class BrokerUnavailable(ManilaLiteException):
    """The message broker cannot take a request now; what was written
    for it has been undone."""
    message = ('The message broker cannot be reached; nothing was changed. '
               'Try again later.')
    code = 503
    headers = {'Retry-After': '10'}
