"""Sessions built before fork are what the workers get: same file and threads only, never across a fork with a
thread pool, never for a file changed since; and a run gives its working memory back. A tiny graph (y = 2x + 1)
stands in for the models; the real ones are shared under gunicorn in ``test_shared_models.py``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from moderation.onnx_sessions import forget, is_preloaded, open_session, preload, run

ROOT = Path(__file__).resolve().parents[2]


def tiny_graph(path: Path) -> Path:
    """An ONNX graph computing 2x + 1 on a float vector."""
    import onnx
    from onnx import TensorProto, helper

    two = helper.make_tensor("two", TensorProto.FLOAT, [1], [2.0])
    one = helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])
    nodes = [helper.make_node("Mul", ["x", "two"], ["doubled"]), helper.make_node("Add", ["doubled", "one"], ["y"])]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])],
        initializer=[two, one],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


@pytest.fixture
def graph(tmp_path: Path) -> Iterator[Path]:
    yield tiny_graph(tmp_path / "tiny.onnx")
    forget()


def test_a_preloaded_session_is_what_open_session_returns(graph: Path) -> None:
    assert preload(graph, threads=1)
    session = open_session(graph, threads=1)
    assert is_preloaded(session)
    assert open_session(graph, threads=1) is session
    [y] = run(session, ["y"], {"x": np.array([1.0, 2.5], dtype=np.float32)})
    assert y.tolist() == [3.0, 6.0]


def test_without_preload_each_call_builds_its_own(graph: Path) -> None:
    first, second = open_session(graph, threads=1), open_session(graph, threads=1)
    assert first is not second
    assert not is_preloaded(first)


def test_sessions_with_a_thread_pool_are_never_preloaded(graph: Path) -> None:
    """Their pool's threads would not exist in a forked worker, which would wait for them forever."""
    assert not preload(graph, threads=2)
    assert not is_preloaded(open_session(graph, threads=2))
    assert preload(graph, threads=1)
    assert not is_preloaded(open_session(graph, threads=2)), "another thread count is another session"


def test_a_file_changed_after_preload_gets_a_new_session(graph: Path, tmp_path: Path) -> None:
    assert preload(graph, threads=1)
    elsewhere = tiny_graph(tmp_path / "copy.onnx")
    assert not is_preloaded(open_session(elsewhere, threads=1)), "another path"
    stat = graph.stat()
    os.utime(graph, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert not is_preloaded(open_session(graph, threads=1)), "rewritten in place"


def test_a_missing_file_fails_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"nothing\.onnx"):
        open_session(tmp_path / "nothing.onnx", threads=1)


FORKED = """
import os, sys
import numpy as np
from pathlib import Path
from moderation.onnx_sessions import is_preloaded, open_session, preload, run
graph = Path(sys.argv[1])
assert preload(graph, threads=1)
pid = os.fork()
if pid == 0:
    session = open_session(graph, threads=1)
    [y] = run(session, ["y"], {"x": np.arange(4, dtype=np.float32)})
    os._exit(0 if is_preloaded(session) and y.tolist() == [1.0, 3.0, 5.0, 7.0] else 1)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_a_forked_child_runs_the_session_its_parent_built(graph: Path) -> None:
    """What gunicorn's workers do with the master's sessions (in a fresh interpreter: the test process has threads)."""
    result = subprocess.run([sys.executable, "-c", FORKED, str(graph)], cwd=ROOT, timeout=60, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


ENDING = """
import os, sys
from pathlib import Path
from moderation.onnx_sessions import end_forked_process, preload
assert preload(Path(sys.argv[1]), threads=1)
end_forked_process()  # in the process that preloaded: nothing happens
pid = os.fork()
if pid == 0:
    try:
        sys.exit(int(sys.argv[2]))
    finally:
        end_forked_process()  # as gunicorn's worker_exit hook
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.parametrize("code", [0, 3])
def test_a_forked_child_ends_with_its_exit_code_instead_of_hanging(graph: Path, code: int) -> None:
    """Without ``end_forked_process`` the child waits forever in ONNX Runtime's exit handler (the timeout fails)."""
    result = subprocess.run(
        [sys.executable, "-c", ENDING, str(graph), str(code)], cwd=ROOT, timeout=30, capture_output=True
    )
    assert result.returncode == code, result.stderr.decode()
