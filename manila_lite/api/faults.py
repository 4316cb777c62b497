"""Errors rendered in Manila's fault body: {"itemNotFound": {...}}."""

import json

import webob

FAULT_NAMES = {
    400: 'badRequest', 401: 'unauthorized', 403: 'forbidden',
    404: 'itemNotFound', 405: 'badMethod',
    409: 'conflictingRequest', 413: 'overLimit', 415: 'badMediaType',
    501: 'notImplemented',
    503: 'serviceUnavailable',
}


def fault_response(code, message, headers=None):
    name = FAULT_NAMES.get(code, 'computeFault')
    fault = {'code': code, 'message': message}
    if code == 413:
        fault['retryAfter'] = '0'
    body = json.dumps({name: fault})
    response = webob.Response(body=body.encode(), status=code,
                              content_type='application/json',
                              charset='UTF-8')
    if code == 413:
        response.headers['Retry-After'] = '0'
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
