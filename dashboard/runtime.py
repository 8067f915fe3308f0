"""Process-wide settings for the server, applied once when the app is first imported.

The app's matrices are tiny (a forecast fits models to a hundred values), so BLAS
threads only spin-wait: on a 2-core server they doubled the CPU time of a forecast
without making it faster, and took that CPU from other users' sessions. Streamlit has
imported numpy before the app runs, too late for `OPENBLAS_NUM_THREADS`, so the limit
is set on the loaded library with threadpoolctl.
"""

from threadpoolctl import threadpool_limits

_BLAS_LIMIT = threadpool_limits(limits=1, user_api="blas")
