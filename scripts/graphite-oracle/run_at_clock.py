# Runs a Python program (argv[2:]) with time.time() moved back so that it starts at argv[1]
# (unix seconds) and then advances normally. carbon-cache and whisper read the wall clock only
# through time.time(), so the dataset (fixed in time) is written as if it were fresh.
# (libfaketime makes Python's time.sleep fail with EINVAL here, hence this.)
import runpy
import sys
import time

_start = float(sys.argv[1])
_real = time.time
_delta = _real() - _start
time.time = lambda: _real() - _delta
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
