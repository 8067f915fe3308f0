"""Process-wide settings for the server, applied once when the app is first imported.

The app's matrices are tiny (a forecast fits models to a hundred values), so BLAS
threads only spin-wait: on a 2-core server they doubled the CPU time of a forecast
without making it faster, and took that CPU from other users' sessions. The
environment variables work if numpy is not loaded yet; Streamlit usually has loaded
it, so the limit is also set on the loaded library with threadpoolctl.
"""

import os


def one_blas_thread() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import numpy  # noqa: F401  (loads BLAS, so that threadpoolctl can find it)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


one_blas_thread()
