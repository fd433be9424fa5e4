"""Console entry point: imports the CLI with the cyclic garbage collector paused (imports create many objects
and free almost nothing, so collections during start-up are wasted time), then runs it."""

import gc


def main() -> None:
    gc.disable()
    try:
        from judge.cli import main as cli_main
    finally:
        gc.enable()
    cli_main()
