"""Console entry point: imports the CLI with the cyclic garbage collector paused (imports create many objects
and free almost nothing, so collections during start-up are wasted time), then runs it. A closed pipe on standard
output (``judge show X | head``) ends the command silently with exit 0."""

import gc
import sys


def main() -> None:
    gc.disable()
    try:
        from judge.cli.common import quiet_broken_pipe
        from judge.cli.main import main as cli_main
    finally:
        gc.enable()
    try:
        cli_main()
    except BrokenPipeError:
        quiet_broken_pipe()
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            quiet_broken_pipe()
