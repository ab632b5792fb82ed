"""Scale-out on Dask distributed: the per-article work (read, clean, language, parse, extract, embed)
and the per-story analysis run as tasks on a cluster, while this process stays the one writer that
places articles in input order and commits chunk by chunk, so the stores are identical to a
single-process ingest.

`dask_pool(workers=N)` starts a LocalCluster of N single-threaded worker processes;
`dask_pool(scheduler="tcp://host:8786")` joins an existing cluster. Each worker loads the models
once (a worker plugin), and every task carries the settings of the run that sent it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from ..config import Settings, current, using
from .tasks import CRASHED, load_shared_models, under


def _models_plugin(settings: Settings):
    """Worker plugin: the spaCy pipelines and the embedding model, loaded once per worker under the
    settings of the session that started the pool."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class LoadModels(WorkerPlugin):
        name = "storyline-models"

        def setup(self, worker) -> None:
            with using(settings):
                load_shared_models()

    return LoadModels()


class DaskTask:
    """A task on the cluster. Dask re-runs a task whose worker died; one that kills workers again and
    again (KilledWorker) takes its on_crash answer, as in the local pool."""

    def __init__(self, future, args: tuple, on_crash):
        self.future, self.args, self.on_crash = future, args, on_crash

    def ready(self) -> bool:
        return self.future.done()

    def wait(self, seconds: float) -> None:
        from distributed import wait

        with suppress(TimeoutError):
            wait([self.future], timeout=seconds)

    def get(self):
        from distributed import KilledWorker

        try:
            outcome = self.future.result()
        except KilledWorker:
            outcome = CRASHED
        finally:
            self.future.release()
        return self.on_crash(*self.args) if outcome is CRASHED else outcome


class DaskPool:
    """The local pool's interface (submit -> task with ready, wait, get) over a Dask client."""

    def __init__(self, client):
        self.client = client

    def submit(self, function, *args, on_crash) -> DaskTask:
        future = self.client.submit(under, current(), function, *args, pure=False)
        return DaskTask(future, args, on_crash)


@contextmanager
def dask_pool(workers: int | None = None, scheduler: str | None = None,
              settings: Settings | None = None) -> Iterator[DaskPool]:
    """A pool on a new LocalCluster of `workers` processes, or on the cluster at `scheduler`, set up by
    `settings` (default: those of the calling context); each task still carries its own run's."""
    import dask
    from distributed import Client, LocalCluster

    settings = settings or current()
    scaleout = settings.scaleout
    # what Dask sets in each worker before it starts (its own default: a 64 KiB malloc trim
    # threshold); measured in bench/pipeline.py --workers, see README
    environ = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    if scaleout.malloc_trim_threshold >= 0:
        environ["MALLOC_TRIM_THRESHOLD_"] = str(scaleout.malloc_trim_threshold)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ,
                          "distributed.scheduler.allowed-failures": scaleout.allowed_failures}):
        if scheduler:
            client, cluster = Client(scheduler, timeout=scaleout.connect_seconds), None
        else:
            cluster = LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=scaleout.log_level)
            client = Client(cluster)
        try:
            client.register_plugin(_models_plugin(settings))
            yield DaskPool(client)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
