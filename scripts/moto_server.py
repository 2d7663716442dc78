"""The local AWS endpoint for tests, the demo and the benchmark: moto's server with the additions
in `moto_ext/` (one module per service; see moto_ext/README.md).

Run with the project's venv python and moto_server's arguments: `-H HOST -p PORT`. Settings, read
by `moto_ext` only: EKSFORM_MOTO_EKS_UPDATE_SECONDS, EKSFORM_MOTO_EKS_STATE_SECONDS,
EKSFORM_MOTO_REFRESH_STEP_SECONDS (see the modules' docstrings).
"""

import moto_ext
from moto import server

if __name__ == "__main__":
    moto_ext.install()
    server.main()
