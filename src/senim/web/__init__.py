"""The web door: `senim serve`, pages for owners and the API under /api/v1.

Routes parse a request, call one library function with the signed-in
organisation and render; the law, the verdicts and the tenancy live below,
in the library and the registry. `create_app(db)` builds the application.
"""


def create_app(*args, **kwargs):
    from senim.web.app import create_app as build

    return build(*args, **kwargs)
